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

  const q = at && `'${at.sheet}'!`;
  /** A chart of the table whose data starts on `row`, the heads above it: categories in A, the series in B and C. */
  const chart = (row: number, title: string, categories: string[], series: [string, string, (number | null)[]][], o: Partial<ColumnChart>): ColumnChart => {
    const ref = (col: string, first = row, last = row + categories.length - 1) => q && `${q}$${col}$${first}:$${col}$${last}`;
    return {
      title,
      categories,
      categoriesRef: ref('A'),
      series: series.map(([name, color, values], i) => ({ name, color, values, nameRef: ref('BC'[i]!, row - 1, row - 1), valuesRef: ref('BC'[i]!) })),
      format: '0',
      ...o,
    };
  };
  const rates = chart(
    at?.rates ?? 0,
    'Tỷ lệ gửi báo cáo theo nhóm cơ quan, đơn vị',
    groups.map(([label]) => label),
    [
      ['Tỷ lệ báo cáo', CHART_COLORS.reported, groups.map(([, x]) => x.reportingRate)],
      ['Tỷ lệ đúng hạn', CHART_COLORS.onTime, groups.map(([, x]) => x.onTimeRate)],
    ],
    { format: '0%', labels: '0.0%', max: 1, step: 0.2 },
  );
  const most = Math.max(1, ...days.map((x) => x.count));
  const step = Math.ceil(most / 5);
  const perDay = chart(
    at?.days ?? 0,
    `Số báo cáo hợp lệ nhận được theo ngày (hạn nộp ${due})`,
    days.map((x) => x.label),
    [
      [`Gửi đến hạn nộp ${due}`, CHART_COLORS.reported, days.map((x) => (x.late ? null : x.count))],
      ['Gửi sau hạn nộp', CHART_COLORS.late, days.map((x) => (x.late ? x.count : null))],
    ],
    // No label on a day without reports.
    { stacked: true, labels: '0;;', max: step * Math.ceil(most / step), step },
  );
  const late = days.reduce((n, x) => n + (x.late ? x.count : 0), 0);
  return {
    groups,
    days,
    heads: [['Nhóm', ...rates.series.map((x) => x.name)], ['Ngày', ...perDay.series.map((x) => x.name)]],
    charts: [
      {
        xml: columnChartXml(rates),
        description: `${rates.title}: ${groups.map(([label, x]) => `${label} — báo cáo ${viPercent(x.reportingRate)}, đúng hạn ${viPercent(x.onTimeRate)}`).join('; ')}.`,
      },
      { xml: columnChartXml(perDay), description: `${perDay.title}: ${sent.length - late} báo cáo gửi đến hạn nộp, ${late} báo cáo gửi sau hạn nộp.` },
    ],
  };
}
