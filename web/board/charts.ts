import { html, svg } from 'lit-html';
import { submissionDays } from '../../shared/domain/submission-days.js';
import type { Rates } from '../../shared/domain/status.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import { date, percent } from './format.js';
import type { ViewContext } from './views.js';

/**
 * The board's two pictures, the same as the summary workbook and draft draw
 * (shared/documents/summary-charts.ts): reporting and on-time rates by group, and reports received
 * per day against the deadline. Drawn as SVG by lit-html from the status data, so they follow the
 * board's polling. Each is an image with a title and a description in words (role="img"), and its
 * numbers are also in a table that screen readers reach (visually hidden; the bars' values are
 * drawn as text too). Sizes are SVG attributes, never style attributes (the CSP's style-src).
 */
const W = 360;
const H = 150;

function figure(id: string, title: string, desc: string, drawing: unknown, table: unknown) {
  return html`<figure class="chart card" id=${id}>
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby=${`${id}-t ${id}-d`}>
      <title id=${`${id}-t`}>${title}</title>
      <desc id=${`${id}-d`}>${desc}</desc>
      ${drawing}</svg
    >${table}
  </figure>`;
}

/** Two bars per group (reporting rate above the on-time rate), with their values at their ends. */
function ratesChart(rates: PeriodStatus['rates'], ctx: ViewContext) {
  const groups: [string, string, Rates][] = [
    ['all', 'Toàn tỉnh', rates],
    ...ctx.config.groups.map((g): [string, string, Rates] => [g.code, g.short, rates.byGroup[g.code]]),
  ];
  const x0 = 78;
  const span = W - x0 - 48;
  const bars = groups.map(([code, label, r], i) => {
    const y = 12 + i * 44;
    const bar = (kind: string, value: number, dy: number) =>
      svg`<rect class=${`bar ${kind}`} x=${x0} y=${y + dy} width=${Math.max(1, value * span)} height="14"></rect><text class="val" data-group=${code} data-rate=${kind} x=${x0 + Math.max(1, value * span) + 4} y=${y + dy + 11}>${percent(value)}</text>`;
    return svg`<text x="0" y=${y + 18}>${label}</text>${bar('reporting', r.reportingRate, 0)}${bar('on-time', r.onTimeRate, 16)}`;
  });
  const legend = svg`<rect class="bar reporting" x=${x0} y=${H - 12} width="10" height="10"></rect><text x=${x0 + 14} y=${H - 3}>Tỷ lệ báo cáo</text><rect class="bar on-time" x=${x0 + 110} y=${H - 12} width="10" height="10"></rect><text x=${x0 + 124} y=${H - 3}>Tỷ lệ đúng hạn</text>`;
  const desc = groups
    .map(
      ([, label, r]) =>
        `${label}: báo cáo ${percent(r.reportingRate)} (${r.reported}/${r.expected}), đúng hạn ${percent(r.onTimeRate)} (${r.onTime}/${r.expected})`,
    )
    .join('; ');
  const table = html`<table class="sr-only">
    <caption>
      Tỷ lệ báo cáo theo nhóm
    </caption>
    <thead>
      <tr>
        <th scope="col">Nhóm</th>
        <th scope="col">Tỷ lệ báo cáo</th>
        <th scope="col">Tỷ lệ đúng hạn</th>
      </tr>
    </thead>
    <tbody>
      ${groups.map(
        ([code, label, r]) =>
          html`<tr data-group=${code}>
            <th scope="row">${label}</th>
            <td>${percent(r.reportingRate)}</td>
            <td>${percent(r.onTimeRate)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  return figure('chart-rates', 'Tỷ lệ báo cáo và đúng hạn theo nhóm', `${desc}.`, [...bars, legend], table);
}

/** One column per day, the deadline a dashed line after its day, the days after it in another colour. */
function daysChart(data: PeriodStatus) {
  const sent = data.units.flatMap((u) => ((u.status === 'ON_TIME' || u.status === 'LATE') && u.firstValidAt ? [u.firstValidAt] : []));
  const days = submissionDays(sent, data.dueDate, data.timeZone);
  const most = Math.max(1, ...days.map((d) => d.count));
  const top = 16;
  const base = H - 28;
  const step = (W - 8) / days.length;
  const due = days.findIndex((d) => d.date === data.dueDate);
  const columns = days.map((d, i) => {
    const h = (d.count / most) * (base - top);
    const x = 4 + i * step;
    return svg`<rect class=${`bar ${d.late ? 'late' : 'reporting'}`} x=${x + 1} y=${base - h} width=${Math.max(1, step - 2)} height=${h}></rect>${d.count ? svg`<text class="val" x=${x + step / 2} y=${base - h - 3} text-anchor="middle">${d.count}</text>` : ''}`;
  });
  const ends = [0, days.length - 1].map(
    (i) => svg`<text x=${4 + (i + 0.5) * step} y=${base + 12} text-anchor=${i ? 'end' : 'start'}>${days[i]!.label}</text>`,
  );
  const line =
    due < 0
      ? ''
      : svg`<line class="due" x1=${4 + (due + 1) * step} x2=${4 + (due + 1) * step} y1=${top - 8} y2=${base}></line><text x=${4 + (due + 1) * step} y=${base + 24} text-anchor="middle">${`Hạn nộp ${date(data.dueDate)}`}</text>`;
  const late = days.reduce((n, d) => n + (d.late ? d.count : 0), 0);
  const desc = `Từ ${days[0]!.label} đến ${days.at(-1)!.label}: ${sent.length - late} báo cáo đến hạn nộp ${date(data.dueDate)}, ${late} báo cáo sau hạn. ${days
    .filter((d) => d.count)
    .map((d) => `${d.label}: ${d.count}`)
    .join('; ')}`;
  const table = html`<table class="sr-only">
    <caption>
      Số báo cáo hợp lệ nhận được theo ngày
    </caption>
    <thead>
      <tr>
        <th scope="col">Ngày</th>
        <th scope="col">Số báo cáo</th>
      </tr>
    </thead>
    <tbody>
      ${days.map(
        (d) =>
          html`<tr data-date=${d.date}>
            <th scope="row">${d.label}</th>
            <td>${d.count}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  return figure(
    'chart-days',
    'Số báo cáo nhận được theo ngày',
    desc,
    [...columns, svg`<line class="axis" x1="4" x2=${W - 4} y1=${base} y2=${base}></line>`, ...ends, line],
    table,
  );
}

export const chartsView = (data: PeriodStatus, ctx: ViewContext) => [ratesChart(data.rates, ctx), daysChart(data)];
