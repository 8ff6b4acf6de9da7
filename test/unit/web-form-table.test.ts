import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formSchemas } from '../../shared/domain/form-definition.js';
import { formSections } from '../../web/form/fields.js';
import { formFieldsHtml, rowsStatus, tableRowHtml } from '../../web/form/fields-html.js';
import { cellOf, fromReport, parseDraft, placeIssues, tableRows, toReportInput } from '../../web/form/values.js';

/**
 * Issue 15: a `table` field on the web form (test/fixtures/form-every-field.json's "events"): its
 * markup, its rows as the page holds them (one JSON string, so the draft keeps them), the report's
 * array of row objects, and a cell's issue placed at its cell.
 */
const form = formSchemas().form.parse(JSON.parse(readFileSync(new URL('../fixtures/form-every-field.json', import.meta.url), 'utf8')));
const fields = formSections(form).flatMap((s) => s.fields);
const events = fields.find((f) => f.path === 'activities.events')!;
const identity = { formVersion: '2027.1', unitId: 'so-tu-phap', period: 2026 };
const rows = [
  { name: 'Hội nghị quán triệt', held: '2026-02-10', participants: 120, cost: 10.25 },
  { name: 'Tập huấn', held: '2026-06-01', participants: 45, cost: 4.5 },
];

describe('a table field on the web form', () => {
  it('is a captioned table with a header per column, an add button and a status line, and no rows yet', () => {
    const html = formFieldsHtml(formSections(form));
    expect(html).toContain('<caption>Danh sách hội nghị <span class="opt">(không bắt buộc)</span></caption>');
    expect(html).toContain('<th scope="col">STT</th><th scope="col">Tên hội nghị</th><th scope="col">Ngày tổ chức</th>');
    expect(html).toContain('<tbody data-rows="activities.events"></tbody>');
    expect(html).toContain('id="f-activities-events-add" data-add-row="activities.events">Thêm dòng</button>');
    expect(html).toContain('Chưa có dòng nào (tối đa 20 dòng).');
    expect(html).not.toContain('JSON');
  });

  it('draws a row with one typed, named control per column and a delete button naming the row', () => {
    const row = tableRowHtml(events, 2);
    expect(row).toMatch(/<th scope="row">3<\/th>/);
    expect(row).toContain('id="f-activities-events-2-name" name="activities.events.2.name" data-path="activities.events.2.name"');
    expect(row).toContain('aria-label="Tên hội nghị, dòng 3"');
    expect(row).toMatch(/id="f-activities-events-2-held"[^>]*type="date"/);
    expect(row).toMatch(/id="f-activities-events-2-participants"[^>]*inputmode="numeric"[^>]*step="1"/);
    expect(row).toMatch(/id="f-activities-events-2-cost"[^>]*inputmode="decimal"/);
    expect(row).toContain('<p class="error" id="err-activities-events-2-cost"></p>');
    expect(row).toContain('data-del-row="activities.events" data-index="2" aria-label="Xóa dòng 3">Xóa dòng</button>');
  });

  it('gives a yes/no column a select, a choice column its choices and a long text a textarea, and reads them back typed', () => {
    const other = formSchemas().form.parse({
      version: 't',
      sections: [
        {
          key: 's',
          label: 'S',
          fields: [
            {
              key: 't',
              label: 'Bảng',
              type: 'table',
              maxRows: 3,
              columns: [
                { key: 'ok', label: 'Đạt', type: 'boolean' },
                { key: 'lvl', label: 'Mức', type: 'choice', choices: [{ value: 'A', label: 'Cao' }] },
                { key: 'note', label: 'Ghi chú', type: 'longtext', required: false },
              ],
            },
          ],
        },
      ],
    });
    const t = formSections(other).flatMap((s) => s.fields)[0]!;
    const row = tableRowHtml(t, 0);
    expect(row).toMatch(
      /<select id="f-s-t-0-ok"[^>]*aria-label="Đạt, dòng 1"><option value="">—<\/option><option value="true">Có<\/option><option value="false">Không<\/option><\/select>/,
    );
    expect(row).toMatch(/<select id="f-s-t-0-lvl"[^>]*>.*<option value="A">Cao<\/option>/);
    expect(row).toMatch(/<textarea id="f-s-t-0-note"[^>]*rows="2"/);
    const raw = { 's.t': JSON.stringify([{ ok: 'false', lvl: 'A', note: '' }]) };
    // A required table is an array even with no rows; an optional empty text is absent.
    expect(toReportInput(raw, identity, undefined, [t]).s).toEqual({ t: [{ ok: false, lvl: 'A' }] });
    expect(toReportInput({}, identity, undefined, [t]).s).toEqual({ t: [] });
  });

  it('says how many rows there are out of maxRows', () => {
    expect(rowsStatus(0, 20)).toBe('Chưa có dòng nào (tối đa 20 dòng).');
    expect(rowsStatus(3, 20)).toBe('3/20 dòng.');
    expect(rowsStatus(20, 20)).toBe('20/20 dòng — đã đủ số dòng tối đa.');
  });

  it('turns the rows the page holds into the array of row objects the schema expects, and back', () => {
    const raw = fromReport({ activities: { events: rows } }, fields);
    expect(tableRows(raw['activities.events'])).toEqual([
      { name: 'Hội nghị quán triệt', held: '2026-02-10', participants: '120', cost: '10.25' },
      { name: 'Tập huấn', held: '2026-06-01', participants: '45', cost: '4.5' },
    ]);
    expect(toReportInput(raw, identity, undefined, fields).activities).toEqual({ events: rows });
  });

  it('leaves an empty cell out of its row (the schema names it), a typo as text, and an optional table with no rows absent', () => {
    const raw = { 'activities.events': JSON.stringify([{ name: 'A', held: '', participants: 'nhiều', cost: '1,5' }]) };
    expect(toReportInput(raw, identity, undefined, fields).activities).toEqual({
      events: [{ name: 'A', participants: 'nhiều', cost: 1.5 }],
    });
    expect(toReportInput({ 'activities.events': '[]' }, identity, undefined, fields).activities).toEqual({});
    expect(toReportInput({ 'activities.events': '{"not":"rows"}' }, identity, undefined, fields).activities).toEqual({});
  });

  it('keeps the rows in a draft', () => {
    const values = fromReport({ activities: { events: rows } }, fields);
    const draft = parseDraft(JSON.stringify({ savedAt: '2026-11-28T03:00:00Z', values }), fields);
    expect(draft?.values['activities.events']).toBe(values['activities.events']);
  });

  it('places a cell’s issue at its cell and names the row and column in the summary', () => {
    const placed = placeIssues(
      [
        { path: 'activities.events.1.participants', message: 'Bắt buộc phải nhập' },
        { path: 'activities.events', message: 'Tối đa 20 dòng' },
      ],
      fields,
    );
    expect(placed.byPath.get('activities.events.1.participants')).toEqual(['Bắt buộc phải nhập']);
    expect(placed.byField.get('activities.events')).toEqual(['Bắt buộc phải nhập', 'Tối đa 20 dòng']);
    expect(placed.summary.map((s) => `${s.label}: ${s.message}`)).toEqual([
      'Danh sách hội nghị, dòng 2, Số người tham dự: Bắt buộc phải nhập',
      'Danh sách hội nghị: Tối đa 20 dòng',
    ]);
    expect(cellOf(events, 'activities.events.0.cost')).toMatchObject({ row: 0, column: { path: 'cost' } });
    expect(cellOf(events, 'activities.events.3')).toEqual({ row: 3 });
    expect(cellOf(events, 'activities.events.x.cost')).toBeNull();
    expect(cellOf(events, 'activities.events.0.nope')).toBeNull();
  });
});
