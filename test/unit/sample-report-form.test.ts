import { describe, expect, it } from 'vitest';
import { firstPeriodOfYear, periodDates } from '../../shared/domain/calendar.js';
import type { PeriodKey } from '../../shared/domain/periodicity.js';
import type { Regime } from '../../shared/domain/regime.js';
import { currentForm, validateReport } from '../../shared/domain/report.js';
import { formDefects, invalidFormReport, sampleFormReport } from '../../shared/domain/sample-report.js';
import { readRegimeFile } from '../../shared/regime-file.js';

/*
 * Issue 15: the demo's reports for any regime file come from its form definition. Over the
 * every-field form (test/fixtures/form-every-field.json, in the regime fixture around it) and the
 * example regime (the seed's form under its own version): every generated report validates, and
 * every defect fails naming the path it promises.
 */
/** A period of 2026 in the regime's own periodicity: 2026, or 2026-Q1 for the quarterly example. */
const periodOf = (regime: Regime): PeriodKey => firstPeriodOfYear(regime, 2026);
const FILES = ['test/fixtures/regime-every-field.json', 'examples/regime-quang-ngai-quarterly.json'];

describe.each(FILES)('sampleFormReport over %s', (file) => {
  const regime = readRegimeFile(file);
  const form = currentForm(regime);
  const PERIOD = periodOf(regime);
  const d = periodDates(regime, PERIOD);
  const window = { from: d.cutOffFrom, to: d.cutOffTo };
  const units = regime.units.map((u) => u.id);

  it('gives a valid report for every unit and variant', () => {
    // act
    const failures = units.flatMap((unitId) =>
      [0, 1, 2, 3, 4, 5, 6, 7].flatMap((variant) => {
        const r = validateReport(sampleFormReport(form, unitId, PERIOD, variant, window), { regime, expected: { unitId, period: PERIOD } });
        return r.ok ? [] : [{ unitId, variant, issues: r.issues }];
      }),
    );
    // assert
    expect(failures).toEqual([]);
  });

  it('is deterministic and fills every field, tables with rows and dates inside the data window', () => {
    // act
    const a = sampleFormReport(form, units[0]!, PERIOD, 3, window) as unknown as Record<string, Record<string, unknown>>;
    const b = sampleFormReport(form, units[0]!, PERIOD, 3, window);
    // assert
    expect(a).toEqual(b);
    for (const s of form.sections) for (const f of s.fields) expect(a[s.key]?.[f.key], `${s.key}.${f.key}`).toBeDefined();
    const dates = JSON.stringify(a).match(/\d{4}-\d{2}-\d{2}/g) ?? [];
    expect(dates.every((x) => x >= window.from && x <= window.to)).toBe(true);
  });

  it('breaks each rule and bound in turn: every invalid variant fails with the expected path', () => {
    // prepare
    const defects = formDefects(form, window);
    // act
    const outcomes = defects.map((_, variant) => {
      const bad = invalidFormReport(form, units[1]!, PERIOD, variant, window);
      const r = validateReport(bad.report, { regime });
      return { path: bad.path, rejectedAt: r.ok ? [] : [...new Set(r.issues.map((i) => i.path))] };
    });
    // assert
    expect(defects.length).toBeGreaterThan(form.rules.length);
    for (const o of outcomes) expect(o.rejectedAt, o.path).toContain(o.path);
  });
});

describe('formDefects over the every-field form', () => {
  it('covers lte, sum, requiredIf, dateInPeriod, decimal and integer bounds and a choice', () => {
    // prepare
    const regime = readRegimeFile(FILES[0]!);
    const d = periodDates(regime, periodOf(regime));
    // act
    const paths = formDefects(currentForm(regime), { from: d.cutOffFrom, to: d.cutOffTo }).map((x) => x.path);
    // assert
    expect(paths.slice(0, 4)).toEqual(['figures.resolved', 'figures.resolved', 'plan.number', 'plan.date']);
    expect(paths).toEqual(expect.arrayContaining(['figures.received', 'figures.budget', 'figures.satisfaction', 'plan.level']));
  });
});
