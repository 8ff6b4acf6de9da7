import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import {
  indicatorValue,
  reportIndicators,
  labelOf,
  reportSchema,
  validateReport,
  type AnnualReport,
  type ReportContext,
  type ValidationIssue,
} from '../../shared/domain/report.js';
import { sampleReport } from '../../shared/domain/sample-report.js';

const UNIT = 'so-y-te';
const PERIOD = '2026';
const ctx: ReportContext = { regime: DEFAULT_REGIME, expected: { unitId: UNIT, period: PERIOD } };

/** A valid report as untyped JSON, the way an upload arrives, so tests can break it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the point: JSON as it arrives, broken freely
type Json = Record<string, any>;
const validJson = (): Json => JSON.parse(JSON.stringify(sampleReport(DEFAULT_REGIME, UNIT, PERIOD))) as Json;

/** The issues of an input expected to be invalid; a failure if it validates. */
function issuesOf(input: unknown, context: ReportContext = ctx): ValidationIssue[] {
  const result = validateReport(input, context);
  if (result.ok) throw new Error('expected the report to be rejected');
  return result.issues;
}
const at = (issues: ValidationIssue[], path: string) => issues.filter((i) => i.path === path);

describe('the sample report', () => {
  it('validates for every unit of the default regime', () => {
    // prepare
    const units = DEFAULT_REGIME.units.map((u) => u.id);
    // act
    const failures = units
      .map((unitId) => ({
        unitId,
        result: validateReport(sampleReport(DEFAULT_REGIME, unitId, PERIOD), {
          regime: DEFAULT_REGIME,
          expected: { unitId, period: PERIOD },
        }),
      }))
      .filter((x) => !x.result.ok);
    // assess
    expect(units).toHaveLength(31);
    expect(failures).toEqual([]);
  });

  it('validates in several variants and periods', () => {
    // prepare
    const cases = ['2019', '2024', '2026'].flatMap((period) => [0, 1, 2, 3].map((variant) => ({ period, variant })));
    // act
    const failures = cases.filter(
      ({ period, variant }) => !validateReport(sampleReport(DEFAULT_REGIME, 'dak-ha', period, variant), { regime: DEFAULT_REGIME }).ok,
    );
    // assess
    expect(failures).toEqual([]);
  });

  it('comes back unchanged from validation', () => {
    // prepare
    const input = validJson();
    // act
    const result = validateReport(input, ctx);
    // assess
    expect(result).toEqual({ ok: true, report: input });
  });
});

describe('cross-field rules', () => {
  it('rejects more petitions resolved than received, at the resolved field', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.petitionsReceived = 10;
    input.planAndSolutions.petitionsResolved = 11;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'planAndSolutions.petitionsResolved', label: 'Số đơn thư đã giải quyết' });
    expect(issues[0]!.message).toContain('không được lớn hơn');
    expect(issues[0]!.message).toContain('(11)');
    expect(issues[0]!.message).toContain('(10)');
  });

  it('accepts as many petitions resolved as received', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.petitionsReceived = 10;
    input.planAndSolutions.petitionsResolved = 10;
    // act
    const result = validateReport(input, ctx);
    // assess
    expect(result.ok).toBe(true);
  });

  it('rejects more comments accepted than received, at the accepted field', () => {
    // prepare
    const input = validJson();
    input.programmes.commentsReceived = 0;
    input.programmes.commentsAccepted = 1;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'programmes.commentsAccepted', label: 'Số ý kiến góp ý đã tiếp thu' });
    expect(issues[0]!.message).toContain('không được lớn hơn');
  });

  it('rejects an issued plan without a number', () => {
    // prepare
    const input = validJson();
    delete input.planAndSolutions.planNumber;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'planAndSolutions.planNumber', label: 'Số hiệu kế hoạch', message: 'Đã ban hành kế hoạch thì phải ghi số hiệu kế hoạch' },
    ]);
  });

  it('rejects an issued plan whose number is only spaces', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planNumber = '   ';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => i.path)).toEqual(['planAndSolutions.planNumber']);
  });

  it('rejects an issued plan without a date', () => {
    // prepare
    const input = validJson();
    delete input.planAndSolutions.planDate;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'planAndSolutions.planDate', label: 'Ngày ban hành kế hoạch', message: 'Đã ban hành kế hoạch thì phải ghi ngày ban hành' },
    ]);
  });

  it('accepts a plan not issued without number or date', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planIssued = false;
    delete input.planAndSolutions.planNumber;
    delete input.planAndSolutions.planDate;
    // act
    const result = validateReport(input, ctx);
    // assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['2025-12-15', 'the first day of the cut-off window'],
    ['2026-12-14', 'the last day of the cut-off window'],
  ])('accepts a plan dated %s, %s', (planDate) => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planDate = planDate;
    // act
    const result = validateReport(input, ctx);
    // assess
    expect(result.ok).toBe(true);
  });

  it.each([
    ['2025-12-14', 'the day before the cut-off window'],
    ['2026-12-15', 'the day after the cut-off window'],
  ])('rejects a plan dated %s, %s', (planDate) => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planDate = planDate;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'planAndSolutions.planDate', label: 'Ngày ban hành kế hoạch' });
    expect(issues[0]!.message).toContain('phải trong kỳ báo cáo (2025-12-15 đến 2026-12-14)');
  });

  it('rejects a plan date that does not exist in the calendar', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planDate = '2026-02-30';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([{ path: 'planAndSolutions.planDate', label: 'Ngày ban hành kế hoạch', message: 'Ngày không tồn tại' }]);
  });

  it('rejects a plan date in another format once, for the format', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.planDate = '18/03/2026';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'planAndSolutions.planDate', label: 'Ngày ban hành kế hoạch', message: 'Ngày phải theo dạng YYYY-MM-DD' },
    ]);
  });
});

describe('the strict schema', () => {
  it('rejects an unknown field at the top level', () => {
    // prepare
    const input = { ...validJson(), bonus: 1 };
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([{ path: '', message: 'Trường không thuộc biểu mẫu: bonus' }]);
  });

  it('rejects an unknown field inside a section, labelled with the section', () => {
    // prepare
    const input = validJson();
    input.emulation.medals = 3;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([{ path: 'emulation', label: 'IV. Thi đua, khen thưởng', message: 'Trường không thuộc biểu mẫu: medals' }]);
  });

  it('rejects an unknown field inside a nested programme', () => {
    // prepare
    const input = validJson();
    input.programmes.plan739.progress = 50;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => [i.path, i.message])).toEqual([['programmes.plan739', 'Trường không thuộc biểu mẫu: progress']]);
  });

  it('rejects a negative count', () => {
    // prepare
    const input = validJson();
    input.dissemination.sessions = -1;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'dissemination.sessions', label: 'Số hội nghị, buổi phổ biến, quán triệt', message: 'Không được nhỏ hơn 0' },
    ]);
  });

  it('rejects a fractional count', () => {
    // prepare
    const input = validJson();
    input.dissemination.mediaItems = 2.5;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'dissemination.mediaItems', label: 'Số tin, bài, phóng sự tuyên truyền', message: 'Phải là số nguyên không âm' },
    ]);
  });

  it('rejects a count given as a string of digits', () => {
    // prepare
    const input = validJson();
    input.emulation.individualsCommended = '12';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'emulation.individualsCommended', label: 'Số cá nhân được khen thưởng', message: 'Phải là số nguyên không âm' },
    ]);
  });

  it('rejects a count above the maximum', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.citizenReceptions = 10_000_001;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => [i.path, i.message])).toEqual([['planAndSolutions.citizenReceptions', 'Không được lớn hơn 10000000']]);
  });

  it('rejects a missing count with "Bắt buộc phải nhập"', () => {
    // prepare
    const input = validJson();
    delete input.programmes.supervisionSessions;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      {
        path: 'programmes.supervisionSessions',
        label: 'Số cuộc giám sát, phản biện xã hội phối hợp với Mặt trận Tổ quốc',
        message: 'Bắt buộc phải nhập',
      },
    ]);
  });

  it('rejects a missing section with "Bắt buộc phải nhập" labelled with the section', () => {
    // prepare
    const input = validJson();
    delete input.dissemination;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([{ path: 'dissemination', label: 'I. Phổ biến, quán triệt', message: 'Bắt buộc phải nhập' }]);
  });

  it('rejects narrative text over 5000 characters, labelled with the field', () => {
    // prepare
    const input = validJson();
    input.narrative.limitations = 'x'.repeat(5001);
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([{ path: 'narrative.limitations', label: 'Hạn chế, nguyên nhân', message: 'Tối đa 5000 ký tự' }]);
  });

  it('accepts narrative text of exactly 5000 characters', () => {
    // prepare
    const input = validJson();
    input.narrative.limitations = 'ạ'.repeat(5000);
    // act
    const result = validateReport(input, ctx);
    // assess
    expect(result.ok).toBe(true);
  });

  it('rejects a programme note over 2000 characters and a plan number over 50', () => {
    // prepare
    const input = validJson();
    input.programmes.plan740.notes = 'x'.repeat(2001);
    input.planAndSolutions.planNumber = '1'.repeat(51);
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => [i.path, i.label, i.message])).toEqual([
      ['planAndSolutions.planNumber', 'Số hiệu kế hoạch', 'Tối đa 50 ký tự'],
      ['programmes.plan740.notes', 'Kế hoạch số 740/KH-UBND (Nghị quyết 19-NQ/TW) — ghi chú', 'Tối đa 2000 ký tự'],
    ]);
  });

  it('rejects an unknown programme status, listing the allowed ones', () => {
    // prepare
    const input = validJson();
    input.programmes.plan739.status = 'DONE';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('programmes.plan739.status');
    expect(issues[0]!.message).toBe('Giá trị phải là một trong: NOT_STARTED, IN_PROGRESS, COMPLETED');
  });

  it("rejects the preparer's bad email and phone in Vietnamese", () => {
    // prepare
    const input = validJson();
    input.preparer.email = 'lan.nguyen';
    input.preparer.phone = 'abc';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'preparer.email', label: 'Email', message: 'Email không hợp lệ' },
      { path: 'preparer.phone', label: 'Điện thoại', message: 'Số điện thoại không hợp lệ' },
    ]);
  });

  it('accepts a signed-document key for the unit and rejects any other shape', () => {
    // prepare
    const good = { ...validJson(), signedDocumentKey: 'signed/2026/so-y-te/0123456789abcdef.pdf' };
    const bad = { ...validJson(), signedDocumentKey: '../etc/passwd' };
    // act
    const results = [validateReport(good, ctx), validateReport(bad, ctx)];
    // assess
    expect(results[0]!.ok).toBe(true);
    expect(results[1]).toEqual({
      ok: false,
      issues: [{ path: 'signedDocumentKey', label: 'Văn bản báo cáo đã ký (PDF)', message: 'Khóa tệp văn bản ký không hợp lệ' }],
    });
  });

  it('rejects a value that is not an object at all', () => {
    // prepare
    const inputs: unknown[] = [null, [], 'báo cáo', 42];
    // act
    const results = inputs.map((i) => validateReport(i, ctx));
    // assess
    for (const r of results) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues).toEqual([{ path: '', message: 'Phải là một nhóm thông tin' }]);
    }
  });
});

describe('the context of the upload', () => {
  it('rejects a report naming another unit than the upload was issued for', () => {
    // prepare
    const input = { ...validJson(), unitId: 'dak-ha' };
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'unitId', label: 'Mã đơn vị', message: 'Báo cáo ghi đơn vị "dak-ha" nhưng đường dẫn nộp là của đơn vị "so-y-te"' },
    ]);
  });

  it('rejects a report naming another period than the upload was issued for', () => {
    // prepare
    const input = validJson();
    input.period = 2025;
    input.planAndSolutions.planDate = '2025-03-01';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      { path: 'period', label: 'Năm báo cáo', message: 'Báo cáo ghi năm 2025 nhưng được nộp cho kỳ báo cáo năm 2026' },
    ]);
  });

  it('rejects a unit that the regime does not know', () => {
    // prepare
    const input = { ...validJson(), unitId: 'so-khong-ton-tai' };
    // act
    const issues = issuesOf(input, { regime: DEFAULT_REGIME });
    // assess
    expect(issues).toEqual([{ path: 'unitId', label: 'Mã đơn vị', message: 'Không có đơn vị mã "so-khong-ton-tai"' }]);
  });

  it('rejects a malformed unit id once, for the format', () => {
    // prepare
    const input = { ...validJson(), unitId: 'Sở Y tế' };
    // act
    const issues = issuesOf(input, { regime: DEFAULT_REGIME });
    // assess
    expect(issues).toEqual([{ path: 'unitId', label: 'Mã đơn vị', message: 'Mã đơn vị không hợp lệ' }]);
  });

  it('rejects an old form version, naming the current one', () => {
    // prepare
    const input = { ...validJson(), formVersion: '2018.1' };
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toEqual([
      {
        path: 'formVersion',
        label: 'Phiên bản biểu mẫu',
        message: 'Biểu mẫu phiên bản 2018.1 không còn dùng; dùng phiên bản 2019.1',
      },
    ]);
  });

  it('accepts any known unit and period when no upload context is given', () => {
    // prepare
    const input = { ...validJson(), unitId: 'kon-plong' };
    // act
    const result = validateReport(input, { regime: DEFAULT_REGIME });
    // assess
    expect(result.ok).toBe(true);
  });
});

describe('reporting every problem at once', () => {
  it('returns three schema problems as three issues', () => {
    // prepare
    const input = validJson();
    input.dissemination.sessions = -1;
    input.emulation.movementsLaunched = 'ba';
    delete input.preparer.name;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => i.path).sort()).toEqual(['dissemination.sessions', 'emulation.movementsLaunched', 'preparer.name']);
  });

  it('returns three cross-field problems as three issues', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.petitionsResolved = input.planAndSolutions.petitionsReceived + 1;
    input.programmes.commentsAccepted = input.programmes.commentsReceived + 1;
    input.planAndSolutions.planDate = '2027-01-02';
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => i.path).sort()).toEqual([
      'planAndSolutions.petitionsResolved',
      'planAndSolutions.planDate',
      'programmes.commentsAccepted',
    ]);
  });

  it('returns schema, cross-field and context problems together', () => {
    // prepare
    const input = validJson();
    input.narrative.results = 'x'.repeat(5001);
    input.planAndSolutions.petitionsResolved = input.planAndSolutions.petitionsReceived + 1;
    input.period = 2025;
    // act
    const issues = issuesOf(input);
    // assess
    expect(at(issues, 'narrative.results')).toHaveLength(1);
    expect(at(issues, 'planAndSolutions.petitionsResolved')).toHaveLength(1);
    expect(at(issues, 'period')).toHaveLength(1);
  });

  it('skips a cross-field rule whose inputs the schema already rejected', () => {
    // prepare
    const input = validJson();
    input.planAndSolutions.petitionsReceived = -5;
    input.planAndSolutions.petitionsResolved = 3;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues.map((i) => [i.path, i.message])).toEqual([['planAndSolutions.petitionsReceived', 'Không được nhỏ hơn 0']]);
  });

  it('gives every issue a path and every field issue its Vietnamese label', () => {
    // prepare
    const input = validJson();
    input.dissemination.participantsWorkers = -3;
    input.planAndSolutions.planNumber = '';
    input.programmes.commentsAccepted = input.programmes.commentsReceived + 2;
    input.narrative.proposals = 7;
    // act
    const issues = issuesOf(input);
    // assess
    expect(issues).toHaveLength(4);
    for (const i of issues) {
      expect(i.path).not.toBe('');
      expect(i.label).toMatch(/[à-ỹĐđ]/u);
      expect(i.label).toBe(labelOf(i.path.split('.')));
    }
  });
});

describe('reportIndicators()', () => {
  it('lists every count of the four sections in form order, with Vietnamese labels', () => {
    // prepare
    const expected = [
      'dissemination.sessions',
      'dissemination.participantsOfficials',
      'dissemination.participantsWorkers',
      'dissemination.mediaItems',
      'dissemination.exemplaryExamples',
      'dissemination.danVanKheoModels',
      'planAndSolutions.democracyRegulations',
      'planAndSolutions.dialogues',
      'planAndSolutions.citizenReceptions',
      'planAndSolutions.petitionsReceived',
      'planAndSolutions.petitionsResolved',
      'planAndSolutions.prolongedOrCrowdCases',
      'planAndSolutions.inspections',
      'planAndSolutions.disciplinedStaff',
      'planAndSolutions.socialPolicySupport',
      'planAndSolutions.villageConventionsReviewed',
      'planAndSolutions.selfManagementModels',
      'programmes.supervisionSessions',
      'programmes.commentsReceived',
      'programmes.commentsAccepted',
      'emulation.movementsLaunched',
      'emulation.collectivesCommended',
      'emulation.individualsCommended',
    ];
    // act
    const paths = reportIndicators().map((i) => i.path);
    // assess
    expect(paths).toEqual(expected);
    expect(reportIndicators().map((i) => `${i.section}.${i.field}`)).toEqual(expected);
  });

  it('labels every indicator in Vietnamese, distinct from the field name and from each other', () => {
    // prepare
    const labels = reportIndicators().map((i) => i.label);
    // act
    const notVietnamese = reportIndicators().filter((i) => i.label === i.field || !/^Số /u.test(i.label));
    // assess
    expect(notVietnamese).toEqual([]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(reportIndicators()[0]!.label).toBe('Số hội nghị, buổi phổ biến, quán triệt');
  });

  it('covers every numeric field the schema declares in the four sections', () => {
    // prepare
    const report = reportSchema().parse(validJson());
    const numericPaths = (['dissemination', 'planAndSolutions', 'programmes', 'emulation'] as const).flatMap((s) =>
      Object.entries(report[s])
        .filter(([, v]) => typeof v === 'number')
        .map(([k]) => `${s}.${k}`),
    );
    // act
    const indicatorPaths = reportIndicators().map((i) => i.path);
    // assess
    expect(indicatorPaths.sort()).toEqual(numericPaths.sort());
  });

  it('reads each indicator value from a report', () => {
    // prepare
    const report: AnnualReport = reportSchema().parse(validJson());
    // act
    const values = reportIndicators().map((i) => indicatorValue(report, i));
    // assess
    expect(values[0]).toBe(report.dissemination.sessions);
    expect(values.at(-1)).toBe(report.emulation.individualsCommended);
    expect(values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });
});
