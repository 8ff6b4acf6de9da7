import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { Regime } from '../../shared/domain/regime.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { summarizeFacts } from '../../shared/domain/status.js';
import { RequestError } from '../../shared/errors.js';
import type { StoredVersion } from '../../shared/ports.js';
import { readUnitView } from '../../shared/use-cases/read-unit-view.js';
import { unitPeriods } from '../../shared/use-cases/periods.js';
import { issueToken, sha256Hex } from '../../shared/use-cases/tokens.js';
import { buildTemplate, META_KEYS, META_SHEET } from '../../shared/xlsx/template.js';
import { asciiFileName, contentDisposition } from '../../shared/http/content-disposition.js';
import { downloadTemplate } from '../../shared/use-cases/download-template.js';
import { memoryWorld } from '../support/memory-ports.js';

const regime = DEFAULT_REGIME;
const UNIT = 'so-tu-phap';

const world = (at = '2026-11-28T03:00:00Z', r: Regime = regime) => ({ ...memoryWorld(at, r), regimes: regimeSet(r), build: buildTemplate });

async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RequestError);
  return e as RequestError;
}

const version = (uploadId: string, receivedAt: string, valid: boolean, reasons: StoredVersion['reasons'] = []): StoredVersion => ({
  period: '2026',
  unitId: UNIT,
  uploadId,
  etag: `e-${uploadId}`,
  key: `incoming/2026/${UNIT}/${uploadId}.json`,
  size: 100,
  sha256: sha256Hex(uploadId),
  format: 'json',
  receivedAt,
  valid,
  reasons,
});

/** Stores versions and the status item the compliance function would have written for them. */
async function stored(w: ReturnType<typeof world>, versions: StoredVersion[]) {
  for (const v of versions) await w.reports.putVersion(v);
  const facts = summarizeFacts(versions, []);
  await w.statuses.put(
    {
      period: '2026',
      unitId: UNIT,
      rev: 1,
      status: 'PENDING',
      facts,
      uploadIds: versions.map((v) => v.uploadId),
      announced: true,
      updatedAt: '2026-11-28T00:00:00Z',
    },
    null,
  );
}

describe('readUnitView (GET /me)', () => {
  it('shows the unit, the period’s dates, its versions newest first and the status derived from the facts', async () => {
    // Prepare
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });
    const reason = { path: 'dissemination.sessions', message: 'Bắt buộc phải nhập', label: 'Số hội nghị' };
    await stored(w, [
      version('aaaaaaaaaa1', '2026-11-20T02:00:00Z', false, [reason]),
      version('aaaaaaaaaa2', '2026-11-21T02:00:00Z', true),
    ]);

    // Act
    const view = await readUnitView(w, { token, period: 2026 });

    // Assess
    expect(view).toMatchObject({
      unit: { id: UNIT, name: 'Sở Tư pháp', group: 'province' },
      period: 2026,
      dates: {
        cutOffFrom: '2025-12-15',
        cutOffTo: '2026-12-14',
        dueDate: '2026-12-18',
        dueAt: '2026-12-18T16:59:59.999Z',
        opensAt: '2026-10-31T17:00:00.000Z',
      },
      status: 'ON_TIME',
      extensionUntil: null,
      asOf: '2026-11-28T03:00:00.000Z',
      // Mon 30 Nov to Fri 18 Dec 2026, by the working-day calendar
      workingDaysLeft: 15,
    });
    expect(view.versions.map((v) => [v.uploadId, v.valid, v.reasons])).toEqual([
      ['aaaaaaaaaa2', true, []],
      ['aaaaaaaaaa1', false, [reason]],
    ]);
    expect(view.versions[0]?.sha256).toBe(sha256Hex('aaaaaaaaaa2'));
  });

  it('derives OVERDUE by the clock although the stored status still says PENDING', async () => {
    const w = world('2026-12-19T01:00:00Z');
    const { token } = await issueToken(w, { unitId: UNIT });
    await stored(w, []);

    const view = await readUnitView(w, { token, period: 2026 });

    expect(view.status).toBe('OVERDUE');
  });

  it('defaults to the unit’s open period and lists the periods it can choose, newest first', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    const view = await readUnitView(w, { token });

    expect(view.period).toBe(2026);
    expect(view.periods[0]).toBe(2026);
    expect(view.periods.at(-1)).toBe(regime.firstPeriod);
    // Before 1 November the current year is not open yet: the previous one is the default.
    const early = world('2026-06-01T03:00:00Z');
    const t2 = await issueToken(early, { unitId: UNIT });
    expect((await readUnitView(early, { token: t2.token })).period).toBe(2025);
    expect(unitPeriods(regime, regime.units[0]!, new Date('2026-06-01T03:00:00Z'))[0]).toBe('2025');
  });

  it('discloses no other unit and no leadership address, but enough of the regime to validate in the browser', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    const view = await readUnitView(w, { token });

    expect(view.regime.units.map((u) => u.id)).toEqual([UNIT]);
    expect(view.regime.leadership).toEqual([]);
    expect(view.regime).toMatchObject({ formVersion: regime.formVersion, timeZone: regime.timeZone, cutOff: regime.cutOff });
  });

  it('records the token’s use once a minute, however often the page polls', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });

    await readUnitView(w, { token });
    w.clock.set('2026-11-28T03:00:40Z');
    await readUnitView(w, { token });
    w.clock.set('2026-11-28T03:01:05Z');
    await readUnitView(w, { token });

    const used = (await w.audit.list('2026', UNIT)).filter((e) => e.action === 'TOKEN_USED');
    expect(used.map((e) => e.at)).toEqual(['2026-11-28T03:00:00.000Z', '2026-11-28T03:01:00.000Z']);
    expect(used[0]).toMatchObject({
      actor: `token:${sha256Hex(token).slice(0, 12)}`,
      detail: { route: 'GET /me', firstUseInMinute: '2026-11-28T03:00:00.000Z' },
    });
    expect((await w.tokens.get(sha256Hex(token)))?.lastUsedAt).toBe('2026-11-28T03:01:05.000Z');
  });

  it('refuses a missing, revoked or expired token and a period out of range, with the contract’s codes', async () => {
    const w = world();
    // One live link per unit: the live one is another unit's, the revoked and expiring ones UNIT's.
    const { token } = await issueToken(w, { unitId: 'dak-ha' });
    const revoked = await issueToken(w, { unitId: UNIT });
    await w.tokens.revoke(sha256Hex(revoked.token), '2026-11-27T00:00:00Z');
    const soon = await issueToken(w, { unitId: UNIT, expiresAt: new Date('2026-11-28T04:00:00Z') });

    expect((await rejection(readUnitView(w, { token: null }))).code).toBe('MISSING_TOKEN');
    expect((await rejection(readUnitView(w, { token: revoked.token }))).code).toBe('REVOKED_TOKEN');
    expect((await rejection(readUnitView(w, { token, period: 2018 }))).code).toBe('INVALID_PERIOD');
    expect((await rejection(readUnitView(w, { token, period: 2028 }))).status).toBe(400);
    w.clock.set('2026-11-28T05:00:00Z');
    expect((await rejection(readUnitView(w, { token: soon.token }))).code).toBe('EXPIRED_TOKEN');
  });
});

describe('downloadTemplate (GET /template.xlsx)', () => {
  async function metaOf(bytes: Uint8Array) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
    const meta = new Map<string, unknown>();
    wb.getWorksheet(META_SHEET)?.eachRow((row) => meta.set(String(row.getCell(1).value), row.getCell(2).value));
    return meta;
  }

  it('prefills the unit with a token and records the use; without one it is the blank template', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: 'dak-ha' });

    const mine = await downloadTemplate(w, { token, period: 2026 });
    const blank = await downloadTemplate(w, { token: null });

    expect(mine.fileName).toBe('Biểu mẫu báo cáo dân vận 2026 - UBND huyện Đắk Hà.xlsx');
    expect((await metaOf(mine.bytes)).get(META_KEYS.unitId)).toBe('dak-ha');
    expect(blank).toMatchObject({ fileName: 'Biểu mẫu báo cáo dân vận 2026.xlsx', period: '2026', unitId: null });
    expect((await metaOf(blank.bytes)).get(META_KEYS.unitId) || null).toBeNull();
    expect(
      (await w.audit.list('2026', 'dak-ha')).filter((e) => e.action !== 'TOKEN_ISSUED').map((e) => [e.action, e.detail.route]),
    ).toEqual([['TOKEN_USED', 'GET /template.xlsx']]);
  }, 30_000);

  it('treats a dead link as an error, not as a request for the blank template', async () => {
    const w = world();
    const { token } = await issueToken(w, { unitId: UNIT });
    await w.tokens.revoke(sha256Hex(token), '2026-11-27T00:00:00Z');

    expect((await rejection(downloadTemplate(w, { token }))).code).toBe('REVOKED_TOKEN');
    expect((await rejection(downloadTemplate(w, { token: null, period: 1999 }))).code).toBe('INVALID_PERIOD');
  });

  it('names the file in Vietnamese with an ASCII fallback (RFC 6266)', () => {
    expect(asciiFileName("Biểu mẫu 2026 - UBND huyện Ia H'Drai.xlsx")).toBe('Bieu mau 2026 - UBND huyen Ia H_Drai.xlsx');
    expect(contentDisposition('Đắk Hà (1).xlsx')).toBe(
      `attachment; filename="Dak Ha (1).xlsx"; filename*=UTF-8''%C4%90%E1%BA%AFk%20H%C3%A0%20%281%29.xlsx`,
    );
  });
});
