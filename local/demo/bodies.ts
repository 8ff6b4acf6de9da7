import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { periodDates } from '../../shared/domain/calendar.js';
import type { Regime } from '../../shared/domain/regime.js';
import { currentForm, type AnnualReport } from '../../shared/domain/report.js';
import { invalidFormReport, sampleFormReport, sampleReport } from '../../shared/domain/sample-report.js';
import { fillTemplate } from '../../test/support/xlsx-fill.js';
import { buildTemplate, templateFields } from '../../shared/xlsx/template.js';
import type { DemoPlan, UploadAction } from './plan.js';

/**
 * The files the demo's units upload: the JSON the form posts, or the unit's Excel template filled in
 * as a clerk's Excel would. The seed's scripted year keeps the seed's realistic sample; any other
 * regime file's reports are generated from its current form definition (sampleFormReport).
 */

/** The report an upload carries (the seed's invalid ones break cross-field rules the schema checks). */
export function reportFor(
  regime: Regime,
  period: PeriodKey,
  unitId: string,
  action: Pick<UploadAction, 'valid' | 'variant'>,
): AnnualReport {
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

/** A generic plan's report: valid from the form, or with one defect (formDefects); `defect` says which, for the log. */
export function formReportFor(
  regime: Regime,
  period: PeriodKey,
  unitId: string,
  action: Pick<UploadAction, 'valid' | 'variant'>,
): { report: AnnualReport; defect?: string; path?: string } {
  const form = currentForm(regime);
  const d = periodDates(regime, period);
  const window = { from: d.cutOffFrom, to: d.cutOffTo };
  if (action.valid) return { report: sampleFormReport(form, unitId, period, action.variant, window) };
  return invalidFormReport(form, unitId, period, action.variant, window);
}

export async function uploadBody(
  regime: Regime,
  period: PeriodKey,
  unitId: string,
  action: UploadAction,
  script: DemoPlan['script'] = 'seed',
): Promise<Uint8Array> {
  if (script === 'generic') {
    const { report } = formReportFor(regime, period, unitId, action);
    if (action.channel === 'json') return new TextEncoder().encode(JSON.stringify(report, null, 2));
    // The template of the regime's own form; its cells from the same generated report (tables are not in it).
    return fillTemplate(await buildTemplate({ regime, period, unit: unitId }), report, {}, templateFields(currentForm(regime)));
  }
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
