import { periodParam } from '../../shared/domain/period-param.js';
import { bucketConfig, busConfig, mailConfig } from '../../shared/config/config.js';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { composeFunction } from '../../shared/compose.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { currentPeriod } from '../../shared/domain/calendar.js';
import { periodFields } from '../../shared/domain/periodicity.js';
import type { Regime } from '../../shared/domain/regime.js';
import { resolvePeriod } from '../../shared/use-cases/periods.js';
import { requireRole } from '../../shared/domain/staff.js';
import { json, parseBody, staffIdentity, type HttpEvent } from '../../shared/http/api.js';
import {
  publishSummary,
  updateSummaries,
  type PublishSummaryDeps,
  type PublishSummaryInput,
  type PublishSummaryResult,
} from '../../shared/use-cases/publish-summary.js';
import { downloadSignerFrom } from '../../shared/adapters/s3-download-signer.js';
import { objectStoreFrom } from '../../shared/adapters/s3.adapter.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import * as z from '../../shared/zod-mini.js';
import { mailerFrom } from '../../shared/adapters/ses.adapter.js';

/**
 * The annual consolidation, two ways in:
 * - the AnnualSummary schedule (payload {job: 'annual-summary'}): the regime's current period —
 *   the year of now in the regime's time zone — consolidated and sent to the leadership;
 * - the SummaryUpdate schedule (payload {job: 'summary-update'}), every morning: periods past their
 *   consolidation date and not closed are consolidated again, and a changed one is sent as the next
 *   version ("bản cập nhật"), at most one a day (updateSummaries);
 * - POST /summaries (staff: any role may preview, publisher or admin may send), body {period,
 *   regime?, send?}: send=false (the default) is a preview; both answer {outcome, version, keys, urls, rates, …} with download links, never bytes.
 */
const fn = composeFunction('summary', z.extend(bucketConfig, { ...busConfig.shape, ...mailConfig.shape }));
const objects = objectStoreFrom(fn.config);
const links = downloadSignerFrom(fn.config);
const bus = busFrom(fn.config);
const mailer = mailerFrom(fn.config);
const appUrl = fn.config[ENV.appUrl].replace(/\/$/, '');

/** Presigned download links live this long (the CLI fetches them at once). */
const LINK_SECONDS = 15 * 60;

export const SummaryRequestSchema = z.strictObject({
  /** The regime (DESIGN.md section 3); absent: the deployment's main regime. */
  regime: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** A year (2026) or a period id ('2026-Q3') of the regime. */
  period: periodParam(),
  send: z._default(z.boolean(), false),
});

function deps(regime: Regime): PublishSummaryDeps {
  return {
    statuses: fn.tables.statuses,
    reports: fn.tables.reports,
    summaries: fn.tables.summaries,
    ledger: fn.tables.notices,
    audit: fn.tables.audit,
    objects,
    mailer,
    bus,
    clock: fn.clock,
    regime,
    appUrl,
  };
}

async function run(regime: Regime, input: PublishSummaryInput): Promise<PublishSummaryResult> {
  const result = await publishSummary(deps(regime), input);
  // Once a year: the log line below and the Summary Published event on the bus (archived) are its
  // record; a metric would only bundle the metrics library for it.
  fn.logger.info('summary', { period: result.period, outcome: result.outcome, version: result.version, sent: result.sent });
  return result;
}

/** What the API answers: the figures the CLI prints and links to the files. */
async function response(r: PublishSummaryResult, timeZone: string) {
  const c = r.consolidation;
  const [xlsx, docx] = await Promise.all([
    links.presignGet(r.keys.xlsx, LINK_SECONDS, r.fileNames.xlsx),
    links.presignGet(r.keys.docx, LINK_SECONDS, r.fileNames.docx),
  ]);
  return {
    outcome: r.outcome,
    ...periodFields(r.period),
    version: r.version,
    hash: r.hash,
    changed: r.changed,
    sent: r.sent,
    ...(r.messageId ? { messageId: r.messageId } : {}),
    asOf: c.asOf,
    timeZone,
    keys: r.keys,
    fileNames: r.fileNames,
    urls: { xlsx, docx },
    rates: c.rates,
    countedReports: c.countedReports,
    indicators: c.indicators.map(({ path, label, total, province, district }) => ({ path, label, total, province, district })),
    notReported: c.notReported,
  };
}

const http = fn.http(async (event) => {
  const who = staffIdentity(event);
  requireRole(who, 'previewSummary');
  const body = parseBody(event, SummaryRequestSchema);
  const { regime, period } = resolvePeriod(await fn.regimes(), body, fn.clock.now());
  const actor = body.send ? requireRole(who, 'publishSummary') : who;
  const result = await run(regime, { period, send: body.send, actor });
  return json(200, await response(result, regime.timeZone));
});

const isHttpEvent = (e: unknown): e is HttpEvent =>
  typeof e === 'object' && e !== null && typeof (e as { requestContext?: { http?: unknown } }).requestContext?.http === 'object';

const isJob = <J extends string>(e: unknown, job: J): e is { job: J } =>
  typeof e === 'object' && e !== null && (e as { job?: unknown }).job === job;

export const handler = async (event: unknown, context?: Context) => {
  if (isHttpEvent(event)) return http(event);
  if (isJob(event, 'summary-update'))
    return fn.invocation(context?.awsRequestId ?? randomUUID(), async () => {
      // Every regime: a six-monthly, quarterly or monthly regime's period is first published by the
      // morning run after its consolidation date (it has no AnnualSummary schedule of its own).
      const results = [];
      for (const regime of (await fn.regimes()).all) results.push(...(await updateSummaries(deps(regime))));
      fn.logger.info('summary-update', { results });
      return { results };
    });
  if (isJob(event, 'annual-summary'))
    return fn.invocation(context?.awsRequestId ?? randomUUID(), async () => {
      const regime = await fn.regime();
      const period = currentPeriod(regime, fn.clock.now());
      // Errors propagate: the scheduler retries, then the DLQ keeps the payload.
      const r = await run(regime, { period, send: true });
      return { outcome: r.outcome, ...periodFields(r.period), version: r.version, sent: r.sent, keys: r.keys };
    });
  throw new Error('summary: unsupported event (expected an HTTP API request, {job: "annual-summary"} or {job: "summary-update"})');
};
