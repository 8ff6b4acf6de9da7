import { bucketConfig, busConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { requireRole, staffActor } from '../../shared/domain/staff.js';
import { RequestError } from '../../shared/errors.js';
import { json, parseBody, queryRegimePeriod, staffIdentity, type HttpEvent, type HttpResult } from '../../shared/http/api.js';
import { grantExtension } from '../../shared/use-cases/grant-extension.js';
import { readAudit } from '../../shared/use-cases/read-audit.js';
import { readUnitReports } from '../../shared/use-cases/read-unit-reports.js';
import { reviewReport, type AdminActionDeps } from '../../shared/use-cases/review-report.js';
import { issueToken, listUnitLinks, revokeUnitLink } from '../../shared/use-cases/tokens.js';
import { downloadSignerFrom } from '../../shared/adapters/s3-download-signer.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import * as z from '../../shared/zod-mini.js';

/**
 * The admin API of Sở Nội vụ (staff signed in through OpenID Connect; the role each action needs
 * is checked here, the token itself by the JWT authorizer in front), one function with a small router over its
 * routes (shared/definitions/http-routes.ts, target 'admin'):
 *   GET  /units/{id}/reports?period=ID[&regime=ID] versions, reviews, extension, status, download links
 *   POST /units/{id}/review                accept or return a version for revision
 *   POST /units/{id}/extension             extend the unit's deadline for a period
 *   GET  /units/{id}/audit?period=ID[&regime=ID]   the unit's audit trail
 *   GET  /units/{id}/links                 the unit's links (never a token: an id from its hash)
 *   POST /units/{id}/links                 re-issue the unit's link (revokes the live one); the
 *                                          new token is in the response, once, to hand over
 *   POST /units/{id}/links/{linkId}/revoke revoke one link
 */
const fn = composeFunction('admin', z.extend(bucketConfig, busConfig.shape));
const objects = downloadSignerFrom(fn.config);
const bus = busFrom(fn.config);

/** Any JSON object: the use cases validate the fields themselves (and say which are wrong). */
const anyObject = z.record(z.string(), z.unknown(), { error: 'Nội dung yêu cầu phải là một đối tượng JSON' });

/** A re-issue may bind the link to a few more periods than the current one (a late or next report). */
const ReissueSchema = z.strictObject({
  periods: z.optional(z.array(z.number().check(z.int(), z.minimum(2000), z.maximum(2100))).check(z.maxLength(4))),
});

const unitId = (event: HttpEvent) => event.pathParameters?.id ?? '';
const actionDeps = async (): Promise<AdminActionDeps> => ({
  reports: fn.tables.reports,
  audit: fn.tables.audit,
  bus,
  clock: fn.clock,
  regimes: await fn.regimes(),
});

/** `?regime=&period=` of a unit's page: both resolved, the period required. */
const periodOf = async (event: HttpEvent) => queryRegimePeriod(event, await fn.regimes(), fn.clock.now(), { required: true }).period;

const routes: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
  'GET /units/{id}/reports': async (event) => {
    requireRole(staffIdentity(event), 'readReports');
    return json(
      200,
      await readUnitReports(
        { reports: fn.tables.reports, objects, clock: fn.clock, regimes: await fn.regimes() },
        { unitId: unitId(event), period: await periodOf(event) },
      ),
    );
  },

  'GET /units/{id}/audit': async (event) => {
    requireRole(staffIdentity(event), 'readAudit');
    return json(
      200,
      await readAudit({ audit: fn.tables.audit, regimes: await fn.regimes() }, { unitId: unitId(event), period: await periodOf(event) }),
    );
  },

  'POST /units/{id}/review': async (event) => {
    const actor = requireRole(staffIdentity(event), 'reviewReport');
    return json(201, await reviewReport(await actionDeps(), { unitId: unitId(event), actor, body: parseBody(event, anyObject) }));
  },

  'POST /units/{id}/extension': async (event) => {
    const actor = requireRole(staffIdentity(event), 'grantExtension');
    return json(201, await grantExtension(await actionDeps(), { unitId: unitId(event), actor, body: parseBody(event, anyObject) }));
  },

  'GET /units/{id}/links': async (event) => {
    requireRole(staffIdentity(event), 'manageLinks');
    return json(200, {
      links: await listUnitLinks({ tokens: fn.tables.tokens, clock: fn.clock, regimes: await fn.regimes() }, { unitId: unitId(event) }),
    });
  },

  'POST /units/{id}/links': async (event) => {
    const who = requireRole(staffIdentity(event), 'manageLinks');
    const body = event.body ? parseBody(event, ReissueSchema) : {};
    const deps = { tokens: fn.tables.tokens, audit: fn.tables.audit, clock: fn.clock, regimes: await fn.regimes() };
    const issued = await issueToken(deps, {
      unitId: unitId(event),
      ...(body.periods ? { periods: body.periods } : {}),
      ...staffActor(who),
    });
    return json(201, {
      token: issued.token,
      expiresAt: issued.expiresAt,
      periods: issued.periods,
      revoked: issued.revoked.length,
      links: await listUnitLinks(deps, { unitId: unitId(event) }),
    });
  },

  'POST /units/{id}/links/{linkId}/revoke': async (event) => {
    const who = requireRole(staffIdentity(event), 'manageLinks');
    const deps = { tokens: fn.tables.tokens, audit: fn.tables.audit, clock: fn.clock, regimes: await fn.regimes() };
    return json(200, await revokeUnitLink(deps, { unitId: unitId(event), linkId: event.pathParameters?.linkId ?? '', ...staffActor(who) }));
  },
};

export const handler = fn.http(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new RequestError(404, 'NOT_FOUND', 'Không có chức năng này');
  return route(event);
});
