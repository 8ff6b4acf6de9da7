import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * axe-core in the browser tests: the page's accessibility checked against WCAG 2.1 A and AA and
 * Deque's best practices, as the page is at that moment (after data loaded, with a panel open…).
 * axe is evaluated through the DevTools protocol (page.evaluate), which the page's CSP does not
 * govern: the tests keep `script-src 'self'` on and the page needs no bypassCSP context.
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

let source: Promise<string> | undefined;
const axeSource = () => (source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/** The violations axe finds on the page now, each as one readable line (rule, impact, help, elements). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource());
  const options: RunOptions = { runOnly: { type: 'tag', values: [...AXE_TAGS] }, resultTypes: ['violations'] };
  const results = await page.evaluate(
    (o) => (window as unknown as { axe: { run(c: Document, o: RunOptions): Promise<AxeResults> } }).axe.run(document, o),
    options,
  );
  return results.violations.map(describe);
}

function describe(v: Result): string {
  const fix = (summary = '') =>
    summary
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('; ');
  const where = v.nodes.map((n) => `${n.target.join(' ')}: ${fix(n.failureSummary)}`);
  return `${v.id} [${v.impact ?? 'n/a'}] ${v.help} — ${v.helpUrl}\n    ${where.join('\n    ')}`;
}
