import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolidateCommand } from '../../local/commands/consolidate.js';
import { LOCAL_BUCKET, type LocalStack } from '../../local/stack.js';
import { setVirtualNow, systemClock } from '../../shared/clock.js';
import { DETAIL_TYPES } from '../../shared/definitions/events.js';
import { SHEET_NAMES } from '../../shared/documents/summary-workbook.js';
import { viNumber } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { GROUP_LABELS } from '../../shared/domain/regime.js';
import type { AnnualReport } from '../../shared/domain/report.js';
import { reportIndicators } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import type { ComplianceStatus } from '../../shared/domain/status.js';
import { summaryFileNames } from '../../shared/email/summary-email.js';
import { issueToken } from '../../shared/use-cases/tokens.js';
import { regimeSet } from '../../shared/domain/regimes.js';
import { uploadJsonReport } from '../support/api.js';
import { startTestStack, stopTestStack, type TestStack } from '../support/test-stack.js';

/**
 * The consolidation on the real emulators through a fresh local stack: a period seeded with real
 * uploads (token → POST /uploads → presigned multipart POST → ingest → compliance), then
 * `consolidate --send` through the CLI command and POST /summaries.
 */
const regime = DEFAULT_REGIME;
const PERIOD = 2026;
/** The period's key (ports, the CLI, file names): the bare year for the deployment's main regime. */
const KEY = '2026';
const PROVINCE = ['so-tu-phap', 'so-y-te', 'thanh-tra'];
const DISTRICT = ['dak-ha', 'kon-ray'];
const LATE_UNIT = 'ngoc-hoi';
const LEADER = regime.leadership[0]!.email;

let t: TestStack | undefined;
let dir: string;
let stack: LocalStack;
let tables: TestStack['tables'];
let s3: S3Client;

interface SesEmail {
  subject: string;
  destination: { to: string[]; cc: string[] };
  attachments: { filename?: string; contentType: string; size: number; content: string }[];
}

async function summaryEmails(): Promise<SesEmail[]> {
  const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: SesEmail[] };
  return store.emails.filter((e) => e.destination.to.some((t) => t.includes(LEADER)) && e.subject.includes('Tổng hợp kết quả'));
}

async function upload(unitId: string, report: AnnualReport): Promise<void> {
  const { token } = await issueToken({ tokens: tables.tokens, clock: systemClock, regimes: regimeSet(regime) }, { unitId });
  await uploadJsonReport(stack.endpoints.app, token, unitId, KEY, report);
}

/** Bounded polling until every unit has the status, then the bus settles (receipts). */
async function waitForStatus(units: string[], status: ComplianceStatus, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await tables.statuses.list(KEY);
    if (units.every((u) => items.some((i) => i.unitId === u && i.status === status))) break;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${units.join(', ')} → ${status}: ${JSON.stringify(items.map((i) => [i.unitId, i.status]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stack.bus.idle();
}

const consolidateArgs = (send: boolean, out?: string) => ({
  period: KEY,
  send,
  endpointsFile: join(dir, 'endpoints.json'),
  ...(out ? { outDir: out } : {}),
});

/** The sum of one indicator over the sample reports uploaded, computed here from the reports themselves. */
function expectedTotals(path: string, province: string[], district: string[]) {
  const [section, field] = path.split('.') as [keyof AnnualReport, string];
  const value = (u: string) => (sampleReport(regime, u, KEY)[section] as unknown as Record<string, number>)[field]!;
  const p = province.reduce((s, u) => s + value(u), 0);
  const d = district.reduce((s, u) => s + value(u), 0);
  return { total: p + d, province: p, district: d };
}

/** The summary function as Lambda runs it (imported after the stack has set the environment), for the schedule's payload. */
async function summaryFunction(): Promise<(event: unknown) => Promise<unknown>> {
  const { handler } = await import('../../functions/summary/handler.js');
  return (event) => handler(event);
}

const cellNumber = (v: ExcelJS.CellValue): number | undefined =>
  typeof v === 'number' ? v : v && typeof v === 'object' && 'result' in v && typeof v.result === 'number' ? v.result : undefined;

beforeAll(async () => {
  // A fixed virtual date inside the reporting window (opens 1 Nov, due 18 Dec 2026), whatever today is.
  t = await startTestStack('summary', new Date('2026-12-01T03:00:00Z'), { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 } });
  ({ stack, tables, s3, dir } = t);

  for (const unitId of [...PROVINCE, ...DISTRICT]) await upload(unitId, sampleReport(regime, unitId, KEY));
  await waitForStatus([...PROVINCE, ...DISTRICT], 'ON_TIME');
});

afterAll(() => stopTestStack(t));

describe('annual consolidation on the local stack', () => {
  it('consolidate --send: the workbook has the totals in the right cells, the draft opens, the email carries both files', async () => {
    const lines: string[] = [];
    const out = join(dir, 'out-v1');

    const r = await consolidateCommand(consolidateArgs(true, out), (l) => lines.push(l));

    expect(r).toMatchObject({ outcome: 'published', version: 1, sent: true });
    const names = summaryFileNames(KEY, 1);
    expect(r.keys).toEqual({ xlsx: `summaries/2026/v1/${names.xlsx}`, docx: `summaries/2026/v1/${names.docx}` });
    for (const key of Object.values(r.keys)) await s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
    expect(lines.join('\n')).toContain(`đã báo cáo 5/${regime.units.length}`);
    expect(lines.join('\n')).toContain('UBND huyện Ngọc Hồi — Chưa nộp');
    expect(r.written.map((p) => p.split('/').pop())).toEqual([names.xlsx, names.docx]);

    // Workbook, read back from the file the CLI downloaded through the presigned link.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(join(out, names.xlsx))) as unknown as ExcelJS.Buffer);
    const summary = wb.getWorksheet(SHEET_NAMES.summary)!;
    expect([summary.getCell('C3').value, summary.getCell('D3').value, summary.getCell('E3').value]).toEqual([
      'Tổng cộng',
      GROUP_LABELS.province,
      GROUP_LABELS.district,
    ]);
    expect([summary.getCell('C4').value, summary.getCell('D4').value, summary.getCell('E4').value]).toEqual([5, 3, 2]);
    const byUnit = wb.getWorksheet(SHEET_NAMES.byUnit)!;
    let totalRow = 0;
    byUnit.eachRow((row, n) => {
      if (row.getCell(1).value === 'Tổng cộng') totalRow = n;
    });
    expect(totalRow).toBe(5 + regime.units.length);

    for (const path of ['dissemination.sessions', 'planAndSolutions.petitionsReceived', 'emulation.individualsCommended']) {
      const ind = reportIndicators().find((i) => i.path === path)!;
      const want = expectedTotals(path, PROVINCE, DISTRICT);
      let row = 0;
      summary.eachRow((r, n) => {
        if (r.getCell(2).value === ind.label) row = n;
      });
      expect(row, `row of ${ind.label}`).toBeGreaterThan(4);
      expect([summary.getCell(row, 3).value, summary.getCell(row, 4).value, summary.getCell(row, 5).value]).toEqual([
        want.total,
        want.province,
        want.district,
      ]);

      const col = 5 + reportIndicators().findIndex((i) => i.path === path);
      expect(byUnit.getCell(4, col).value).toBe(ind.label);
      expect(cellNumber(byUnit.getCell(totalRow, col).value)).toBe(want.total);
      expect(cellNumber(byUnit.getCell(totalRow + 1, col).value)).toBe(want.province);
      expect(cellNumber(byUnit.getCell(totalRow + 2, col).value)).toBe(want.district);
    }

    // The draft: a real .docx whose document.xml has the title and a consolidated figure.
    const xml = strFromU8(unzipSync(new Uint8Array(await readFile(join(out, names.docx))))['word/document.xml']!);
    expect(xml).toContain('BÁO CÁO');
    expect(xml).toContain(`năm ${PERIOD}`);
    expect(xml).toContain(`đã tổ chức ${viNumber(expectedTotals('dissemination.sessions', PROVINCE, DISTRICT).total)} hội nghị`);
    expect(xml).toContain(`tiếp nhận ${viNumber(expectedTotals('planAndSolutions.petitionsReceived', PROVINCE, DISTRICT).total)} đơn thư`);

    // The email, as SES received it: to the leadership, both files attached.
    const emails = await summaryEmails();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).not.toContain('bản cập nhật');
    expect(emails[0]!.attachments.map((a) => a.filename).sort()).toEqual([names.docx, names.xlsx].sort());
    expect(emails[0]!.attachments.every((a) => a.size > 1000)).toBe(true);

    await stack.bus.idle();
    const published = stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.summaryPublished);
    expect(published.map((p) => p.event.detail)).toEqual([{ period: PERIOD, version: 1, hash: r.hash, keys: r.keys, sent: true }]);
  });

  it('re-running with the same data sends nothing, nor does a preview', async () => {
    const r = await consolidateCommand(consolidateArgs(true), () => {});

    const preview = await consolidateCommand(consolidateArgs(false), () => {});

    expect(r).toMatchObject({ outcome: 'unchanged', version: 1, sent: false });
    expect(preview).toMatchObject({ outcome: 'preview', version: 1, changed: false, sent: false });
    expect(preview.keys.xlsx).toMatch(/^summaries\/2026\/preview\//);
    expect(await summaryEmails()).toHaveLength(1);
    await stack.bus.idle();
    expect(stack.bus.published.filter((p) => p.event['detail-type'] === DETAIL_TYPES.summaryPublished)).toHaveLength(1);
  });

  it('a late report, then re-running, sends v2 marked "bản cập nhật"', async () => {
    setVirtualNow(new Date('2026-12-21T02:00:00Z'));
    await upload(LATE_UNIT, sampleReport(regime, LATE_UNIT, KEY));
    await waitForStatus([LATE_UNIT], 'LATE');
    const lines: string[] = [];

    const r = await consolidateCommand(consolidateArgs(true), (l) => lines.push(l));

    expect(r).toMatchObject({ outcome: 'published', version: 2, sent: true });
    expect(r.keys.xlsx).toBe(`summaries/2026/v2/${summaryFileNames(KEY, 2).xlsx}`);
    const want = expectedTotals('dissemination.sessions', PROVINCE, [...DISTRICT, LATE_UNIT]);
    expect(r.indicators.find((i) => i.path === 'dissemination.sessions')).toMatchObject(want);
    expect(lines.join('\n')).toContain('bản cập nhật');
    const emails = await summaryEmails();
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toContain('bản cập nhật số 2');
    expect(emails[1]!.attachments.map((a) => a.filename).sort()).toEqual(Object.values(summaryFileNames(KEY, 2)).sort());
  });

  it('the AnnualSummary schedule payload consolidates the current period of the regime and sends only what changed', async () => {
    const summary = await summaryFunction();

    const r = await summary({ job: 'annual-summary' });

    expect(r).toMatchObject({ outcome: 'unchanged', period: PERIOD, version: 2, sent: false });
    expect(await summaryEmails()).toHaveLength(2);
  });

  it('POST /summaries needs the admin token and a valid body', async () => {
    const noToken = await fetch(`${stack.endpoints.app}/summaries`, { method: 'POST', body: JSON.stringify({ period: PERIOD }) });
    expect(noToken.status).toBe(401);
    const post = (body: unknown) =>
      fetch(`${stack.endpoints.app}/summaries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.endpoints.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // A body of the wrong shape (no period at all), then a period id the regime's periodicity cannot name (a quarter of an annual regime).
    const bad = await post({ period: 'năm nay' });
    const notAPeriod = await post({ period: '2026-Q3' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect(notAPeriod.status).toBe(400);
    expect(((await notAPeriod.json()) as { error: { code: string } }).error.code).toBe('INVALID_PERIOD');
  });
});
