import { describe, expect, it } from 'vitest';
import { submissionDays } from '../../shared/domain/submission-days.js';

const TZ = 'Asia/Ho_Chi_Minh';
const DUE = '2026-12-18';

describe('reports received per day against the deadline', () => {
  it('counts first valid uploads by local day, from a week before the due date to the last report', () => {
    // 23:30 UTC on 17 Dec is 06:30 on 18 Dec in Kon Tum: it counts on the due date.
    const days = submissionDays(['2026-12-15T02:00:00Z', '2026-12-17T23:30:00Z', '2026-12-18T09:00:00Z', '2026-12-20T01:00:00Z'], DUE, TZ);
    expect(days[0]!.date).toBe('2026-12-12');
    expect(days.at(-1)!.date).toBe('2026-12-20');
    expect(days.map((d) => d.count)).toEqual([0, 0, 0, 1, 0, 0, 2, 0, 1]);
    expect(days.filter((d) => d.late).map((d) => d.label)).toEqual(['19/12', '20/12']);
    expect(days.find((d) => d.date === DUE)).toMatchObject({ label: '18/12', count: 2, late: false });
  });

  it('without any report: the week up to the due date, all zero', () => {
    const days = submissionDays([], DUE, TZ);
    expect(days).toHaveLength(7);
    expect(days.every((d) => d.count === 0 && !d.late)).toBe(true);
  });

  it('stays bounded: reports far before or after are counted on the first or last day, which says so', () => {
    const days = submissionDays(['2026-06-01T02:00:00Z', '2026-11-20T02:00:00Z', '2027-03-01T02:00:00Z', '2027-03-02T02:00:00Z'], DUE, TZ);
    expect(days).toHaveLength(30 + 14);
    expect(days[0]).toMatchObject({ date: '2026-11-19', label: '≤ 19/11', count: 1 });
    expect(days[1]).toMatchObject({ date: '2026-11-20', count: 1 });
    expect(days.at(-1)).toMatchObject({ date: '2027-01-01', label: '≥ 01/01', count: 2, late: true });
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(4);
  });
});
