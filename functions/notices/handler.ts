import type { Context } from 'aws-lambda';
import { busConfig, mailConfig } from '../../shared/config/config.js';
import { randomUUID } from 'node:crypto';
import { composeFunction } from '../../shared/compose.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { NoticesFailedError, sendDueNotices } from '../../shared/use-cases/send-due-notices.js';
import { busFrom } from '../../shared/adapters/eventbridge.adapter.js';
import { mailerFrom } from '../../shared/adapters/ses.adapter.js';
import { periodKeysField } from '../../shared/definitions/event-details.js';
import * as z from '../../shared/zod-mini.js';

/**
 * EventBridge Scheduler "DailyNotices" (08:00 Asia/Ho_Chi_Minh; locally the stack's scheduler and
 * `cli check-overdue`) → reminders, overdue notices and the escalation digest. A failure on some
 * notices is rethrown after the others were sent, so the schedule's retry policy re-runs the job;
 * the notice ledger makes that re-run send only what was not sent.
 */
const fn = composeFunction('notices', z.extend(mailConfig, busConfig.shape), { metrics: powertoolsCounter });
const mailer = mailerFrom(fn.config);
const bus = busFrom(fn.config);

/** The schedule's payload (schedules.ts), optionally narrowed by the CLI or an operator. */
export const NoticesEventSchema = z.strictObject({
  job: z.literal('daily-notices'),
  periods: periodKeysField(50),
  dryRun: z.optional(z.boolean()),
});
export type NoticesEvent = z.infer<typeof NoticesEventSchema>;

const sent = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export const handler = async (event: unknown, context?: Context) =>
  fn.invocation(context?.awsRequestId ?? randomUUID(), async () => {
    if (context) fn.logger.addContext(context);
    const input = NoticesEventSchema.parse(event);
    fn.logger.appendKeys({ job: input.job, dryRun: input.dryRun ?? false, ...(input.periods ? { periods: input.periods } : {}) });
    try {
      const summary = await sendDueNotices(
        {
          statuses: fn.tables.statuses,
          ledger: fn.tables.notices,
          tokens: fn.tables.tokens,
          audit: fn.tables.audit,
          mailer,
          bus,
          clock: fn.clock,
          regimes: await fn.regimes(),
          appUrl: fn.config[ENV.appUrl].replace(/\/$/, ''),
        },
        { ...(input.periods ? { periods: input.periods.map(String) } : {}), ...(input.dryRun ? { dryRun: true } : {}) },
      );
      if (!input.dryRun) fn.count(METRICS.noticesSent, sent(summary.counts));
      fn.logger.info('notices done', { today: summary.today, periods: summary.periods, counts: summary.counts, skipped: summary.skipped });
      return summary;
    } catch (e) {
      if (e instanceof NoticesFailedError) {
        fn.count(METRICS.noticesSent, sent(e.summary.counts));
        fn.logger.error('some notices failed; the schedule will retry', {
          counts: e.summary.counts,
          failed: e.summary.failed,
          periodErrors: e.summary.periodErrors,
        });
      }
      throw e;
    }
  });
