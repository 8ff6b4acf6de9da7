import type { ShownSection } from '../board/report-layout.js';

/** The board's report layout, computed from ReportSchema by web/build.ts (`npm run build:web`) into report-layout.js (not committed). */
export declare const REPORT_LAYOUT: readonly ShownSection[];
