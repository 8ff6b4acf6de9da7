import { COUNT_MAX, errorId, fieldId, type FormField, type FormSection } from './fields.js';
import { esc } from '../html.js';

/**
 * The form's fields as HTML, from a form's sections (web/form/fields.ts): the server renders the
 * seed's into the page (web/pages.ts), and the page re-renders them from the definition GET /me
 * returns when the regime's current form is another (a deployer changes the regime file, not code).
 * DOM-free, so the same code runs at build time and in the browser.
 */
const optional = (f: FormField) => (f.optional ? ' <span class="opt">(không bắt buộc)</span>' : '');

/** A field's control; a table cell's (`extra`: its accessible name) has the cell's path ('section.table.2.column'). */
function control(f: FormField, extra = ''): string {
  const id = fieldId(f.path);
  const common = `id="${id}" name="${esc(f.path)}" data-path="${esc(f.path)}" aria-describedby="${errorId(f.path)}"${f.optional ? '' : ' aria-required="true"'}${extra}`;
  const max = f.maxLength === undefined ? '' : ` maxlength="${f.maxLength}"`;
  switch (f.kind) {
    case 'count':
      return `<input ${common} type="number" inputmode="numeric" min="${f.min ?? 0}" max="${f.max ?? COUNT_MAX}" step="1" autocomplete="off">`;
    case 'decimal':
      return `<input ${common} type="number" inputmode="decimal" min="${f.min ?? 0}" max="${f.max ?? COUNT_MAX}" step="any" autocomplete="off">`;
    case 'choice':
      return `<select ${common}><option value="">— Chọn —</option>${(f.choices ?? [])
        .map((c) => `<option value="${esc(c.value)}">${esc(c.label)}</option>`)
        .join('')}</select>`;
    case 'date':
      return `<input ${common} type="date">`;
    case 'email':
      return `<input ${common} type="email" autocomplete="email"${max}>`;
    case 'tel':
      return `<input ${common} type="tel" inputmode="tel" autocomplete="tel"${max}>`;
    case 'longtext':
      return `<textarea ${common} rows="${extra ? 2 : 4}"${max}></textarea>`;
    case 'boolean': // a table cell's yes/no (a field's is a pair of radios, below)
      return `<select ${common}><option value="">—</option><option value="true">Có</option><option value="false">Không</option></select>`;
    default:
      return `<input ${common} type="text"${max}>`;
  }
}

function field(f: FormField): string {
  const error = `<p class="error" id="${errorId(f.path)}"></p>`;
  if (f.kind === 'table') return table(f, error);
  if (f.kind === 'boolean') {
    const id = fieldId(f.path);
    const radio = (value: 'true' | 'false', label: string) =>
      `<label><input type="radio" id="${id}-${value}" name="${esc(f.path)}" data-path="${esc(f.path)}" value="${value}" aria-describedby="${errorId(f.path)}"> ${label}</label>`;
    return `<fieldset class="field" id="${id}" tabindex="-1" data-field="${esc(f.path)}" role="radiogroup" aria-describedby="${errorId(f.path)}"${f.optional ? '' : ' aria-required="true"'}>
<legend>${esc(f.label)}${optional(f)}</legend><div class="radios">${radio('true', 'Có')}${radio('false', 'Không')}</div>${error}</fieldset>`;
  }
  const wide = f.kind === 'longtext' || f.kind === 'text' || f.kind === 'email' ? ' wide' : '';
  return `<div class="field${wide}" data-field="${esc(f.path)}"><label for="${fieldId(f.path)}">${esc(f.label)}${optional(f)}</label>${control(f)}${error}</div>`;
}

/** The status line under a table: how many rows, out of how many. */
export const rowsStatus = (count: number, maxRows: number) =>
  count === 0
    ? `Chưa có dòng nào (tối đa ${maxRows} dòng).`
    : count >= maxRows
      ? `${count}/${maxRows} dòng — đã đủ số dòng tối đa.`
      : `${count}/${maxRows} dòng.`;

/**
 * A repeating table (a `table` field): caption, one column header per column, and rows the page adds
 * and removes (web/form/main.ts draws them with tableRowHtml). The rows go into the report as an
 * array of objects keyed by column, as the server's schema expects.
 */
function table(f: FormField, error: string): string {
  const id = fieldId(f.path);
  const heads = (f.columns ?? []).map((c) => `<th scope="col">${esc(c.label)}${optional(c)}</th>`).join('');
  return `<div class="field wide table-field" data-field="${esc(f.path)}" id="${id}" tabindex="-1">
<div class="table-scroll"><table class="rows" aria-describedby="${errorId(f.path)}"><caption>${esc(f.label)}${optional(f)}</caption>
<thead><tr><th scope="col">STT</th>${heads}<th scope="col">Thao tác</th></tr></thead><tbody data-rows="${esc(f.path)}"></tbody></table></div>
<div class="row-actions"><button type="button" class="secondary" id="${id}-add" data-add-row="${esc(f.path)}">Thêm dòng</button>
<p class="muted small" id="${id}-status" role="status">${rowsStatus(0, f.maxRows ?? 0)}</p></div>${error}</div>`;
}

/** One row of a table field, row `index` (from 0): a control per column, each named by its column and row. */
export function tableRowHtml(f: FormField, index: number): string {
  const n = index + 1;
  const cells = (f.columns ?? []).map((c) => {
    const cell = { ...c, path: `${f.path}.${index}.${c.path}` };
    const name = ` aria-label="${esc(`${c.label}, dòng ${n}`)}"`;
    return `<td>${control(cell, name)}<p class="error" id="${errorId(cell.path)}"></p></td>`;
  });
  return `<tr data-row="${index}"><th scope="row">${n}</th>${cells.join('')}<td><button type="button" class="secondary" data-del-row="${esc(f.path)}" data-index="${index}" aria-label="Xóa dòng ${n}">Xóa dòng</button></td></tr>`;
}

/** A section's fields; fields of a nested object (a programme) go in their own group, legend from the schema. */
function section(s: FormSection, fields: readonly FormField[]): string {
  const parts: string[] = [];
  let group: string | null = null;
  for (const f of fields) {
    const parent = f.path.split('.').slice(0, -1).join('.');
    const g = parent === s.key ? null : parent;
    if (g !== group) {
      if (group) parts.push('</fieldset>');
      if (g) parts.push(`<fieldset class="group"><legend>${esc(f.group ?? g)}</legend>`);
      group = g;
    }
    parts.push(field(f));
  }
  if (group) parts.push('</fieldset>');
  return `<fieldset class="section" id="section-${s.key}"><legend>${esc(s.legend)}</legend>${parts.join('\n')}</fieldset>`;
}

export function formFieldsHtml(sections: readonly FormSection[]): string {
  return sections.map((s) => section(s, s.fields)).join('\n');
}
