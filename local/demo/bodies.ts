import type { Regime } from '../../shared/domain/regime.js';
import type { AnnualReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { fillTemplate } from '../../test/support/xlsx-fill.js';
import { buildTemplate } from '../../shared/xlsx/template.js';
import type { UploadAction } from './plan.js';

/** The files the demo's units upload: the JSON the form posts, or the unit's Excel template filled in as a clerk's Excel would. */

/** The report an upload carries (the invalid ones break cross-field rules the schema checks). */
export function reportFor(regime: Regime, period: number, unitId: string, action: Pick<UploadAction, 'valid' | 'variant'>): AnnualReport {
  const report = sampleReport(regime, unitId, period, action.variant);
  if (action.valid) return report;
  const p = report.planAndSolutions;
  const c = report.programmes;
  return {
    ...report,
    planAndSolutions: { ...p, petitionsResolved: p.petitionsReceived + 7 },
    programmes: { ...c, commentsAccepted: c.commentsReceived + 3 },
  };
}

export async function uploadBody(regime: Regime, period: number, unitId: string, action: UploadAction): Promise<Uint8Array> {
  if (action.channel === 'json') {
    return new TextEncoder().encode(JSON.stringify(reportFor(regime, period, unitId, action), null, 2));
  }
  // The Excel path: the unit's own template; an invalid upload types a number in words.
  const template = await buildTemplate({ regime, period, unit: unitId });
  return fillTemplate(
    template,
    sampleReport(regime, unitId, period, action.variant),
    action.valid ? {} : { 'emulation.movementsLaunched': 'mười hai' },
  );
}
