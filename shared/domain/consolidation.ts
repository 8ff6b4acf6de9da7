import { hashedPeriod, type PeriodKey } from './periodicity.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import { expectedUnits, type Regime, type Unit, type UnitGroup } from './regime.js';
import type { FormDefinition } from './form-definition.js';
import { currentForm, indicatorsOf, PROGRAMME_STATUSES, indicatorValue, type AnnualReport, type SectionKey } from './report.js';
import { STATUSES, computeRates, deriveStatus, hasReported, ratesByGroup, type ComplianceStatus, type Rates } from './status.js';

/**
 * The annual consolidation ("tổng hợp"): every unit's latest accepted report folded into the
 * province's totals, the compliance table and the units' narrative. Pure: the same rows and `now`
 * always give the same result, and one pass over the units (linear in their number).
 *
 * Figures are counted only for units that have reported (ON_TIME or LATE) — a RETURNED report is
 * under revision, so its figures, proposals and limitations stay out until it is accepted again,
 * consistent with the unit appearing in `notReported`.
 */

export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number];

export interface GroupTotals {
  total: number;
  province: number;
  district: number;
}

export interface IndicatorTotal extends GroupTotals {
  /** Dotted path, e.g. 'dissemination.sessions' (see INDICATORS). */
  path: string;
  section: SectionKey;
  field: string;
  label: string;
}

export interface ConsolidationRow {
  unitId: string;
  status: ComplianceStatus;
  firstValidAt?: string;
  lastUploadAt?: string;
  versions: number;
  /** The unit's latest valid report for the period, when there is one. */
  report?: AnnualReport;
}

export interface ConsolidationInput {
  regime: Regime;
  period: PeriodKey;
  now: Date;
  /** One row per unit (the last wins on duplicates); rows of units not expected for the period are ignored. */
  rows: readonly ConsolidationRow[];
}

export interface ConsolidatedUnit {
  unitId: string;
  name: string;
  group: UnitGroup;
  email: string;
  status: ComplianceStatus;
  /** The figures below are counted in the totals. */
  counted: boolean;
  /** First valid upload (what on time / late is judged on); null when none. */
  submittedAt: string | null;
  lastUploadAt: string | null;
  /** true ON_TIME, false LATE, null not reported. */
  onTime: boolean | null;
  versions: number;
  planIssued: boolean | null;
  /** Every indicator path → its value, or null when the unit's figures are not counted. */
  values: Record<string, number | null>;
}

export interface NotReportedUnit {
  unitId: string;
  name: string;
  group: UnitGroup;
  email: string;
  status: ComplianceStatus;
}

export interface UnitText {
  unitId: string;
  name: string;
  group: UnitGroup;
  text: string;
}

export interface Consolidation {
  regimeId: string;
  period: PeriodKey;
  /** When it was computed (ISO); excluded from the content hash. */
  asOf: string;
  /** One entry per INDICATOR, in form order. */
  indicators: IndicatorTotal[];
  /** Expected units: province first, then district, each in regime order. */
  units: ConsolidatedUnit[];
  rates: { overall: Rates; province: Rates; district: Rates };
  statusCounts: Record<ComplianceStatus, number>;
  /** Units whose figures are in the totals, per group. */
  countedReports: GroupTotals;
  /** Units that issued their own plan (planAndSolutions.planIssued), per group. */
  plansIssued: GroupTotals;
  programmes: { plan739: Record<ProgrammeStatus, number>; plan740: Record<ProgrammeStatus, number> };
  /** Expected units with no accepted report (status other than ON_TIME / LATE). */
  notReported: NotReportedUnit[];
  /** Units with an accepted status but no report given to consolidate (a data problem to log). */
  withoutFigures: string[];
  proposals: UnitText[];
  limitations: UnitText[];
  /** Every long-text field of the form (section.field), in form order, with what each counted unit wrote in it. */
  texts: FieldTexts[];
}

export interface FieldTexts {
  path: string;
  label: string;
  items: UnitText[];
}

const GROUPS: readonly UnitGroup[] = ['province', 'district'];

const zeroProgrammes = (): Record<ProgrammeStatus, number> =>
  Object.fromEntries(PROGRAMME_STATUSES.map((s) => [s, 0])) as Record<ProgrammeStatus, number>;

export function consolidate(input: ConsolidationInput): Consolidation {
  const { regime, period, now } = input;
  const byUnit = new Map<string, ConsolidationRow>();
  for (const row of input.rows) byUnit.set(row.unitId, row);

  const expected = expectedUnits(regime, period);
  const ordered: Unit[] = GROUPS.flatMap((g) => expected.filter((u) => u.group === g));

  // The figures of the regime's current form: its whole-number and decimal fields, table columns summed over rows.
  const form = currentForm(regime);
  const indicators = indicatorsOf(form);
  // Summed as whole numbers in units of each field's last decimal place, so 0.1 + 0.2 gives 0.3, not 0.30000000000000004.
  const decimals = indicatorDecimals(form);
  const scales = indicators.map((ind) => 10 ** (decimals.get(ind.path) ?? 0));
  const sums = indicators.map(() => ({ province: 0, district: 0 }));
  const texts: FieldTexts[] = form.sections.flatMap((s) =>
    s.fields.flatMap((f) => (f.type === 'longtext' ? [{ path: `${s.key}.${f.key}`, label: f.label, items: [] as UnitText[] }] : [])),
  );
  const statusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ComplianceStatus, number>;
  const countedReports: GroupTotals = { total: 0, province: 0, district: 0 };
  const plansIssued: GroupTotals = { total: 0, province: 0, district: 0 };
  const programmes = { plan739: zeroProgrammes(), plan740: zeroProgrammes() };
  const units: ConsolidatedUnit[] = [];
  const notReported: NotReportedUnit[] = [];
  const withoutFigures: string[] = [];
  const proposals: UnitText[] = [];
  const limitations: UnitText[] = [];

  // A unit with no status item has never uploaded: its status follows from the clock alone.
  const silentStatus = deriveStatus({ versions: 0, reasons: [] }, { regime, period, now });

  for (const unit of ordered) {
    const row = byUnit.get(unit.id);
    const status: ComplianceStatus = row?.status ?? silentStatus;
    statusCounts[status] += 1;
    const reported = hasReported(status);
    const report = reported ? row?.report : undefined;
    if (reported && !report) withoutFigures.push(unit.id);

    const values: Record<string, number | null> = {};
    indicators.forEach((ind, i) => {
      const v = report ? indicatorValue(report, ind) : null;
      values[ind.path] = v;
      if (v !== null) sums[i]![unit.group] += Math.round(v * scales[i]!);
    });

    if (report) {
      countedReports[unit.group] += 1;
      // The seed form's own sections: a report of another form has none of them (AnnualReport types the seed's).
      const seed = report as Partial<AnnualReport>;
      if (seed.planAndSolutions?.planIssued) plansIssued[unit.group] += 1;
      if (seed.programmes?.plan739) programmes.plan739[seed.programmes.plan739.status] += 1;
      if (seed.programmes?.plan740) programmes.plan740[seed.programmes.plan740.status] += 1;
      const who = { unitId: unit.id, name: unit.name, group: unit.group };
      if (seed.narrative?.proposals.trim()) proposals.push({ ...who, text: seed.narrative.proposals.trim() });
      if (seed.narrative?.limitations.trim()) limitations.push({ ...who, text: seed.narrative.limitations.trim() });
      for (const t of texts) {
        const [section = '', field = ''] = t.path.split('.');
        const v = (report as unknown as Record<string, Record<string, unknown> | undefined>)[section]?.[field];
        if (typeof v === 'string' && v.trim()) t.items.push({ ...who, text: v.trim() });
      }
    }
    if (!reported) notReported.push({ unitId: unit.id, name: unit.name, group: unit.group, email: unit.email, status });

    units.push({
      unitId: unit.id,
      name: unit.name,
      group: unit.group,
      email: unit.email,
      status,
      counted: report !== undefined,
      submittedAt: row?.firstValidAt ?? null,
      lastUploadAt: row?.lastUploadAt ?? null,
      onTime: status === 'ON_TIME' ? true : status === 'LATE' ? false : null,
      versions: row?.versions ?? 0,
      planIssued: report ? ((report as Partial<AnnualReport>).planAndSolutions?.planIssued ?? null) : null,
      values,
    });
  }

  countedReports.total = countedReports.province + countedReports.district;
  plansIssued.total = plansIssued.province + plansIssued.district;
  const byGroup = ratesByGroup(units);

  return {
    regimeId: regime.id,
    period,
    asOf: now.toISOString(),
    indicators: indicators.map((ind, i) => {
      const s = sums[i]!;
      const scale = scales[i]!;
      return {
        path: ind.path,
        section: ind.section,
        field: ind.field,
        label: ind.label,
        total: (s.province + s.district) / scale,
        province: s.province / scale,
        district: s.district / scale,
      };
    }),
    units,
    rates: { overall: computeRates(units.map((u) => u.status)), province: byGroup.province, district: byGroup.district },
    statusCounts,
    countedReports,
    plansIssued,
    programmes,
    notReported,
    withoutFigures,
    proposals,
    limitations,
    texts,
  };
}

export interface IndicatorSection {
  key: string;
  label: string;
  indicators: IndicatorTotal[];
}

/** The form's sections that have figures, in form order, each with its consolidated indicators (the workbook's and draft's blocks). */
export function indicatorSections(c: Consolidation, form: FormDefinition): IndicatorSection[] {
  return form.sections
    .map((s) => ({ key: s.key, label: s.label, indicators: c.indicators.filter((i) => i.section === s.key) }))
    .filter((s) => s.indicators.length > 0);
}

const decimalMaps = new WeakMap<FormDefinition, Map<string, number>>();
/**
 * The digits after the point of each decimal indicator of a form (its field's or table column's
 * `decimals`), by indicator path; whole-number indicators are absent (0). Read from the definition
 * data, so the summary needs no report schema to format or sum its figures.
 */
export function indicatorDecimals(form: FormDefinition): ReadonlyMap<string, number> {
  let m = decimalMaps.get(form);
  if (m) return m;
  m = new Map();
  for (const s of form.sections) {
    for (const f of s.fields) {
      if (f.type === 'decimal') m.set(`${s.key}.${f.key}`, f.decimals);
      if (f.type === 'table') for (const c of f.columns) if (c.type === 'decimal') m.set(`${s.key}.${f.key}.${c.key}`, c.decimals);
    }
  }
  decimalMaps.set(form, m);
  return m;
}

/** The consolidated total of one indicator; throws on an unknown path (a renamed field must fail tests, not print 0). */
export function indicatorTotal(c: Consolidation, path: string): IndicatorTotal {
  const found = c.indicators.find((i) => i.path === path);
  if (!found) throw new Error(`Unknown indicator ${path}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Content hash: "same data → same hash", so re-running the summary sends nothing new.

/** sha256 (hex) of the consolidation's canonical JSON without `asOf`. */
export function contentHash(c: Consolidation): string {
  const { asOf: _asOf, ...data } = c;
  // The same data keeps its hash across the change to period keys.
  return sha256Hex(canonicalJson({ ...data, period: hashedPeriod(c.period) }));
}

/** SHA-256 (hex) of UTF-8 text, by node:crypto: a maintained implementation, not a hand-written one. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Vietnamese presentation helpers shared by the workbook, the draft report and the email.

/** 4567 → "4.567" (Vietnamese thousands separator), independent of the ICU data installed. */
export function viNumber(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 1234.5 → "1.234,5": a figure with the decimals it has (sums are exact to their field's decimals); whole numbers as viNumber. */
export function viAmount(n: number): string {
  const fraction = String(Math.abs(n)).split('.')[1];
  return fraction ? `${viNumber(n)},${fraction}` : viNumber(n);
}

/** 1234.5 with 2 decimals → "1.234,50"; whole numbers as viNumber. */
export function viFigure(n: number, decimals = 0): string {
  if (decimals <= 0) return viNumber(n);
  const [whole = '0', fraction = ''] = Math.abs(n).toFixed(decimals).split('.');
  return `${n < 0 ? '-' : ''}${viNumber(Number(whole))},${fraction}`;
}

/** 0.6667 → "66,7%" (Vietnamese decimal comma). */
export function viPercent(rate: number, digits = 1): string {
  return `${(rate * 100).toFixed(digits).replace('.', ',')}%`;
}

/**
 * The subject of the regime's report without its leading "Báo cáo":
 * "Báo cáo kết quả thực hiện công tác dân vận chính quyền" → "kết quả thực hiện công tác dân vận chính quyền".
 */
export function regimeSubject(regime: Regime): string {
  return regime.name.replace(/^\s*báo cáo\s+/iu, '').trim();
}

/** A short tag for subjects: "Báo cáo kết quả thực hiện công tác X" → "Báo cáo X". */
export function regimeShortName(regime: Regime): string {
  return regime.name.replace(/^\s*báo cáo\s+kết quả\s+(thực hiện\s+)?(công tác\s+)?/iu, 'Báo cáo ').trim();
}

/** Removes characters XML 1.0 cannot carry (they would corrupt a .docx or .xlsx). */
export function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

// ---------------------------------------------------------------------------------------------
// What changed between two versions of the summary ("bản cập nhật"): a compact snapshot is kept
// with each version, and the next version is compared with the one the leadership already has.

/**
 * What a version must remember to be compared with the next: per unit its status and a short hash
 * of its counted figures (null when not counted), per indicator its total. Bounded by the regime's
 * units and the form's indicators (about 3 KB for 31 units), whatever the reports contain.
 */
export interface SummarySnapshot {
  v: 1;
  period: PeriodKey;
  /** [unitId, status, figures hash or null]. */
  units: [string, ComplianceStatus, string | null][];
  /** [indicator path, total]. */
  totals: [string, number][];
}

export function summarySnapshot(c: Consolidation): SummarySnapshot {
  return {
    v: 1,
    period: c.period,
    units: c.units.map((u) => [u.unitId, u.status, u.counted ? sha256Hex(canonicalJson(u.values)).slice(0, 12) : null]),
    totals: c.indicators.map((i) => [i.path, i.total]),
  };
}

/** A stored snapshot read back (S3 JSON): anything else gives null, and the update email then goes without its list of changes. */
export function parseSummarySnapshot(text: string): SummarySnapshot | null {
  try {
    const s = JSON.parse(text) as Partial<Omit<SummarySnapshot, 'period'>> & { period?: unknown };
    // A snapshot written before periods were keys holds the year as a number.
    if (typeof s.period === 'number') s.period = String(s.period);
    const ok =
      s.v === 1 &&
      typeof s.period === 'string' &&
      Array.isArray(s.units) &&
      s.units.every(
        (u) =>
          Array.isArray(u) &&
          typeof u[0] === 'string' &&
          (STATUSES as readonly unknown[]).includes(u[1]) &&
          (u[2] === null || typeof u[2] === 'string'),
      ) &&
      Array.isArray(s.totals) &&
      s.totals.every((t) => Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'number');
    return ok ? (s as SummarySnapshot) : null;
  } catch {
    return null;
  }
}

export interface UnitChange {
  unitId: string;
  name: string;
  group: UnitGroup;
  from: ComplianceStatus | null;
  to: ComplianceStatus;
}

export interface FigureChange {
  path: string;
  label: string;
  from: number;
  to: number;
}

export interface SummaryDiff {
  /** Units whose figures are counted now and were not (a late report accepted, a corrected one). */
  added: UnitChange[];
  /** Units counted before and not now (returned for revision). */
  removed: UnitChange[];
  /** Units counted both times whose figures differ (a replacing upload). */
  replaced: UnitChange[];
  /** Other status changes (e.g. an extension, PENDING → OVERDUE): no figure moved. */
  statusChanged: UnitChange[];
  /** Indicator totals that moved, in form order. */
  figures: FigureChange[];
  /** Expected units still without an accepted report. */
  stillMissing: NotReportedUnit[];
  /** Any change at all (stillMissing alone is not one). */
  changed: boolean;
}

/** Pure and linear: the consolidation now against the snapshot of the version the leadership has. */
export function diffSummaries(previous: SummarySnapshot, next: Consolidation): SummaryDiff {
  const before = new Map(previous.units.map(([id, status, figures]) => [id, { status, figures }]));
  const totals = new Map(previous.totals);
  const added: UnitChange[] = [];
  const removed: UnitChange[] = [];
  const replaced: UnitChange[] = [];
  const statusChanged: UnitChange[] = [];
  const now = summarySnapshot(next);
  next.units.forEach((u, i) => {
    const was = before.get(u.unitId);
    const figures = now.units[i]![2];
    const change: UnitChange = { unitId: u.unitId, name: u.name, group: u.group, from: was?.status ?? null, to: u.status };
    const wasCounted = was?.figures != null;
    if (figures !== null && !wasCounted) added.push(change);
    else if (figures === null && wasCounted) removed.push(change);
    else if (figures !== null && figures !== was?.figures) replaced.push(change);
    else if (was?.status !== u.status) statusChanged.push(change);
  });
  const figures: FigureChange[] = next.indicators
    .filter((ind) => totals.has(ind.path) && totals.get(ind.path) !== ind.total)
    .map((ind) => ({ path: ind.path, label: ind.label, from: totals.get(ind.path)!, to: ind.total }));
  const changed = added.length + removed.length + replaced.length + statusChanged.length + figures.length > 0;
  return { added, removed, replaced, statusChanged, figures, stillMissing: next.notReported, changed };
}
