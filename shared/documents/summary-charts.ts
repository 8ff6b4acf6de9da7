import { periodDates } from '../domain/calendar.js';
import { viPercent, type Consolidation } from '../domain/consolidation.js';
import { groupLabel, type Regime } from '../domain/regime.js';
import type { Rates } from '../domain/status.js';
import { submissionDays, type SubmissionDay } from '../domain/submission-days.js';
import { columnChartXml, type ColumnChart } from '../ooxml/chart.js';

/**
 * The two pictures of the summary, the same in the workbook and the draft (and drawn alike on the
 * board, web/board/charts.ts): reporting and on-time rates by group, and reports received per day
 * against the deadline. In the workbook the charts point at the cells of their tables (`at`): the
 * compliance sheet's rates block (its head row; overall and the groups in C:E, the reporting rate
 * 4 rows down, the on-time rate 5) and the table of days (its first data row; days in B, the two
 * series in C and D, their names in the row above).
 */
/** Reporting (and reports up to the deadline), on time, after the deadline. */
const BLUE = '2B6CB0';
const GREEN = '2F855A';
const AMBER = 'D69E2E';

export interface SummaryCharts {
  days: SubmissionDay[];
  /** The heads of the table of days (then the series): in the workbook, the series' names are these cells. */
  heads: string[];
  /** The chart parts, and their alternative texts. */
  charts: { xml: string; description: string }[];
}

export function summaryCharts(c: Consolidation, regime: Regime, at?: { sheet: string; rates: number; days: number }): SummaryCharts {
  const dueDate = periodDates(regime, c.period).dueDate;
  const due = dueDate.split('-').reverse().join('/');
  const groups: [string, Rates][] = [
    ['Toàn tỉnh', c.rates.overall],
    [groupLabel(regime, 'province'), c.rates.province],
    [groupLabel(regime, 'district'), c.rates.district],
  ];
  const sent = c.units.flatMap((u) => (u.onTime !== null && u.submittedAt ? [u.submittedAt] : []));
  const days = submissionDays(sent, dueDate, regime.timeZone);

  const q = at && `'${at.sheet}'!`;
  const ref = (col: string, first: number, last = first) => q && `${q}$${col}$${first}:$${col}$${last}`;
  const rows = (row: number) => q && `${q}$C$${row}:$E$${row}`;
  const h = at?.rates ?? 0;
  const d = at?.days ?? 0;
  const end = d + days.length - 1;
  const series = (name: string, color: string, values: (number | null)[], valuesRef?: string, nameRef?: string) => ({
    name,
    color,
    values,
    valuesRef,
    nameRef,
  });
  const rates: ColumnChart = {
    title: 'Tỷ lệ gửi báo cáo theo nhóm cơ quan, đơn vị',
    categories: groups.map(([label]) => label),
    categoriesRef: rows(h),
    series: [
      series(
        'Tỷ lệ báo cáo',
        BLUE,
        groups.map(([, x]) => x.reportingRate),
        rows(h + 4),
      ),
      series(
        'Tỷ lệ đúng hạn',
        GREEN,
        groups.map(([, x]) => x.onTimeRate),
        rows(h + 5),
      ),
    ],
    format: '0%',
    labels: '0.0%',
    max: 1,
    step: 0.2,
  };
  const most = Math.max(1, ...days.map((x) => x.count));
  const step = Math.ceil(most / 5);
  const perDay: ColumnChart = {
    title: `Số báo cáo hợp lệ nhận được theo ngày (hạn nộp ${due})`,
    categories: days.map((x) => x.label),
    categoriesRef: ref('B', d, end),
    series: [
      series(
        `Gửi đến hạn nộp ${due}`,
        BLUE,
        days.map((x) => (x.late ? null : x.count)),
        ref('C', d, end),
        ref('C', d - 1),
      ),
      series(
        'Gửi sau hạn nộp',
        AMBER,
        days.map((x) => (x.late ? x.count : null)),
        ref('D', d, end),
        ref('D', d - 1),
      ),
    ],
    stacked: true,
    format: '0',
    // No label on a day without reports.
    labels: '0;;',
    max: step * Math.ceil(most / step),
    step,
  };
  const late = days.reduce((n, x) => n + (x.late ? x.count : 0), 0);
  return {
    days,
    heads: ['Ngày', ...perDay.series.map((x) => x.name)],
    charts: [
      {
        xml: columnChartXml(rates),
        description: `${rates.title}: ${groups.map(([label, x]) => `${label} — báo cáo ${viPercent(x.reportingRate)}, đúng hạn ${viPercent(x.onTimeRate)}`).join('; ')}.`,
      },
      {
        xml: columnChartXml(perDay),
        description: `${perDay.title}: ${sent.length - late} báo cáo gửi đến hạn nộp, ${late} báo cáo gửi sau hạn nộp.`,
      },
    ],
  };
}
