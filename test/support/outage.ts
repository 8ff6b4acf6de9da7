import type { PeriodKey } from '../../shared/domain/periodicity.js';
import { realFunctionLoader, type LocalStack, type LocalStackOptions } from '../../local/stack.js';
import { issueLocalToken, uploadFile } from '../../local/upload-client.js';
import type { FunctionName } from '../../shared/definitions/events.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { sampleReport } from '../../shared/domain/sample-report.js';

/**
 * One function of the local stack down on demand: while `down`, it fails every delivery, so its
 * events go through the bus's retries and end as dead letters (its on-failure queue).
 */
export class Outage {
  down = false;
  constructor(readonly fn: FunctionName) {}

  /** The real functions for startLocalStack, this one failing while down. */
  loader(): NonNullable<LocalStackOptions['loadFunction']> {
    const real = realFunctionLoader();
    return async (name) => {
      const handler = await real(name);
      if (name !== this.fn) return handler;
      return async (event) => {
        if (this.down) throw new Error(`${this.fn} is down (test)`);
        return handler(event);
      };
    };
  }

  /** A valid upload of the unit's sample report made while the function is down; back up once the bus settles. */
  async upload(stack: LocalStack, unitId: string, period: PeriodKey): Promise<void> {
    const token = await issueLocalToken(stack.endpoints, unitId);
    this.down = true;
    await uploadFile(stack.endpoints.app, token, {
      period,
      body: JSON.stringify(sampleReport(DEFAULT_REGIME, unitId, period)),
      kind: 'json',
    });
    await stack.bus.idle();
    this.down = false;
  }
}
