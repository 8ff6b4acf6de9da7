import { describe, expect, it } from 'vitest';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import type { ValidationIssue } from '../../shared/domain/report.js';
import {
  computeRates,
  deriveStatus,
  effectiveDueAt,
  ratesByGroup,
  STATUSES,
  summarizeFacts,
  type ComplianceStatus,
  type ExtensionFact,
  type ReviewFact,
  type StatusFacts,
  type VersionFact,
} from '../../shared/domain/status.js';

const PERIOD = '2026';
/** 1 Nov 2026 00:00 in Asia/Ho_Chi_Minh. */
const OPENS = '2026-10-31T17:00:00.000Z';
/** The last millisecond of 18 Dec 2026 in Asia/Ho_Chi_Minh. */
const DUE = '2026-12-18T16:59:59.999Z';
/** The first millisecond after the deadline. */
const AFTER_DUE = '2026-12-18T17:00:00.000Z';
const LONG_AFTER = '2027-02-01T00:00:00.000Z';

const bad = (message: string): ValidationIssue[] => [
  { path: 'dissemination.sessions', message, label: 'Số hội nghị, buổi phổ biến, quán triệt' },
];
const valid = (uploadId: string, receivedAt: string): VersionFact => ({ uploadId, receivedAt, valid: true, reasons: [] });
const invalid = (uploadId: string, receivedAt: string, reasons = bad('Không được nhỏ hơn 0')): VersionFact => ({
  uploadId,
  receivedAt,
  valid: false,
  reasons,
});
const returnReview = (reviewId: string, at: string, uploadId: string, reason?: string): ReviewFact => ({
  reviewId,
  at,
  decision: 'RETURN',
  uploadId,
  ...(reason === undefined ? {} : { reason }),
});
const extension = (until: string): ExtensionFact => ({ until, reason: 'Thiên tai', grantedAt: '2026-12-15T02:00:00.000Z' });

/** Status of the 2026 period in the default regime for the given facts at `now`. */
function statusOf(now: string, versions: VersionFact[] = [], reviews: ReviewFact[] = [], ext?: ExtensionFact): ComplianceStatus {
  return deriveStatus(summarizeFacts(versions, reviews, ext), { regime: DEFAULT_REGIME, period: PERIOD, now: new Date(now) });
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('deriveStatus before the period opens and while it is open', () => {
  it('is NOT_OPEN until 1 Nov local time and PENDING from its first millisecond', () => {
    // prepare
    const justBefore = '2026-10-31T16:59:59.999Z';
    // act
    const statuses = [statusOf(justBefore), statusOf(OPENS)];
    // assess
    expect(statuses).toEqual(['NOT_OPEN', 'PENDING']);
  });

  it('stays PENDING through the last millisecond of the deadline day', () => {
    // prepare
    const now = DUE;
    // act
    const status = statusOf(now);
    // assess
    expect(status).toBe('PENDING');
  });

  it('is REJECTED before the deadline when only invalid uploads have arrived', () => {
    // prepare
    const versions = [invalid('u1', '2026-12-01T03:00:00.000Z'), invalid('u2', '2026-12-02T03:00:00.000Z')];
    // act
    const status = statusOf('2026-12-05T00:00:00.000Z', versions);
    // assess
    expect(status).toBe('REJECTED');
  });
});

describe('deriveStatus after the deadline with nothing valid', () => {
  it('is OVERDUE from the first millisecond after 18 Dec local time', () => {
    // prepare
    const now = AFTER_DUE;
    // act
    const status = statusOf(now);
    // assess
    expect(status).toBe('OVERDUE');
  });

  it('is OVERDUE when only invalid uploads arrived, before or after the deadline', () => {
    // prepare
    const versions = [invalid('u1', '2026-12-10T03:00:00.000Z'), invalid('u2', '2026-12-20T03:00:00.000Z')];
    // act
    const status = statusOf(LONG_AFTER, versions);
    // assess
    expect(status).toBe('OVERDUE');
  });
});

describe('timeliness decided by the first valid version', () => {
  it('is ON_TIME for a first valid version received at the last millisecond of 18 Dec', () => {
    // prepare
    const versions = [valid('u1', DUE)];
    // act
    const status = statusOf(LONG_AFTER, versions);
    // assess
    expect(status).toBe('ON_TIME');
  });

  it('is LATE for a first valid version received one millisecond after the deadline', () => {
    // prepare
    const versions = [valid('u1', AFTER_DUE)];
    // act
    const status = statusOf(LONG_AFTER, versions);
    // assess
    expect(status).toBe('LATE');
  });

  it('is ON_TIME as soon as a valid version arrives, before the deadline has passed', () => {
    // prepare
    const versions = [valid('u1', '2026-11-20T02:00:00.000Z')];
    // act
    const status = statusOf('2026-11-20T02:00:01.000Z', versions);
    // assess
    expect(status).toBe('ON_TIME');
  });

  it('stays ON_TIME when later valid versions arrive after the deadline', () => {
    // prepare
    const versions = [valid('u1', '2026-12-10T02:00:00.000Z'), valid('u2', '2026-12-22T02:00:00.000Z')];
    // act
    const status = statusOf(LONG_AFTER, versions);
    // assess
    expect(status).toBe('ON_TIME');
  });

  it('stays ON_TIME when a later upload is invalid', () => {
    // prepare
    const versions = [valid('u1', '2026-12-10T02:00:00.000Z'), invalid('u2', '2026-12-11T02:00:00.000Z')];
    // act
    const status = statusOf('2026-12-12T00:00:00.000Z', versions);
    // assess
    expect(status).toBe('ON_TIME');
  });

  it('is LATE when the uploads before the deadline were all invalid', () => {
    // prepare
    const versions = [
      invalid('u1', '2026-12-10T02:00:00.000Z'),
      valid('u2', '2026-12-19T02:00:00.000Z'),
      valid('u3', '2026-12-20T02:00:00.000Z'),
    ];
    // act
    const facts = summarizeFacts(versions, []);
    const status = statusOf(LONG_AFTER, versions);
    // assess
    expect(facts.firstValidUploadId).toBe('u2');
    expect(facts.latestValidUploadId).toBe('u3');
    expect(status).toBe('LATE');
  });
});

describe('a report returned for revision', () => {
  const v1 = valid('u1', '2026-12-10T02:00:00.000Z');
  const returned = returnReview('r1', '2026-12-12T02:00:00.000Z', 'u1', 'Số liệu mục II chưa khớp với báo cáo quý');

  it('is RETURNED after a RETURN review, before and after the deadline', () => {
    // prepare
    const versions = [v1];
    // act
    const statuses = [statusOf('2026-12-13T00:00:00.000Z', versions, [returned]), statusOf(LONG_AFTER, versions, [returned])];
    // assess
    expect(statuses).toEqual(['RETURNED', 'RETURNED']);
  });

  it("carries the review's reason as the facts' reasons", () => {
    // prepare
    const versions = [v1];
    // act
    const facts = summarizeFacts(versions, [returned]);
    // assess
    expect(facts.returnedAt).toBe(returned.at);
    expect(facts.reasons).toEqual([{ path: '', message: 'Số liệu mục II chưa khớp với báo cáo quý' }]);
  });

  it('stays RETURNED when only an invalid version arrives after the review', () => {
    // prepare
    const versions = [v1, invalid('u2', '2026-12-13T02:00:00.000Z')];
    // act
    const status = statusOf('2026-12-14T00:00:00.000Z', versions, [returned]);
    // assess
    expect(status).toBe('RETURNED');
  });

  it('returns to ON_TIME by the first valid version when a newer valid version arrives, even after the deadline', () => {
    // prepare
    const versions = [v1, valid('u2', '2026-12-22T02:00:00.000Z')];
    // act
    const facts = summarizeFacts(versions, [returned]);
    const status = statusOf(LONG_AFTER, versions, [returned]);
    // assess
    expect(facts.returnedAt).toBeUndefined();
    expect(facts.reasons).toEqual([]);
    expect(status).toBe('ON_TIME');
  });

  it('returns to LATE when the first valid version was late', () => {
    // prepare
    const lateV1 = valid('u1', '2026-12-19T02:00:00.000Z');
    const review = returnReview('r1', '2026-12-20T02:00:00.000Z', 'u1');
    const versions = [lateV1, valid('u2', '2026-12-21T02:00:00.000Z')];
    // act
    const whileReturned = statusOf('2026-12-20T03:00:00.000Z', [lateV1], [review]);
    const afterRevision = statusOf(LONG_AFTER, versions, [review]);
    // assess
    expect(whileReturned).toBe('RETURNED');
    expect(afterRevision).toBe('LATE');
  });

  it('uses a default Vietnamese reason when the review gave none', () => {
    // prepare
    const review = returnReview('r1', '2026-12-12T02:00:00.000Z', 'u1');
    // act
    const facts = summarizeFacts([v1], [review]);
    // assess
    expect(facts.reasons).toEqual([{ path: '', message: 'Sở Nội vụ trả lại báo cáo để chỉnh sửa' }]);
  });

  it('is no longer RETURNED once a later review accepts it', () => {
    // prepare
    const accept: ReviewFact = { reviewId: 'r2', at: '2026-12-13T02:00:00.000Z', decision: 'ACCEPT', uploadId: 'u1' };
    // act
    const status = statusOf('2026-12-14T00:00:00.000Z', [v1], [returned, accept]);
    // assess
    expect(status).toBe('ON_TIME');
  });
});

describe('an extension of the deadline', () => {
  const ext = extension('2026-12-25');

  it('makes a first valid version after the original deadline ON_TIME', () => {
    // prepare
    const versions = [valid('u1', '2026-12-22T02:00:00.000Z')];
    // act
    const withExtension = statusOf(LONG_AFTER, versions, [], ext);
    const without = statusOf(LONG_AFTER, versions);
    // assess
    expect(withExtension).toBe('ON_TIME');
    expect(without).toBe('LATE');
  });

  it('counts the whole extended day, local time', () => {
    // prepare
    const lastMs = [valid('u1', '2026-12-25T16:59:59.999Z')];
    const nextDay = [valid('u1', '2026-12-25T17:00:00.000Z')];
    // act
    const statuses = [statusOf(LONG_AFTER, lastMs, [], ext), statusOf(LONG_AFTER, nextDay, [], ext)];
    // assess
    expect(statuses).toEqual(['ON_TIME', 'LATE']);
  });

  it('delays OVERDUE to the end of the extended day', () => {
    // prepare
    const beforeEnd = '2026-12-25T16:59:59.999Z';
    const afterEnd = '2026-12-25T17:00:00.000Z';
    // act
    const statuses = [statusOf(AFTER_DUE, [], [], ext), statusOf(beforeEnd, [], [], ext), statusOf(afterEnd, [], [], ext)];
    // assess
    expect(statuses).toEqual(['PENDING', 'PENDING', 'OVERDUE']);
  });

  it('never shortens the deadline when it ends before the regular one', () => {
    // prepare
    const early = extension('2026-12-10');
    // act
    const dueAt = effectiveDueAt(DEFAULT_REGIME, PERIOD, { extensionUntil: early.until });
    const status = statusOf('2026-12-15T00:00:00.000Z', [], [], early);
    // assess
    expect(dueAt.toISOString()).toBe(DUE);
    expect(status).toBe('PENDING');
  });
});

describe('deriveStatus reaches every status', () => {
  it('covers all seven statuses across the deadline', () => {
    // prepare
    const scenarios: [ComplianceStatus, () => ComplianceStatus][] = [
      ['NOT_OPEN', () => statusOf('2026-10-01T00:00:00.000Z')],
      ['PENDING', () => statusOf('2026-12-01T00:00:00.000Z')],
      ['REJECTED', () => statusOf('2026-12-01T00:00:00.000Z', [invalid('u1', '2026-11-30T00:00:00.000Z')])],
      [
        'RETURNED',
        () => statusOf(LONG_AFTER, [valid('u1', '2026-12-01T00:00:00.000Z')], [returnReview('r', '2026-12-02T00:00:00.000Z', 'u1')]),
      ],
      ['ON_TIME', () => statusOf(LONG_AFTER, [valid('u1', '2026-12-01T00:00:00.000Z')])],
      ['LATE', () => statusOf(LONG_AFTER, [valid('u1', '2026-12-19T00:00:00.000Z')])],
      ['OVERDUE', () => statusOf(LONG_AFTER)],
    ];
    // act
    const derived = scenarios.map(([, run]) => run());
    // assess
    expect(derived).toEqual(scenarios.map(([s]) => s));
    expect([...new Set(derived)].sort()).toEqual([...STATUSES].sort());
  });
});

describe('summarizeFacts', () => {
  it('gives the same facts whatever order versions and reviews are listed in', () => {
    // prepare
    const versions = [
      invalid('u1', '2026-12-01T02:00:00.000Z', bad('lỗi 1')),
      valid('u2', '2026-12-05T02:00:00.000Z'),
      valid('u3', '2026-12-20T02:00:00.000Z'),
      invalid('u4', '2026-12-21T02:00:00.000Z', bad('lỗi 4')),
    ];
    const reviews = [
      returnReview('r1', '2026-12-06T02:00:00.000Z', 'u2', 'trả lại'),
      returnReview('r2', '2026-12-22T02:00:00.000Z', 'u3', 'trả lại lần 2'),
    ];
    const reference = summarizeFacts(versions, reviews);
    // act
    const all = permutations(versions).flatMap((vs) => [summarizeFacts(vs, reviews), summarizeFacts(vs, [...reviews].reverse())]);
    // assess
    expect(all).toHaveLength(48);
    for (const facts of all) expect(facts).toEqual(reference);
    expect(reference).toMatchObject({
      versions: 4,
      firstValidUploadId: 'u2',
      latestValidUploadId: 'u3',
      returnedAt: '2026-12-22T02:00:00.000Z',
    });
  });

  it('breaks a tie in receive time by upload id, whatever the order', () => {
    // prepare
    const t = '2026-12-10T02:00:00.000Z';
    const versions = [invalid('b', t, bad('lỗi b')), valid('a', t)];
    // act
    const facts = permutations(versions).map((vs) => summarizeFacts(vs, []));
    // assess
    expect(facts[0]).toEqual(facts[1]);
    expect(facts[0]?.reasons).toEqual(bad('lỗi b'));
  });

  it('keeps the reasons of the latest upload when it is invalid', () => {
    // prepare
    const versions = [invalid('u1', '2026-12-01T02:00:00.000Z', bad('lỗi cũ')), invalid('u2', '2026-12-02T02:00:00.000Z', bad('lỗi mới'))];
    // act
    const facts = summarizeFacts([...versions].reverse(), []);
    // assess
    expect(facts.reasons).toEqual(bad('lỗi mới'));
    expect(facts.lastUploadAt).toBe('2026-12-02T02:00:00.000Z');
    expect(facts.firstValidAt).toBeUndefined();
  });

  it('clears the reasons once a valid version is the latest', () => {
    // prepare
    const versions = [invalid('u1', '2026-12-01T02:00:00.000Z', bad('lỗi')), valid('u2', '2026-12-02T02:00:00.000Z')];
    // act
    const facts = summarizeFacts(versions, []);
    // assess
    expect(facts.reasons).toEqual([]);
    expect(facts.firstValidAt).toBe('2026-12-02T02:00:00.000Z');
  });

  it('reports an invalid upload that follows a valid one', () => {
    // prepare
    const versions = [valid('u1', '2026-12-01T02:00:00.000Z'), invalid('u2', '2026-12-02T02:00:00.000Z', bad('lỗi sau'))];
    // act
    const facts = summarizeFacts(versions, []);
    // assess
    expect(facts.reasons).toEqual(bad('lỗi sau'));
    expect(facts.firstValidUploadId).toBe('u1');
  });

  it('records nothing but a zero count and no reasons for no uploads', () => {
    // prepare
    const versions: VersionFact[] = [];
    // act
    const facts = summarizeFacts(versions, []);
    // assess
    expect(facts).toEqual({ versions: 0, reasons: [] } satisfies StatusFacts);
  });

  it('records an extension date', () => {
    // prepare
    const ext = extension('2026-12-25');
    // act
    const facts = summarizeFacts([], [], ext);
    // assess
    expect(facts.extensionUntil).toBe('2026-12-25');
  });
});

describe('rates as DHIS2 defines them', () => {
  it('counts ON_TIME and LATE as reported and only ON_TIME as on time, over all expected units', () => {
    // prepare
    const statuses: ComplianceStatus[] = ['ON_TIME', 'ON_TIME', 'LATE', 'OVERDUE', 'REJECTED', 'RETURNED', 'PENDING', 'NOT_OPEN'];
    // act
    const rates = computeRates(statuses);
    // assess
    expect(rates).toEqual({ expected: 8, reported: 3, onTime: 2, reportingRate: 0.375, onTimeRate: 0.25 });
  });

  it('gives 0, not NaN, when no unit is expected', () => {
    // prepare
    const statuses: ComplianceStatus[] = [];
    // act
    const rates = computeRates(statuses);
    // assess
    expect(rates).toEqual({ expected: 0, reported: 0, onTime: 0, reportingRate: 0, onTimeRate: 0 });
  });

  it('computes the rates per group of units', () => {
    // prepare
    const rows = [
      { group: 'province' as const, status: 'ON_TIME' as const },
      { group: 'province' as const, status: 'LATE' as const },
      { group: 'province' as const, status: 'OVERDUE' as const },
      { group: 'province' as const, status: 'OVERDUE' as const },
      { group: 'district' as const, status: 'ON_TIME' as const },
    ];
    // act
    const byGroup = ratesByGroup(rows);
    // assess
    expect(byGroup.province).toEqual({ expected: 4, reported: 2, onTime: 1, reportingRate: 0.5, onTimeRate: 0.25 });
    expect(byGroup.district).toEqual({ expected: 1, reported: 1, onTime: 1, reportingRate: 1, onTimeRate: 1 });
  });

  it('gives 0 for a group with no expected units', () => {
    // prepare
    const rows = [{ group: 'district' as const, status: 'LATE' as const }];
    // act
    const byGroup = ratesByGroup(rows);
    // assess
    expect(byGroup.province).toEqual({ expected: 0, reported: 0, onTime: 0, reportingRate: 0, onTimeRate: 0 });
    expect(byGroup.district.reportingRate).toBe(1);
    expect(byGroup.district.onTimeRate).toBe(0);
  });

  it('rounds a rate to four decimals', () => {
    // prepare
    const statuses: ComplianceStatus[] = ['ON_TIME', 'OVERDUE', 'OVERDUE'];
    // act
    const rates = computeRates(statuses);
    // assess
    expect(rates.reportingRate).toBe(0.3333);
  });
});

describe('a return for revision in the same second as uploads', () => {
  const regime = DEFAULT_REGIME;
  const v = (uploadId: string, receivedAt: string): VersionFact => ({ uploadId, receivedAt, valid: true, reasons: [] });

  it('is not cleared by the version it returned, even when the review is in the same second', () => {
    const facts = summarizeFacts(
      [v('a1', '2026-12-01T02:00:00Z')],
      [{ reviewId: 'r', at: '2026-12-01T02:00:00.500Z', decision: 'RETURN', uploadId: 'a1', reason: 'Thiếu số liệu' }],
    );

    expect(deriveStatus(facts, { regime, period: '2026', now: new Date('2026-12-02T00:00:00Z') })).toBe('RETURNED');
  });

  it('is cleared by a later version received in the same whole second as the review', () => {
    const facts = summarizeFacts(
      [v('a1', '2026-12-01T02:00:00Z'), v('a2', '2026-12-01T02:00:00Z')],
      [{ reviewId: 'r', at: '2026-12-01T02:00:00.900Z', decision: 'RETURN', uploadId: 'a1', reason: 'Thiếu số liệu' }],
    );

    expect(deriveStatus(facts, { regime, period: '2026', now: new Date('2026-12-02T00:00:00Z') })).toBe('ON_TIME');
  });
});
