import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { consolidate, type Consolidation, type ConsolidationRow } from '../../shared/domain/consolidation.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { GROUP_LABELS, parseRegime, type Regime } from '../../shared/domain/regime.js';
import { reportIndicators, type AnnualReport } from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';
import { bodySymbol, buildSummaryDocx, parentBodyHeading, receivingBodyShort } from '../../shared/documents/summary-docx.js';
import { SHEET_NAMES, buildSummaryWorkbook } from '../../shared/documents/summary-workbook.js';
import { summaryAttachments, summaryEmail } from '../../shared/email/summary-email.js';

const HOSTILE = '<script>alert("x")</script> & Co';

/** 3 provincial + 2 district units; one district unit has a hostile name and has not reported. */
const unit = (id: string, name: string, group: 'province' | 'district') => ({
  id,
  name,
  group,
  email: `vanthu.${id}@kontum.gov.example`,
  validFrom: 2019,
});
const regime: Regime = parseRegime({
  ...DEFAULT_REGIME,
  units: [
    unit('so-a', 'Sở A', 'province'),
    unit('so-b', 'Sở B', 'province'),
    unit('so-c', 'Sở C', 'province'),
    unit('huyen-x', 'UBND huyện X', 'district'),
    unit('huyen-y', HOSTILE, 'district'),
  ],
});

function report(unitId: string, base: number, over: Record<string, number>, proposals = ''): AnnualReport {
  const r = structuredClone(sampleReport(regime, unitId, '2026'));
  for (const ind of reportIndicators()) (r[ind.section] as Record<string, unknown>)[ind.field] = over[ind.path] ?? base;
  r.narrative = { results: '', limitations: 'Đối thoại chưa thường xuyên.', proposals };
  return r;
}

const rows: ConsolidationRow[] = [
  {
    unitId: 'so-a',
    status: 'ON_TIME',
    firstValidAt: '2026-12-10T03:00:00Z',
    versions: 1,
    report: report(
      'so-a',
      1,
      { 'dissemination.sessions': 60, 'dissemination.participantsOfficials': 1200 },
      'Đề nghị tăng cường tập huấn.',
    ),
  },
  {
    unitId: 'so-b',
    status: 'LATE',
    firstValidAt: '2026-12-19T02:30:00Z',
    versions: 3,
    report: report('so-b', 2, { 'dissemination.sessions': 40, 'dissemination.participantsOfficials': 2467 }),
  },
  {
    unitId: 'huyen-x',
    status: 'ON_TIME',
    firstValidAt: '2026-12-15T09:00:00Z',
    versions: 2,
    report: report('huyen-x', 3, { 'dissemination.sessions': 23, 'dissemination.participantsOfficials': 900 }, 'Đề nghị bổ sung kinh phí.'),
  },
];
const now = new Date('2026-12-20T01:00:00Z'); // 08:00 on 20 Dec, Kon Tum time
const c: Consolidation = consolidate({ regime, period: '2026', now, rows });

const SESSIONS = reportIndicators().find((i) => i.path === 'dissemination.sessions')!.label;
const OFFICIALS = reportIndicators().find((i) => i.path === 'dissemination.participantsOfficials')!.label;

const rowValues = (ws: ExcelJS.Worksheet, r: number) => (ws.getRow(r).values as unknown[]).slice(1);
function findRow(ws: ExcelJS.Worksheet, col: number, text: string): number {
  let found = -1;
  ws.eachRow((row, n) => {
    if (found < 0 && row.getCell(col).value === text) found = n;
  });
  if (found < 0) throw new Error(`no row with "${text}" in column ${col} of ${ws.name}`);
  return found;
}

describe('summary workbook', () => {
  let wb: ExcelJS.Workbook;
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new Error(`missing sheet ${name}`);
    return ws;
  };

  beforeAll(async () => {
    const bytes = await buildSummaryWorkbook(c, regime);
    expect(bytes).toBeInstanceOf(Uint8Array);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  });

  it('has the four sheets with their exact names, in order', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp', 'Theo đơn vị', 'Tình hình nộp báo cáo', 'Kiến nghị']);
    expect(Object.values(SHEET_NAMES)).toEqual(wb.worksheets.map((w) => w.name));
  });

  it('every sheet: a title naming the period, a bold frozen header, A4 landscape fitted to width', () => {
    for (const [name, headerRow] of [
      [SHEET_NAMES.summary, 3],
      [SHEET_NAMES.byUnit, 4],
      [SHEET_NAMES.compliance, 3],
      [SHEET_NAMES.proposals, 3],
    ] as const) {
      const ws = sheet(name);
      expect(String(ws.getCell('A1').value)).toContain('NĂM 2026');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow });
      expect(ws.getCell(3, 2).font?.bold).toBe(true);
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    }
    expect(sheet(SHEET_NAMES.byUnit).views[0]).toMatchObject({ xSplit: 2 });
  });

  it('"Tổng hợp": indicators × total and groups, under the section labels', () => {
    const ws = sheet(SHEET_NAMES.summary);
    expect(rowValues(ws, 3)).toEqual(['STT', 'Chỉ tiêu', 'Tổng cộng', GROUP_LABELS.province, GROUP_LABELS.district]);
    for (const label of [
      'I. Phổ biến, quán triệt',
      'II. Kế hoạch và giải pháp nâng cao hiệu quả công tác dân vận',
      'IV. Thi đua, khen thưởng',
    ])
      findRow(ws, 1, label);
    // Sessions: 60 + 40 = 100 province, 23 district, 123 in all.
    const r = findRow(ws, 2, SESSIONS);
    expect([ws.getCell(r, 3).value, ws.getCell(r, 4).value, ws.getCell(r, 5).value]).toEqual([123, 100, 23]);
    expect(ws.getCell(r, 3).numFmt).toBe('#,##0');
    // Participants: 1,200 + 2,467 = 3,667 province, 900 district, 4,567 in all.
    const p = findRow(ws, 2, OFFICIALS);
    expect([ws.getCell(p, 3).value, ws.getCell(p, 4).value, ws.getCell(p, 5).value]).toEqual([4567, 3667, 900]);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(30);
  });

  it('"Theo đơn vị": one row per unit, one column per indicator, SUM totals whose cached results are the totals', () => {
    const ws = sheet(SHEET_NAMES.byUnit);
    expect(rowValues(ws, 3).slice(0, 4)).toEqual(['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Tình trạng báo cáo']);
    expect(ws.getCell(4, 5).value).toBe(SESSIONS); // first indicator column is E
    expect(ws.getCell(4, 4 + reportIndicators().length).value).toBe(reportIndicators().at(-1)!.label);
    // Units on rows 5..9, province first.
    expect([5, 6, 7, 8, 9].map((r) => ws.getCell(r, 2).value)).toEqual(['Sở A', 'Sở B', 'Sở C', 'UBND huyện X', HOSTILE]);
    expect(ws.getCell(5, 5).value).toBe(60);
    expect(ws.getCell(7, 5).value).toBeNull(); // Sở C has not reported
    expect(ws.getCell(7, 4).value).toBe('Quá hạn, chưa nộp');
    // Totals row 10: E = SUM(E5:E9) = 60 + 40 + 23 = 123; F (participants) = 4,567.
    expect(ws.getCell(10, 1).value).toBe('Tổng cộng');
    expect(ws.getCell(10, 5).value).toEqual({ formula: 'SUM(E5:E9)', result: 123 });
    expect(ws.getCell(10, 6).value).toEqual({ formula: 'SUM(F5:F9)', result: 4567 });
    // Group subtotals with SUMIF on the group column.
    expect(ws.getCell(11, 5).value).toEqual({ formula: `SUMIF($C$5:$C$9,"${GROUP_LABELS.province}",E5:E9)`, result: 100 });
    expect(ws.getCell(12, 5).value).toEqual({ formula: `SUMIF($C$5:$C$9,"${GROUP_LABELS.district}",E5:E9)`, result: 23 });
  });

  it('"Tình hình nộp báo cáo": status in Vietnamese, local submission time, on time or late, versions, rates as percentages', () => {
    const ws = sheet(SHEET_NAMES.compliance);
    expect(rowValues(ws, 3).slice(0, 7)).toEqual([
      'STT',
      'Tên cơ quan, đơn vị',
      'Nhóm',
      'Tình trạng',
      'Thời điểm gửi báo cáo hợp lệ (giờ địa phương)',
      'Đúng hạn / Trễ hạn',
      'Số lần gửi',
    ]);
    const b = findRow(ws, 2, 'Sở B');
    expect(ws.getCell(b, 4).value).toBe('Trễ hạn');
    // 02:30 UTC on 19 Dec is 09:30 in Kon Tum (UTC+7): Excel shows the wall clock.
    expect((ws.getCell(b, 5).value as Date).toISOString()).toBe('2026-12-19T09:30:00.000Z');
    expect(ws.getCell(b, 6).value).toBe('Trễ hạn');
    expect(ws.getCell(b, 7).value).toBe(3);
    expect(ws.getCell(findRow(ws, 2, 'Sở A'), 6).value).toBe('Đúng hạn');
    // Rates: 3 of 5 reported (60%), 2 on time (40%); province 2/3, district 1/2.
    const rate = findRow(ws, 2, 'Tỷ lệ báo cáo (đã báo cáo / phải báo cáo)');
    expect([ws.getCell(rate, 3).value, ws.getCell(rate, 4).value, ws.getCell(rate, 5).value]).toEqual([0.6, 0.6667, 0.5]);
    expect(ws.getCell(rate, 3).numFmt).toBe('0.0%');
    const onTime = findRow(ws, 2, 'Tỷ lệ báo cáo đúng hạn (đúng hạn / phải báo cáo)');
    expect(ws.getCell(onTime, 3).value).toBe(0.4);
  });

  it('"Kiến nghị": the units\' proposals', () => {
    const ws = sheet(SHEET_NAMES.proposals);
    expect(rowValues(ws, 3)).toEqual(['STT', 'Tên cơ quan, đơn vị', 'Nhóm', 'Kiến nghị, đề xuất']);
    expect(rowValues(ws, 4)).toEqual([1, 'Sở A', GROUP_LABELS.province, 'Đề nghị tăng cường tập huấn.']);
    expect(rowValues(ws, 5)).toEqual([2, 'UBND huyện X', GROUP_LABELS.district, 'Đề nghị bổ sung kinh phí.']);
  });
});

describe('summary draft (.docx)', () => {
  let xml: string;
  let styles: string;
  beforeAll(async () => {
    const files = unzipSync(await buildSummaryDocx(c, regime));
    xml = strFromU8(files['word/document.xml']!);
    styles = strFromU8(files['word/styles.xml']!);
  });

  it('has the administrative header, title and year', () => {
    for (const s of [
      'UBND TỈNH KON TUM',
      'SỞ NỘI VỤ',
      'Số: ……/BC-SNV',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Kon Tum, ngày …… tháng …… năm 2026',
      '>BÁO CÁO<',
      'Kết quả thực hiện công tác dân vận chính quyền năm 2026',
    ])
      expect(xml).toContain(s);
  });

  it('says it is a draft, and not an update unless asked', () => {
    expect(xml).toContain('DỰ THẢO');
    expect(xml).toContain('để Sở Nội vụ biên tập');
    expect(xml).not.toContain('bản cập nhật');
  });

  it('writes the figures as Vietnamese sentences with "." thousands', () => {
    expect(xml).toContain(
      'Các cơ quan, đơn vị đã tổ chức 123 hội nghị, buổi phổ biến, quán triệt với 4.567 lượt cán bộ, công chức, viên chức tham dự',
    );
    // The table by group: participants 3.667 (province) and 900 (district).
    expect(xml).toContain('>3.667<');
    expect(xml).toContain(`>${GROUP_LABELS.district}<`);
  });

  it('reports compliance, limitations, proposals, recipients and signature', () => {
    expect(xml).toContain('có 3/5 cơ quan, đơn vị đã gửi báo cáo (đạt 60,0%)');
    expect(xml).toContain('Sở C (quá hạn, chưa nộp)');
    expect(xml).toContain('Đối thoại chưa thường xuyên.');
    expect(xml).toContain('Đề nghị bổ sung kinh phí.');
    expect(xml).toContain('Nơi nhận:');
    for (const l of regime.leadership) expect(xml).toContain(`- ${l.name};`);
    expect(xml).toContain('- Lưu: VT.');
    expect(xml).toContain('GIÁM ĐỐC');
  });

  it('uses Times New Roman', () => {
    expect(xml).toContain('w:ascii="Times New Roman"');
    expect(styles).toContain('Times New Roman');
  });

  it('escapes a hostile unit name', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
  });

  it('marks an update', async () => {
    const updated = strFromU8(unzipSync(await buildSummaryDocx(c, regime, { updateOf: 1 }))['word/document.xml']!);
    expect(updated).toContain('bản cập nhật, thay thế bản tổng hợp lần 1');
  });

  it("names the groups as the regime does (a two-tier province's commune-level committees)", async () => {
    const twoTier = { ...regime, groupLabels: { province: 'Sở, ngành tỉnh', district: 'UBND các xã, phường' } };
    const docx = strFromU8(unzipSync(await buildSummaryDocx(c, twoTier))['word/document.xml']!);
    expect(docx).toContain('>UBND các xã, phường<');
    expect(docx).toContain('UBND các xã, phường: ');
    expect(docx).not.toContain(GROUP_LABELS.district);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await buildSummaryWorkbook(c, twoTier)) as unknown as ArrayBuffer);
    const cells = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String));
    expect(cells).toContain('UBND các xã, phường');
    expect(cells.some((v) => v.includes(GROUP_LABELS.district))).toBe(false);
  });

  it('derives the header names from the regime', () => {
    expect(parentBodyHeading(regime)).toBe('UBND TỈNH KON TUM');
    expect(receivingBodyShort(regime)).toBe('Sở Nội vụ');
    expect(bodySymbol(regime)).toBe('SNV');
  });
});

describe('summary email', () => {
  it('has the subject tag, and marks an update by its number', () => {
    expect(summaryEmail(c, regime, { version: 1, isUpdate: false }).subject).toBe(
      '[Báo cáo dân vận chính quyền năm 2026] Tổng hợp kết quả',
    );
    expect(summaryEmail(c, regime, { version: 2, isUpdate: true }).subject).toBe(
      '[Báo cáo dân vận chính quyền năm 2026] Tổng hợp kết quả (bản cập nhật số 2)',
    );
  });

  it('shows key figures, rates and the units not reported, in HTML and text', () => {
    const e = summaryEmail(c, regime, { version: 1, isUpdate: false, appUrl: 'https://baocao.example/' });
    expect(e.html).toContain('4.567');
    expect(e.html).toContain('60,0%');
    expect(e.html).toContain('Sở C');
    expect(e.html).toContain('vanthu.so-c@kontum.gov.example');
    expect(e.html).toContain('href="https://baocao.example/"');
    expect(e.text).toContain('Toàn tỉnh: đã báo cáo 3/5 (60,0%), đúng hạn 2 (40,0%)');
    expect(e.text).toContain('- Sở C — Quá hạn, chưa nộp (vanthu.so-c@kontum.gov.example)');
  });

  it('escapes a hostile unit name and drops a non-http link', () => {
    const e = summaryEmail(c, regime, { version: 1, isUpdate: false, appUrl: 'javascript:alert(1)' });
    expect(e.html).not.toContain('<script>');
    expect(e.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(e.html).not.toContain('javascript:');
  });

  it('keeps the subject on one line even with CR/LF in the regime name', () => {
    const evil = parseRegime({ ...regime, name: 'Báo cáo kết quả thực hiện công tác X\r\nBcc: attacker@evil.example' });
    const e = summaryEmail(consolidate({ regime: evil, period: '2026', now, rows }), evil, { version: 3, isUpdate: true });
    expect(e.subject).not.toMatch(/[\r\n]/);
    expect(e.subject).toContain('(bản cập nhật số 3)');
  });

  it('names the two attachments with their content types', () => {
    const a = summaryAttachments({ xlsx: new Uint8Array([1]), docx: new Uint8Array([2]) }, '2026', 2);
    expect(a.map((x) => x.filename)).toEqual(['tong-hop-bao-cao-2026-v2.xlsx', 'du-thao-bao-cao-chung-2026-v2.docx']);
    expect(a[0]!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(a[1]!.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });
});
