import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, InfraConfigError, parseConfig } from '../../infra/config.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { buildTestApp } from './support.js';

/** The example quarterly regime listing some of the seed's units (same ids, names and emails). */
const QUARTERLY = 'examples/regime-kontum-quarterly.json';
const readJson = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;

describe('deployment parameters (CDK context, validated at synth)', () => {
  it('has a default for everything, so a bare synth works', () => {
    const config = parseConfig({});
    // No shared admin secret any more: staff sign in through the user pool.
    expect(CONTEXT_KEYS).not.toContain('adminTokenSha256');
    expect(config.replyTo).toBe(DEFAULT_REGIME.receivingBody.email);
    expect(config.regime.id).toBe(DEFAULT_REGIME.id);
    expect(config.appOrigin).toBeUndefined();
  });

  it('overrides leadership and unit contacts from JSON context values; an unknown unit fails naming it', () => {
    const config = parseConfig({
      leadership: '[{"name":"Chủ tịch UBND tỉnh","email":"chutich@kontum.gov.vn"}]',
      unitContacts: { 'dak-ha': 'vanthu@dakha.kontum.gov.vn' },
    });

    expect(config.regime.leadership).toEqual([{ name: 'Chủ tịch UBND tỉnh', email: 'chutich@kontum.gov.vn' }]);
    expect(config.regime.units.find((u) => u.id === 'dak-ha')?.email).toBe('vanthu@dakha.kontum.gov.vn');
    expect(config.regime.units.find((u) => u.id === 'dak-to')?.email).toBe('vanthu.dak-to@kontum.gov.example');
    expect(() => parseConfig({ unitContacts: '{"khong-co":"a@b.vn"}' })).toThrow(/unitContacts: unknown unit id "khong-co"/);
    expect(() => parseConfig({ leadership: 'not json' })).toThrow(/leadership/);
    expect(() => parseConfig({ unitContacts: { 'dak-ha': 'not-an-email' } })).toThrow(/unitContacts\.dak-ha/);
  });

  it('accepts string values as `-c key=value` passes them', () => {
    const config = parseConfig({
      logRetentionDays: '90',
      quarantineRetentionDays: '30',
      staffDomainPrefix: 'snv-kontum-baocao',
      appOrigin: 'https://baocao.snv.example/',
    });
    expect(config.logRetentionDays).toBe(90);
    expect(config.quarantineRetentionDays).toBe(30);
    expect(config.appOrigin).toBe('https://baocao.snv.example');
  });

  it.each([
    ['alarmEmail', 'not-an-email'],
    ['senderAddress', 'baocao'],
    ['replyTo', '@snv'],
    ['staffDomainPrefix', 'Baocao'],
    ['staffDomainPrefix', 'baocao-cognito'],
    ['appOrigin', 'http://baocao.snv.example'],
    ['appOrigin', 'https://baocao.snv.example/form'],
    ['logRetentionDays', '42'],
    ['quarantineRetentionDays', '0'],
    ['supersededRetentionDays', 'soon'],
    ['senderDomain', 'Not A Domain'],
  ])('rejects %s = %j with a message naming it', (key, value) => {
    let error: unknown;
    try {
      parseConfig({ [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InfraConfigError);
    expect((error as Error).message).toContain(`${key}: `);
    expect((error as Error).message).toContain(`(got ${JSON.stringify(value)})`);
  });

  it('requires the sender address to belong to the verified domain', () => {
    expect(() => parseConfig({ senderDomain: 'snv.kontum.example', senderAddress: 'baocao@other.example' })).toThrow(
      /senderAddress: must be an address at senderDomain/,
    );
    expect(parseConfig({ senderDomain: 'kontum.example', senderAddress: 'baocao@snv.kontum.example' }).senderDomain).toBe('kontum.example');
  });

  it('rejects a regime file that does not validate, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baocao-regime-'));
    const file = join(dir, 'regime.json');
    writeFileSync(file, JSON.stringify({ ...DEFAULT_REGIME, timeZone: 'Mars/Olympus' }));
    expect(() => parseConfig({ regimeFile: file })).toThrow(/regimeFile: .*timeZone/);
    expect(() => parseConfig({ regimeFile: join(dir, 'missing.json') })).toThrow(/regimeFile: cannot read/);
  });

  it('runs the regimeFiles beside the main one, from a list or a comma-separated `-c` string', () => {
    const list = parseConfig({ regimeFiles: [QUARTERLY] });
    expect(list.regime.id).toBe(DEFAULT_REGIME.id);
    expect(list.regimes.all.map((r) => [r.id, r.scoped])).toEqual([
      [DEFAULT_REGIME.id, false],
      ['dvcq-kontum-quy', true],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'baocao-regimes-'));
    const monthly = join(dir, 'monthly.json');
    writeFileSync(monthly, JSON.stringify({ ...readJson(QUARTERLY), id: 'dvcq-kontum-thang', frequency: 'monthly' }));
    const csv = parseConfig({ regimeFiles: `${QUARTERLY}, ${monthly}` });
    expect(csv.regimes.all.map((r) => r.id)).toEqual([DEFAULT_REGIME.id, 'dvcq-kontum-quy', 'dvcq-kontum-thang']);
    expect(parseConfig({ regimeFiles: JSON.stringify([QUARTERLY]) }).regimes.all).toHaveLength(2);
    expect(parseConfig({}).regimes.all.map((r) => r.id)).toEqual([DEFAULT_REGIME.id]);
    // A unit's contact override reaches every regime listing it (one unit, one email).
    const contacts = parseConfig({ regimeFiles: QUARTERLY, unitContacts: { 'so-noi-vu': 'vanthu@snv.kontum.gov.vn' } });
    expect(contacts.regimes.all.map((r) => r.units.find((u) => u.id === 'so-noi-vu')?.email)).toEqual([
      'vanthu@snv.kontum.gov.vn',
      'vanthu@snv.kontum.gov.vn',
    ]);
  });

  it('rejects a bad second regime, naming its file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baocao-regimes-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...readJson(QUARTERLY), frequency: 'weekly' }));
    expect(() => parseConfig({ regimeFiles: [QUARTERLY, bad] })).toThrow(/regimeFiles: .*bad\.json.*frequency/);
    // Valid alone, refused together with the main regime (regimeSet): the file is named.
    const same = join(dir, 'same-id.json');
    writeFileSync(same, JSON.stringify({ ...readJson(QUARTERLY), id: DEFAULT_REGIME.id }));
    expect(() => parseConfig({ regimeFiles: same })).toThrow(/regimeFiles: .*same-id\.json: two regimes have the id dvcq-kontum/);
    const clash = join(dir, 'clash.json');
    const units = readJson(QUARTERLY).units as { id: string; name: string }[];
    writeFileSync(
      clash,
      JSON.stringify({
        ...readJson(QUARTERLY),
        id: 'other',
        units: units.map((u) => (u.id === 'so-y-te' ? { ...u, name: 'Sở Y tế khác' } : u)),
      }),
    );
    expect(() => parseConfig({ regimeFiles: [QUARTERLY, clash] })).toThrow(
      /regimeFiles: .*clash\.json: unit so-y-te is "Sở Y tế khác" .* in other but/,
    );
    expect(() => parseConfig({ regimeFiles: [QUARTERLY, QUARTERLY] })).toThrow(
      /regimeFiles: .*quarterly\.json: two regimes have the id dvcq-kontum-quy/,
    );
    expect(() => parseConfig({ regimeFiles: join(dir, 'missing.json') })).toThrow(/regimeFiles: cannot read .*missing\.json/);
    expect(() => buildTestApp({ regimeFiles: `${QUARTERLY},${bad}` })).toThrow(
      /Invalid CDK context for baocao: regimeFiles: .*bad\.json.*frequency/,
    );
  });

  it('fails building the app from context', () => {
    expect(() => buildTestApp({ alarmEmail: 'nope' })).toThrow(/alarmEmail/);
  });

  it('fails `cdk synth` (the app process) with the message, before any bundling', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'baocao-cdkout-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra', 'app.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ alarmEmail: 'not-an-email' }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Invalid CDK context for baocao: alarmEmail/);
    expect(run.stderr).not.toMatch(/Bundling asset/);
  });
});
