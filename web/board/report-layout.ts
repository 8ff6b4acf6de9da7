import { REPORT_SECTIONS } from '../../shared/domain/report-fields.js';
import { layoutOf, type ShownSection } from './layout.js';

export type { ShownField, ShownKind, ShownSection } from './layout.js';

/** Only what the board's script reads: the seed's layout travels in the page as JSON. */
export const REPORT_LAYOUT: readonly ShownSection[] = /* @__PURE__ */ layoutOf(REPORT_SECTIONS);
