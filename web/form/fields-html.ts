import { COUNT_MAX, errorId, fieldId, type FormField, type FormSection } from './fields.js';
import { esc } from '../html.js';

/**
 * The form's fields as HTML, from a form's sections (web/form/fields.ts): the server renders the
 * seed's into the page (web/pages.ts), and the page re-renders them from the definition GET /me
 * returns when the regime's current form is another (a deployer changes the regime file, not code).
 * DOM-free, so the same code runs at build time and in the browser.
 */
const optional = (f: FormField) => (f.optional ? ' <span class="opt">(không bắt buộc)</span>' : '');

function control(f: FormField): string {
  const id = fieldId(f.path);
  const common = `id="${id}" name="${esc(f.path)}" data-path="${esc(f.path)}" aria-describedby="${errorId(f.path)}"${f.optional ? '' : ' aria-required="true"'}`;
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
      return `<textarea ${common} rows="4"${max}></textarea>`;
    default:
      return `<input ${common} type="text"${max}>`;
  }
}

function field(f: FormField): string {
  const error = `<p class="error" id="${errorId(f.path)}"></p>`;
  if (f.kind === 'table') {
    // Not typed on this page yet: a table's rows come in the JSON upload (docs/CONTRACTS.md).
    return `<div class="field wide" data-field="${esc(f.path)}"><p><strong>${esc(f.label)}</strong>${optional(f)}</p><p class="muted small">Bảng này nhập bằng tệp JSON (tối đa ${f.maxRows ?? 0} dòng).</p>${error}</div>`;
  }
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
