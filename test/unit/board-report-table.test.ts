import { describe, expect, it } from 'vitest';
import type { TemplateResult } from 'lit-html';
import type { ShownField } from '../../web/board/layout.js';
import { SHOWN_ROWS, tableRowsView } from '../../web/board/views.js';

/** A template's markup with its values put in (enough to read what the board would show; no DOM needed). */
const flat = (v: unknown): string => {
  if (Array.isArray(v)) return v.map(flat).join('');
  if (v !== null && typeof v === 'object' && 'strings' in v) {
    const t = v as TemplateResult;
    return t.strings.reduce((out, s, i) => out + s + (i < t.values.length ? flat(t.values[i]) : ''), '');
  }
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
};

const events: ShownField = {
  path: 'activities.events',
  label: 'Danh sách hội nghị',
  kind: 'table',
  columns: [
    { path: 'name', label: 'Tên hội nghị', kind: 'text' },
    { path: 'held', label: 'Ngày tổ chức', kind: 'date' },
    { path: 'participants', label: 'Số người tham dự', kind: 'count' },
  ],
};
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Hội nghị ${i + 1}`, held: '2026-02-10', participants: i }));

describe('a report’s table on the board', () => {
  it('is a table with a caption naming the row count, column headers and a row header per row', () => {
    const out = flat(tableRowsView(events, rows(2)));
    expect(out).toContain('<caption>Danh sách hội nghị (2 dòng)</caption>');
    expect(out).toContain('<th scope="col">STT</th><th scope="col">Tên hội nghị</th><th scope="col">Ngày tổ chức</th>');
    expect(out).toContain('<tr><th scope="row">2</th><td class=>Hội nghị 2</td><td class=>10/02/2026</td>');
    expect(out).not.toContain('dòng khác');
  });

  it(`draws the first ${SHOWN_ROWS} rows and counts the rest`, () => {
    const out = flat(tableRowsView(events, rows(SHOWN_ROWS + 7)));
    expect(out.match(/<th scope="row">/g)).toHaveLength(SHOWN_ROWS);
    expect(out).toContain(`Hội nghị ${SHOWN_ROWS}<`);
    expect(out).not.toContain(`Hội nghị ${SHOWN_ROWS + 1}<`);
    expect(out).toContain('… và 7 dòng khác');
  });

  it('says so when the table has no rows, and shows a dash when it is absent', () => {
    expect(flat(tableRowsView(events, []))).toContain('<td>Không có dòng nào</td>');
    expect(flat(tableRowsView(events, undefined))).toContain('<td>—</td>');
  });
});
