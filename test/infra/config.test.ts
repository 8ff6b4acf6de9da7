import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, InfraConfigError, parseConfig } from '../../infra/config.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { buildTestApp } from './support.js';

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
