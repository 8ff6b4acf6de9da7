import { attrs, esc } from './xml.js';
import { columnLetter, Worksheet, type DataValidation } from './xlsx-write.js';

/**
 * A worksheet with data validations (the upload template's): kept out of xlsx-write.ts so that the
 * summary function, which writes none, does not carry them (issue 7: each function ≤ 1.3× its
 * floor bundle).
 */
export class ValidatedWorksheet extends Worksheet {
  readonly validations: { row: number; col: number; rule: DataValidation; toRow?: number }[] = [];

  /** A cell's rule, or with `toRow` the rule of the column's cells from `row` to `toRow`. */
  validate(row: number, col: number, rule: DataValidation, toRow?: number): void {
    this.validations.push({ row, col, rule, ...(toRow !== undefined && toRow > row ? { toRow } : {}) });
  }

  override afterMerges(): string {
    return validationsXml(this.validations);
  }
}

const ref = (row: number, col: number) => `${columnLetter(col)}${row}`;

/** Cells with the same rule share one <dataValidation>, its sqref listing them. */
function validationsXml(list: ValidatedWorksheet['validations']): string {
  if (!list.length) return '';
  const byRule = new Map<string, string[]>();
  for (const { row, col, rule, toRow } of list) {
    const key = validationXml(rule);
    const refs = byRule.get(key) ?? [];
    if (!refs.length) byRule.set(key, refs);
    refs.push(toRow === undefined ? ref(row, col) : `${ref(row, col)}:${ref(toRow, col)}`);
  }
  const items = [...byRule].map(([xml, refs]) => xml.replace('<dataValidation', `<dataValidation sqref="${refs.join(' ')}"`));
  return `<dataValidations count="${items.length}">${items.join('')}</dataValidations>`;
}

function validationXml(v: DataValidation): string {
  const a = attrs({
    type: v.type,
    operator: v.operator === 'between' ? undefined : v.operator,
    allowBlank: v.allowBlank,
    showInputMessage: v.prompt !== undefined,
    showErrorMessage: true,
    errorTitle: v.error.title,
    error: v.error.message,
    promptTitle: v.prompt?.title,
    prompt: v.prompt?.message,
  });
  const formulae = v.formulae.map((f, i) => `<formula${i + 1}>${esc(f)}</formula${i + 1}>`).join('');
  return `<dataValidation${a}>${formulae}</dataValidation>`;
}
