import type { ExtensionRequest, grantExtension } from '../../shared/use-cases/grant-extension.js';
import type { readAudit } from '../../shared/use-cases/read-audit.js';
import type { PeriodStatus } from '../../shared/use-cases/read-status.js';
import type { UnitReports } from '../../shared/use-cases/read-unit-reports.js';
import type { ReviewRequest, reviewReport } from '../../shared/use-cases/review-report.js';
import type { UnitLink } from '../../shared/use-cases/tokens.js';
import { ApiError, getJson, postJson } from '../form/api.js';
import { accessToken, forgetAccessToken } from './auth.js';

/**
 * Every call the board makes, typed with the API's own types: the use cases' results are what the
 * handlers send as JSON, their request types what they accept. Type imports only, so no server
 * code reaches the page, yet an API change is a compile error here rather than a broken page.
 */
export { ApiError };
export type AuditTrail = Awaited<ReturnType<typeof readAudit>>;
export type AuditEntry = AuditTrail['entries'][number];
export type ReviewResult = Awaited<ReturnType<typeof reviewReport>>;
export type ExtensionResult = Awaited<ReturnType<typeof grantExtension>>;
export type { UnitLink };
/** POST /units/{id}/links: the new token, once (functions/admin/handler.ts). */
export interface ReissuedLink {
  token: string;
  expiresAt: string;
  periods: number[];
  revoked: number;
  links: UnitLink[];
}

const unitPath = (unitId: string, what: 'reports' | 'audit' | 'review' | 'extension') => `/units/${encodeURIComponent(unitId)}/${what}`;

/** A refused token is forgotten here, so the page only has to show that it is locked. */
async function authorized<T>(call: (token: string | null) => Promise<T>): Promise<T> {
  try {
    return await call(accessToken());
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) forgetAccessToken();
    throw e;
  }
}

/** `?regime=&period=`: the regime only when one was chosen (none: the deployment's main regime, as before). */
function query(regime: string | null, period: number | string | null): string {
  const parts = [
    ...(regime === null ? [] : [`regime=${encodeURIComponent(regime)}`]),
    ...(period === null ? [] : [`period=${encodeURIComponent(period)}`]),
  ];
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Without a period the API answers with the regime's current one, and the list of periods (and regimes) to offer. */
export const readStatus = (regime: string | null, period: number | string | null) =>
  authorized((t) => getJson<PeriodStatus>(`/status${query(regime, period)}`, t));

export const readUnitReports = (unitId: string, regime: string | null, period: number | string) =>
  authorized((t) => getJson<UnitReports>(`${unitPath(unitId, 'reports')}${query(regime, period)}`, t));

export const readAuditTrail = (unitId: string, regime: string | null, period: number | string) =>
  authorized((t) => getJson<AuditTrail>(`${unitPath(unitId, 'audit')}${query(regime, period)}`, t));

export const reviewVersion = (unitId: string, body: ReviewRequest) =>
  authorized((t) => postJson<ReviewResult>(unitPath(unitId, 'review'), t, body));

export const grantDeadlineExtension = (unitId: string, body: ExtensionRequest) =>
  authorized((t) => postJson<ExtensionResult>(unitPath(unitId, 'extension'), t, body));

const linksPath = (unitId: string) => `/units/${encodeURIComponent(unitId)}/links`;

export const listUnitLinks = (unitId: string) => authorized((t) => getJson<{ links: UnitLink[] }>(linksPath(unitId), t));

export const reissueUnitLink = (unitId: string) => authorized((t) => postJson<ReissuedLink>(linksPath(unitId), t, {}));

export const revokeUnitLink = (unitId: string, linkId: string) =>
  authorized((t) => postJson<UnitLink>(`${linksPath(unitId)}/${encodeURIComponent(linkId)}/revoke`, t, {}));
