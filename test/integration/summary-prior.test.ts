import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidateCommand } from '../../local/commands/consolidate.js';
import type { LocalStack } from '../../local/stack.js';
import { setVirtualNow, systemClock } from '../../shared/clock.js';
import { SHEET_NAMES } from '../../shared/documents/summary-workbook.js';
import { viNumber } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { parseRegime, type Unit } from '../../shared/domain/regime.js';
import { reportIndicators, type AnnualReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { summaryFileNames } from '../../shared/email/summary-email.js';
import { readXlsx, type XlsxSheet } from '../../shared/ooxml/xlsx-read.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { guardXlsx } from '../../shared/xlsx/zip-guard.js';
import { uploadJsonReport } from '../support/api.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * "Cùng kỳ năm trước" on the real emulators: communes A and B merge into C on 2025-07-01 (2024's
 * period expects A and B, 2025's expects C); A and B report 2024, C reports 2025, through the real
 * upload path. The published 2025 workbook, read back with the repo's reader and with exceljs, shows
 * C's 2024 figures = A + B, and the draft compares the totals.
 */
const unit = (id: string, name: string, group: Unit['group'], more: Partial<Unit> = {}): Unit => ({
  id,
  name,
  group,
  email: `vanthu.${id}@kontum.gov.example`,
  validFrom: 2019,
  ...more,
});
const regime = parseRegime({
  ...structuredClone(DEFAULT_REGIME),
  units: [
    unit('so-a', 'Sở A', 'province'),
    unit('xa-a', 'UBND xã A', 'district', { validTo: '2025-06-30', successor: 'xa-c' }),
    unit('xa-b', 'UBND xã B', 'district', { validTo: '2025-06-30', successor: 'xa-c' }),
    unit('xa-c', 'UBND xã C', 'district', { validFrom: '2025-07-01' }),
  ],
});
const PREVIOUS = '2024';
const PERIOD = '2025';

let t: TestStack | undefined;
let dir: string;
let stack: LocalStack;
let tables: TestStack['tables'];

async function upload(unitId: string, period: PeriodKey): Promise<void> {
  const { token } = await issueToken({ tokens: tables.tokens, clock: systemClock, regimes: regimeSet(regime) }, { unitId });
  await uploadJsonReport(stack.endpoints.app, token, unitId, period, sampleReport(regime, unitId, period));
}

/** Bounded polling until every unit's report of the period is accepted on time. */
async function waitForOnTime(period: PeriodKey, units: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const items = await tables.statuses.list(period);
    if (units.every((u) => items.some((i) => i.unitId === u && i.status === 'ON_TIME'))) break;
    if (Date.now() > deadline) throw new Error(`Timed out: ${JSON.stringify(items.map((i) => [i.unitId, i.status]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stack.bus.idle();
}

const value = (unitId: string, period: PeriodKey, path: string) => {
  const [section, field] = path.split('.') as [keyof AnnualReport, string];
  return (sampleReport(regime, unitId, period)[section] as unknown as Record<string, number>)[field]!;
};

beforeAll(async () => {
  // Inside 2024's reporting window (opens 1 Dec, due 18 Dec), then inside 2025's.
  t = await startTestStack('prior', new Date('2024-12-10T03:00:00Z'), { regime, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
  ({ stack, tables, dir } = t);

  for (const u of ['so-a', 'xa-a', 'xa-b']) await upload(u, PREVIOUS);
  await waitForOnTime(PREVIOUS, ['so-a', 'xa-a', 'xa-b']);
  setVirtualNow(new Date('2025-12-10T03:00:00Z'));
  for (const u of ['so-a', 'xa-c']) await upload(u, PERIOD);
  await waitForOnTime(PERIOD, ['so-a', 'xa-c']);
}, 90_000);

afterAll(() => stopTestStack(t));

describe('a merged unit’s figures map to its successor in the published summary', () => {
  it('the 2025 workbook shows beside C’s group the 2024 figures of A and B, and says how they were mapped', async () => {
    const out = join(dir, 'out');

    const r = await consolidateCommand({ period: PERIOD, send: true, endpointsFile: join(dir, 'endpoints.json'), outDir: out }, () => {});

    expect(r).toMatchObject({ outcome: 'published', version: 1, sent: true });
    const names = summaryFileNames(PERIOD, 1);
    const bytes = new Uint8Array(await readFile(join(out, names.xlsx)));

    // The repo's own reader (the one uploads go through).
    const sheet = readXlsx(guardXlsx(bytes).entries).find((s) => s.name === SHEET_NAMES.summary)!;
    const cell = (s: XlsxSheet, row: number, col: number) => s.rows.get(row)?.get(col);
    expect([3, 4, 5, 6, 7, 8, 9].map((col) => cell(sheet, 3, col))).toEqual([
      'Tổng cộng',
      'Sở, ban, ngành, đơn vị thuộc UBND tỉnh',
      'UBND các huyện, thành phố',
      'Cùng kỳ năm 2024: tổng cộng',
      'Cùng kỳ năm 2024: Sở, ban, ngành, đơn vị thuộc UBND tỉnh',
      'Cùng kỳ năm 2024: UBND các huyện, thành phố',
      'Tăng (+), giảm (-) so với cùng kỳ',
    ]);
    // Reports counted: 2 this year (so-a, xa-c); 3 last year (so-a; xa-a and xa-b now in xa-c).
    expect([3, 4, 5, 6, 7, 8, 9].map((col) => cell(sheet, 4, col))).toEqual([2, 1, 1, 3, 1, 2, -1]);
    const rowOf = (label: string) => [...sheet.rows].find(([, cells]) => cells.get(2) === label)?.[0] ?? -1;
    for (const ind of reportIndicators()) {
      const row = rowOf(ind.label);
      const now = value('so-a', PERIOD, ind.path) + value('xa-c', PERIOD, ind.path);
      const merged = value('xa-a', PREVIOUS, ind.path) + value('xa-b', PREVIOUS, ind.path);
      const was = value('so-a', PREVIOUS, ind.path) + merged;
      expect(
        [3, 5, 6, 7, 8, 9].map((col) => cell(sheet, row, col)),
        ind.path,
      ).toEqual([now, value('xa-c', PERIOD, ind.path), was, value('so-a', PREVIOUS, ind.path), merged, now - was]);
    }
    const notes = String([...sheet.rows.values()].map((cells) => cells.get(1)).find((v) => String(v).startsWith('Cùng kỳ năm trước')));
    expect(notes.split('\n')).toEqual([
      'Cùng kỳ năm trước: số liệu năm 2024 của các cơ quan, đơn vị nay còn hoạt động, tính theo đơn vị hiện nay.',
      'Số liệu năm 2024 của UBND xã A, UBND xã B được tính vào UBND xã C (sáp nhập từ 01/07/2025).',
    ]);

    // exceljs, another client: the change is a live formula with its cached result.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const ws = wb.getWorksheet(SHEET_NAMES.summary)!;
    const sessions = reportIndicators().find((i) => i.path === 'dissemination.sessions')!;
    const row = rowOf(sessions.label);
    const merged = value('xa-a', PREVIOUS, sessions.path) + value('xa-b', PREVIOUS, sessions.path);
    expect(ws.getCell(row, 8).value).toBe(merged);
    expect(ws.getCell(row, 9).value).toMatchObject({ formula: `C${row}-F${row}` });
    expect(ws.getCell(row, 9).numFmt).toBe('+#,##0;-#,##0;0');

    // The draft compares the totals in one sentence.
    const xml = strFromU8(unzipSync(new Uint8Array(await readFile(join(out, names.docx))))['word/document.xml']!);
    const total = (p: PeriodKey, units: string[]) => units.reduce((s, u) => s + value(u, p, sessions.path), 0);
    const [now, was] = [total(PERIOD, ['so-a', 'xa-c']), total(PREVIOUS, ['so-a', 'xa-a', 'xa-b'])];
    expect(xml).toContain(
      `So với cùng kỳ năm trước (tính theo các cơ quan, đơn vị hiện nay), số hội nghị, buổi phổ biến, quán triệt là ${viNumber(now)} (năm 2024: ${viNumber(was)}`,
    );
  });

  it('the first period with figures has no prior columns: 2024 against an empty 2023', async () => {
    const out = join(dir, 'out-2024');

    const r = await consolidateCommand(
      { period: PREVIOUS, send: false, endpointsFile: join(dir, 'endpoints.json'), outDir: out },
      () => {},
    );

    expect(r).toMatchObject({ outcome: 'preview' });
    const bytes = new Uint8Array(await readFile(join(out, summaryFileNames(PREVIOUS, 1).xlsx)));
    const sheet = readXlsx(guardXlsx(bytes).entries).find((s) => s.name === SHEET_NAMES.summary)!;
    expect(sheet.columnCount).toBe(5);
    expect([...sheet.rows.values()].flatMap((cells) => [...cells.values()]).some((v) => String(v).includes('Cùng kỳ'))).toBe(false);
  });
});
