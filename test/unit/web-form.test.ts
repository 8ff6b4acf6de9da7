import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { labelOf, reportSchema, SECTION_LABELS, validateReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { buildBundle, BUNDLES } from '../../web/build.js';
import { errorId, fieldId, FORM_FIELDS, FORM_SECTIONS, PAGE_SET_PATHS } from '../../web/form/fields.js';
import { draftKey, fromReport, NOT_A_NUMBER, parseDraft, placeIssues, toReportInput } from '../../web/form/values.js';
import { esc } from '../../web/html.js';
import { formPage } from '../../web/pages.js';
import * as z from '../../shared/zod-mini.js';

const regime = DEFAULT_REGIME;
const UNIT = 'so-tu-phap';
const identity = { formVersion: regime.formVersion, unitId: UNIT, period: 2026 };
const ctx = { regime, expected: { unitId: UNIT, period: '2026' } };

/** Every leaf path of the schema, walked independently of the form code. */
function schemaLeaves(s: z.core.$ZodType, prefix = ''): string[] {
  let t = s;
  while (t instanceof z.ZodMiniOptional || t instanceof z.ZodMiniDefault) t = t._zod.def.innerType;
  if (!(t instanceof z.ZodMiniObject)) return [prefix];
  return Object.entries(t.shape as Record<string, z.core.$ZodType>).flatMap(([k, v]) => schemaLeaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('the form fields, generated from reportSchema()', () => {
  it('has one field for every leaf the clerk types, in schema order, labelled by the schema', () => {
    const typed = schemaLeaves(reportSchema()).filter((p) => !(PAGE_SET_PATHS as readonly string[]).includes(p));
    expect(FORM_FIELDS.map((f) => f.path)).toEqual(typed);
    for (const f of FORM_FIELDS) expect(f.label).toBe(labelOf(f.path.split('.')));
  });

  it('groups them in the four sections, the narrative and the preparer, with the schema’s section legends', () => {
    expect(FORM_SECTIONS.map((s) => s.legend)).toEqual(Object.values(SECTION_LABELS));
  });

  it('gives each field the input its schema type calls for', () => {
    const kind = (p: string) => FORM_FIELDS.find((f) => f.path === p)?.kind;
    expect(kind('dissemination.sessions')).toBe('count');
    expect(kind('planAndSolutions.planIssued')).toBe('boolean');
    expect(kind('planAndSolutions.planDate')).toBe('date');
    expect(kind('planAndSolutions.planNumber')).toBe('text');
    expect(kind('programmes.plan739.status')).toBe('choice');
    expect(kind('narrative.results')).toBe('longtext');
    expect(kind('preparer.email')).toBe('email');
    expect(kind('preparer.phone')).toBe('tel');
    expect(FORM_FIELDS.find((f) => f.path === 'programmes.plan740.status')?.choices?.map((c) => c.label)).toEqual([
      'Chưa triển khai',
      'Đang triển khai',
      'Đã hoàn thành',
    ]);
  });
});

describe('form values ↔ report', () => {
  it('round-trips a valid report through the form values unchanged', () => {
    const report = sampleReport(regime, UNIT, '2026');
    const input = toReportInput(fromReport(report), identity);
    const result = validateReport(input, ctx);
    expect(result).toEqual({ ok: true, report });
  });

  it('keeps a mistake visible to the schema: empty is missing, text is not a number, negatives stay negative', () => {
    const raw = {
      ...fromReport(sampleReport(regime, UNIT, '2026')),
      'dissemination.sessions': '',
      'dissemination.mediaItems': NOT_A_NUMBER,
      'emulation.movementsLaunched': '-2',
      'emulation.collectivesCommended': '1.5',
    };
    const result = validateReport(toReportInput(raw, identity), ctx);
    expect(result.ok).toBe(false);
    const byPath = Object.fromEntries((result.ok ? [] : result.issues).map((i) => [i.path, i.message]));
    expect(byPath).toEqual({
      'dissemination.sessions': 'Bắt buộc phải nhập',
      'dissemination.mediaItems': 'Phải là số nguyên không âm',
      'emulation.movementsLaunched': 'Không được nhỏ hơn 0',
      'emulation.collectivesCommended': 'Phải là số nguyên không âm',
    });
  });

  it('adds the signed document key the page got from the PDF upload', () => {
    const key = 'signed/2026/so-tu-phap/0mwzt0d0v7d3a9a99a4dd827.pdf';
    const input = toReportInput(fromReport(sampleReport(regime, UNIT, '2026')), identity, key);
    expect(validateReport(input, ctx)).toMatchObject({ ok: true, report: { signedDocumentKey: key } });
  });

  it('places each issue beside its field and lists them in form order, unplaceable ones last', () => {
    const placed = placeIssues([
      { path: 'preparer.email', message: 'Email không hợp lệ', label: 'Email' },
      { path: 'formVersion', message: 'Biểu mẫu cũ', label: 'Phiên bản biểu mẫu' },
      { path: 'dissemination.sessions', message: 'Bắt buộc phải nhập', label: 'x' },
      { path: 'programmes.plan739', message: 'Phải là một nhóm thông tin' },
    ]);
    expect([...placed.byField.keys()]).toEqual(['preparer.email', 'dissemination.sessions', 'programmes.plan739.status']);
    expect(placed.summary.map((s) => s.fieldPath)).toEqual(['dissemination.sessions', 'programmes.plan739.status', 'preparer.email', null]);
    expect(placed.summary[0]?.label).toBe('Số hội nghị, buổi phổ biến, quán triệt');
    expect(placed.summary[3]?.label).toBe('Phiên bản biểu mẫu');
  });

  it('reads a stored draft defensively: known fields only, corrupt or foreign entries ignored', () => {
    expect(draftKey(UNIT, 2026)).toBe('baocao:draft:so-tu-phap:2026');
    expect(parseDraft(null)).toBeNull();
    expect(parseDraft('{not json')).toBeNull();
    expect(parseDraft(JSON.stringify({ values: {} }))).toBeNull();
    const d = parseDraft(
      JSON.stringify({ savedAt: 'x', values: { 'dissemination.sessions': '3', evil: '<script>', 'emulation.movementsLaunched': 4 } }),
    );
    expect(d).toEqual({ savedAt: 'x', values: { 'dissemination.sessions': '3' } });
  });
});

describe('the form page', () => {
  const html = formPage();

  it('labels every field for assistive technology and points it at its error', () => {
    for (const f of FORM_FIELDS) {
      const id = fieldId(f.path);
      if (f.kind === 'boolean') {
        expect(html).toContain(`<fieldset class="field" id="${id}"`);
        expect(html).toContain(`<legend>${esc(f.label)}`);
        expect(html).toContain(`<label><input type="radio" id="${id}-true"`);
      } else {
        expect(html).toContain(`<label for="${id}">${esc(f.label)}`);
        expect(html).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="${errorId(f.path)}"`));
      }
      expect(html).toContain(`<p class="error" id="${errorId(f.path)}"`);
    }
    for (const legend of Object.values(SECTION_LABELS)) expect(html).toContain(`<legend>${esc(legend)}</legend>`);
  });

  it('makes numbers numeric inputs: whole, non-negative', () => {
    expect(html).toContain(`id="${fieldId('dissemination.sessions')}" name="dissemination.sessions" data-path="dissemination.sessions"`);
    expect(html).toMatch(/id="f-dissemination-sessions"[^>]*type="number" inputmode="numeric" min="0" max="10000000" step="1"/);
  });

  it('is Vietnamese, has no inline style attributes or handlers (the CSP allows only hashed blocks), and no token', () => {
    expect(html).toContain('<html lang="vi">');
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
    expect(html).not.toMatch(/#t=[A-Za-z0-9]/);
  });
});

describe('the browser bundle', () => {
  it('builds for the browser within its size budget, with the schema and no Node built-ins', async () => {
    const { js, bytes } = await buildBundle('form');
    expect(bytes).toBeLessThan(BUNDLES.form.maxBytes);
    expect(js).toContain('Bắt buộc phải nhập');
    expect(js).not.toMatch(/require\(["']node:|from["']node:/);
  }, 30_000);
});
