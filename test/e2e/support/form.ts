import type { Page } from 'playwright-core';
import { FORM_FIELDS } from '../../../web/form/fields.js';
import { fromReport } from '../../../web/form/values.js';

/** Fills the seed form the way a person does: each field found by its accessible name (the schema's label). */
export async function fillForm(page: Page, report: unknown): Promise<void> {
  const values = fromReport(report);
  for (const f of FORM_FIELDS) {
    const v = values[f.path];
    if (v === undefined) continue;
    if (f.kind === 'boolean') {
      await page
        .getByRole('radiogroup', { name: f.label })
        .getByLabel(v === 'true' ? 'Có' : 'Không', { exact: true })
        .check();
    } else if (f.kind === 'choice') {
      await page.getByLabel(f.label).selectOption(v);
    } else {
      await page.getByLabel(f.label).fill(v);
    }
  }
}
