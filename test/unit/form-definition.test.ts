import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegimeFile } from '../../shared/regime-file.js';
import { DEFAULT_FORM } from '../../shared/domain/default-form.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { FormDefinitionInvalidError, parseFormDefinition, parseRegimeForms } from '../../shared/domain/form-definition.js';
import { parseRegime, RegimeInvalidError } from '../../shared/domain/regime.js';
import { currentForm } from '../../shared/domain/report.js';

type Json = Record<string, unknown>;
const seed = (): Json => JSON.parse(JSON.stringify(DEFAULT_FORM)) as Json;
/** The paths a bad definition is refused with. */
function refusedPaths(input: unknown): string[] {
  try {
    parseFormDefinition(input);
  } catch (e) {
    if (e instanceof FormDefinitionInvalidError) return e.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('expected the definition to be refused');
}
type Editable = Json & { sections: (Json & { fields: Json[] })[]; rules: Json[] };
const edit = (f: (d: Editable) => void) => {
  const d = seed() as Editable;
  f(d);
  return d;
};
const field = (d: { sections: Json[] }, s: number, i: number) => (d.sections[s] as { fields: Json[] }).fields[i]!;

describe('a form definition', () => {
  it('the seed’s form is written in its normalised shape: it parses to itself', () => {
    expect(parseFormDefinition(seed())).toEqual(DEFAULT_FORM);
  });

  it('fills in the defaults a file may leave out', () => {
    // act
    const f = parseFormDefinition({
      version: '1',
      sections: [
        {
          key: 's',
          label: 'Mục',
          fields: [
            { key: 'n', label: 'Số', type: 'integer' },
            { key: 'x', label: 'Tỷ lệ', type: 'decimal' },
          ],
        },
      ],
    });
    // assess
    expect(f.rules).toEqual([]);
    expect(f.sections[0]!.fields).toEqual([
      { key: 'n', label: 'Số', type: 'integer', required: true, min: 0, max: 10_000_000 },
      { key: 'x', label: 'Tỷ lệ', type: 'decimal', required: true, min: 0, max: 10_000_000, decimals: 2 },
    ]);
  });

  it.each([
    ['an unknown field type', edit((d) => (field(d, 2, 4).type = 'number')), 'sections.2.fields.4.type'],
    ['a key with a dot', edit((d) => (field(d, 0, 1).key = 'a.b')), 'sections.0.fields.1.key'],
    ['a field key used twice in a section', edit((d) => (field(d, 0, 1).key = 'sessions')), 'sections.0.fields.1.key'],
    ['a section key used twice', edit((d) => (d.sections[1]!.key = 'dissemination')), 'sections.1.key'],
    ['a section taking an envelope key', edit((d) => (d.sections[4]!.key = 'preparer')), 'sections.4.key'],
    ['min above max', edit((d) => Object.assign(field(d, 0, 0), { min: 5, max: 2 })), 'sections.0.fields.0.min'],
    [
      'a choice listed twice',
      edit(
        (d) =>
          ((field(d, 2, 0).fields as Json[])[0]!.choices = [
            { value: 'A', label: 'a' },
            { value: 'A', label: 'b' },
          ]),
      ),
      'sections.2.fields.0.fields.0.choices',
    ],
    [
      'a table without columns',
      edit((d) => d.sections[0]!.fields.push({ key: 't', label: 'Bảng', type: 'table', columns: [], maxRows: 5 })),
      'sections.0.fields.6.columns',
    ],
    [
      'a table nested in a table',
      edit((d) =>
        d.sections[0]!.fields.push({
          key: 't',
          label: 'Bảng',
          type: 'table',
          maxRows: 5,
          columns: [{ key: 'u', label: 'Con', type: 'table', columns: [], maxRows: 1 }],
        }),
      ),
      'sections.0.fields.6.columns.0.type',
    ],
    ['a rule naming no field', edit((d) => (d.rules[0]!.field = 'planAndSolutions.nothing')), 'rules.0.field'],
    ['a ≤ rule on a text field', edit((d) => (d.rules[0]!.max = 'planAndSolutions.planNumber')), 'rules.0.max'],
    [
      'a sum with a date part',
      edit((d) => d.rules.push({ rule: 'sum', parts: ['planAndSolutions.planDate'], total: 'dissemination.sessions' })),
      'rules.5.parts.0',
    ],
    ['a date rule on a number', edit((d) => (d.rules[4]!.field = 'dissemination.sessions')), 'rules.4.field'],
    [
      'a condition of the wrong type',
      edit((d) => (d.rules[2]!.when = { field: 'planAndSolutions.planIssued', equals: 'yes' })),
      'rules.2.when.equals',
    ],
    ['requiredIf on a required field', edit((d) => (d.rules[2]!.fields = ['dissemination.sessions'])), 'rules.2.fields.0'],
    ['an unknown rule', edit((d) => (d.rules[0]!.rule = 'gte')), 'rules.0.rule'],
    ['an unknown property', edit((d) => (field(d, 0, 0).maximum = 3)), 'sections.0.fields.0'],
  ])('is refused at load for %s, naming the path', (_what, input, path) => {
    expect(refusedPaths(input)).toContain(path);
  });
});

describe('a regime’s forms', () => {
  const regime = (forms: unknown, formVersion = '2019.1') =>
    ({ ...JSON.parse(JSON.stringify(DEFAULT_REGIME)), forms, formVersion }) as Json;
  /** As readRegimeFile loads a file: the regime, then its forms in full. */
  const load = (input: unknown) => parseRegimeForms(parseRegime(input));
  const refused = (input: unknown) => {
    try {
      load(input);
    } catch (e) {
      if (e instanceof RegimeInvalidError || e instanceof FormDefinitionInvalidError) return e.issues.map((i) => i.path);
      throw e;
    }
    throw new Error('expected the regime to be refused');
  };

  it('are the seed’s form in the seed’s regime', () => {
    expect(currentForm(DEFAULT_REGIME)).toBe(DEFAULT_FORM);
  });

  it('are optional in a file: one without them reports on the seed’s form, under its own form version', () => {
    // prepare
    const dir = mkdtempSync(join(tmpdir(), 'forms-'));
    const file = join(dir, 'regime.json');
    const { forms: _omitted, ...older } = JSON.parse(JSON.stringify(DEFAULT_REGIME)) as Json;
    writeFileSync(file, JSON.stringify({ ...older, formVersion: '2020.2' }));
    // act
    const r = readRegimeFile(file);
    // assess
    expect(currentForm(r)).toEqual({ ...DEFAULT_FORM, version: '2020.2' });
    expect(parseRegime({ ...older }).forms).toBeUndefined();
  });

  it('name the current form by the regime’s formVersion', () => {
    const next = {
      ...seed(),
      version: '2027.1',
      sections: [{ key: 'a', label: 'Mục A', fields: [{ key: 'n', label: 'Số', type: 'integer' }] }],
      rules: [],
    };
    const r = load(regime([seed(), next], '2027.1'));
    expect(currentForm(r).version).toBe('2027.1');
    expect(currentForm(r).sections.map((s) => s.key)).toEqual(['a']);
  });

  it('refuse a bad form naming its path in the regime file', () => {
    const bad = edit((d) => (field(d, 2, 4).type = 'number'));
    expect(refused(regime([bad]))).toContain('forms.0.sections.2.fields.4.type');
  });

  it('refuse a formVersion no form has, and a version listed twice', () => {
    expect(refused(regime([seed()], '2030.1'))).toContain('formVersion');
    expect(refused(regime([seed(), seed()]))).toContain('forms.1.version');
  });
});
