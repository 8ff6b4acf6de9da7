import { describe, expect, it } from 'vitest';
import { REPORT_LAYOUT as GENERATED } from '../../web/generated/report-layout.js';
import { REPORT_LAYOUT } from '../../web/board/report-layout.js';

describe('the board’s generated report layout', () => {
  it('is exactly the layout computed from ReportSchema (build:web keeps it fresh)', () => {
    expect(GENERATED).toEqual(JSON.parse(JSON.stringify(REPORT_LAYOUT)));
    expect(GENERATED.flatMap((s) => s.fields).find((f) => f.path === 'dissemination.sessions')?.label).toBe('Số hội nghị, buổi phổ biến, quán triệt');
  });
});
