import { periodDates } from '../domain/calendar.js';
import { viPercent, type Consolidation } from '../domain/consolidation.js';
import { GROUP_LABELS, type Regime } from '../domain/regime.js';
import type { Rates } from '../domain/status.js';
import { submissionDays, type SubmissionDay } from '../domain/submission-days.js';
import { columnChartXml, type ColumnChart } from '../ooxml/chart.js';

/**
 * The two pictures of the summary, the same in the workbook and the draft (and drawn alike on the
 * board, web/board/charts.ts): reporting and on-time rates by group, and reports received per day
 * against the deadline. In the workbook the charts point at the cells of their tables
 * (`at`: the sheet and the first data row of each table, columns A:C).
 */
export const CHART_COLORS = { reported: '2B6CB0', onTime: '2F855A', late: 'D69E2E' } as const;

export interface SummaryCharts {
  groups: [label: string, rates: Rates][];
  days: SubmissionDay[];
  /** The due date as dd/mm/yyyy. */
  due: string;
  /** The heads of the two tables (category, then the series): in the workbook, the series' names are these cells. */
  heads: [string[], string[]];
  /** The chart parts, and their alternative texts. */
  charts: { xml: string; description: string }[];
}

export function summaryCharts(c: Consolidation, regime: Regime, at?: { sheet: string; rates: number; days: number }): SummaryCharts {
  const dueDate = periodDates(regime, c.period).dueDate;
  const due = dueDate.split('-').reverse().join('/');
  const groups: SummaryCharts['groups'] = [
    ['Toàn tỉnh', c.rates.overall],
    [GROUP_LABELS.province, c.rates.province],
    [GROUP_LABELS.district, c.rates.district],
  ];
  const sent = c.units.flatMap((u) => (u.onTime !== null && u.submittedAt ? [u.submittedAt] : []));
  const days = submissionDays(sent, dueDate, regime.timeZone);

  const q = at && `'${at.sheet.replace(/'/g, "''")}'!`;
  const col = (letter: string, first: number, n: number) => q && `${q}$${letter}$${first}:$${letter}$${first + n - 1}`;
  const name = (letter: string, row: number) => q && `${q}$${letter}$${row - 1}`;
  const r = at?.rates ?? 0;
  const d = at?.days ?? 0;
  const rates: ColumnChart = {
    title: 'Tỷ lệ gửi báo cáo theo nhóm cơ quan, đơn vị',
    categories: groups.map(([label]) => label),
    categoriesRef: col('A', r, 3),
    series: [
      { name: 'Tỷ lệ báo cáo', color: CHART_COLORS.reported, values: groups.map(([, x]) => x.reportingRate), nameRef: name('B', r), valuesRef: col('B', r, 3) },
      { name: 'Tỷ lệ đúng hạn', color: CHART_COLORS.onTime, values: groups.map(([, x]) => x.onTimeRate), nameRef: name('C', r), valuesRef: col('C', r, 3) },
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
    categoriesRef: col('A', d, days.length),
    series: [
      { name: `Gửi đến hạn nộp ${due}`, color: CHART_COLORS.reported, values: days.map((x) => (x.late ? null : x.count)), nameRef: name('B', d), valuesRef: col('B', d, days.length) },
      { name: 'Gửi sau hạn nộp', color: CHART_COLORS.late, values: days.map((x) => (x.late ? x.count : null)), nameRef: name('C', d), valuesRef: col('C', d, days.length) },
    ],
    stacked: true,
    format: '0',
    // No label on a day without reports.
    labels: '0;;',
    max: step * Math.ceil(most / step),
    step,
  };
  const dayMonth = (x: SubmissionDay) => `${x.date.slice(8)}/${x.date.slice(5, 7)}`;
  const onTimeCount = days.reduce((n, x) => n + (x.late ? 0 : x.count), 0);
  return {
    groups,
    days,
    due,
    heads: [['Nhóm', ...rates.series.map((s) => s.name)], ['Ngày', ...perDay.series.map((s) => s.name)]],
    charts: [
      {
        xml: columnChartXml(rates),
        description: `${rates.title}: ${groups.map(([label, x]) => `${label} — tỷ lệ báo cáo ${viPercent(x.reportingRate)}, tỷ lệ đúng hạn ${viPercent(x.onTimeRate)}`).join('; ')}.`,
      },
      {
        xml: columnChartXml(perDay),
        description: `${perDay.title}, từ ngày ${dayMonth(days[0]!)} đến ngày ${dayMonth(days.at(-1)!)}: ${onTimeCount} báo cáo gửi đến hạn nộp, ${sent.length - onTimeCount} báo cáo gửi sau hạn nộp.`,
      },
    ],
  };
}
