import { mailConfig } from '../../shared/config/config.js';
import { composeFunction } from '../../shared/compose.js';
import { METRICS, powertoolsCounter } from '../../shared/metrics.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { StatusChangeDetail } from '../../shared/definitions/event-details.js';
import { sendReceipts } from '../../shared/use-cases/send-receipt.js';
import { mailerFrom } from '../../shared/adapters/ses.adapter.js';
import { regimeFor } from '../../shared/domain/regimes.js';

/** "Unit Status Changed" → receipt, rejection reasons, or return-for-revision email. */
const fn = composeFunction('receipt', mailConfig, { metrics: powertoolsCounter });
const mailer = mailerFrom(fn.config);

export const handler = fn.onEvent(StatusChangeDetail, async (change) => {
  fn.logger.appendKeys({ unitId: change.unitId });
  const result = await sendReceipts(
    {
      mailer,
      reports: fn.tables.reports,
      ledger: fn.tables.notices,
      tokens: fn.tables.tokens,
      audit: fn.tables.audit,
      clock: fn.clock,
      // The period's own regime (a six-monthly period's dates, names and form, not the main one's).
      regime: regimeFor(await fn.regimes(), change.period),
      appUrl: fn.config[ENV.appUrl].replace(/\/$/, ''),
    },
    change,
  );
  fn.count(METRICS.receiptsSent, result.sent);
  return result;
});
