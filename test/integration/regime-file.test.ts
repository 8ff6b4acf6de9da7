import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { readRegimeFile, RegimeFileError } from '../../shared/regime-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-regime-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a deployer’s regime file', () => {
  it('is read and validated; a good file replaces the default', async () => {
    const file = join(dir, 'good.json');
    await writeFile(file, JSON.stringify({ ...DEFAULT_REGIME, units: DEFAULT_REGIME.units.slice(0, 2) }));

    expect(readRegimeFile(file).units.map((u) => u.id)).toEqual(['van-phong-ubnd', 'so-noi-vu']);
  });

  it('a bad file fails naming the field; npm start refuses it before starting anything', async () => {
    const file = join(dir, 'bad.json');
    const units = structuredClone(DEFAULT_REGIME.units);
    units[3]!.email = 'not-an-email';
    await writeFile(file, JSON.stringify({ ...DEFAULT_REGIME, units }));

    expect(() => readRegimeFile(file)).toThrow(RegimeFileError);
    expect(() => readRegimeFile(file)).toThrow(/units\.3\.email/);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: { ...process.env, REGIME_FILE: file, DATA_DIR: join(dir, 'data'), PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('units.3.email');
  });
});
