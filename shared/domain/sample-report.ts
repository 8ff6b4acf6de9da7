import type { Regime } from './regime.js';
import type { AnnualReport } from './report.js';

/**
 * FNV-1a seeded xorshift-multiply PRNG: the same seed, the same sequence, on every machine — so a
 * sample depends only on (unit, period, variant) and the demo's plan only on its regime and period.
 */
export function seededRandom(seed: string): () => number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return ((h ^= h >>> 16) >>> 0) / 4294967296;
  };
}

/** A valid, realistic report for docs, tests and the demo (`cli report sample`). */
export function sampleReport(regime: Regime, unitId: string, period: number, variant = 0): AnnualReport {
  const r = seededRandom(`${unitId}/${period}/${variant}`);
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const received = n(5, 120);
  const comments = n(0, 60);
  return {
    formVersion: regime.formVersion,
    unitId,
    period,
    dissemination: {
      sessions: n(2, 20),
      participantsOfficials: n(40, 900),
      participantsWorkers: n(0, 300),
      mediaItems: n(3, 80),
      exemplaryExamples: n(0, 12),
      danVanKheoModels: n(0, 6),
    },
    planAndSolutions: {
      planIssued: true,
      planNumber: `${n(10, 999)}/KH-${unitId.toUpperCase().slice(0, 8)}`,
      planDate: `${period}-03-${String(n(1, 28)).padStart(2, '0')}`,
      democracyRegulations: n(0, 8),
      dialogues: n(1, 24),
      citizenReceptions: n(0, 200),
      petitionsReceived: received,
      petitionsResolved: n(0, received),
      prolongedOrCrowdCases: n(0, 3),
      inspections: n(0, 15),
      disciplinedStaff: n(0, 4),
      socialPolicySupport: n(0, 2000),
      villageConventionsReviewed: n(0, 40),
      selfManagementModels: n(0, 25),
    },
    programmes: {
      plan739: { status: 'IN_PROGRESS', notes: 'Tiếp tục sắp xếp tổ chức bộ máy tinh gọn theo lộ trình.' },
      plan740: { status: 'COMPLETED', notes: '' },
      supervisionSessions: n(0, 10),
      commentsReceived: comments,
      commentsAccepted: n(0, comments),
    },
    emulation: { movementsLaunched: n(0, 6), collectivesCommended: n(0, 20), individualsCommended: n(0, 60) },
    narrative: {
      results: `Năm ${period}, đơn vị đã quán triệt đầy đủ các văn bản về công tác dân vận chính quyền; cải cách hành chính được đẩy mạnh.`,
      limitations: 'Một số nơi việc đối thoại với Nhân dân chưa thường xuyên.',
      proposals: 'Đề nghị tăng cường tập huấn nghiệp vụ công tác dân vận cho cán bộ cơ sở.',
    },
    preparer: { name: 'Nguyễn Thị Lan', title: 'Chuyên viên', email: `lan.nguyen@${unitId}.kontum.gov.example`, phone: '0260 3862 123' },
  };
}
