import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type * as z from 'zod';
import type { busConfig, EndpointsConfig } from '../config/config.js';
import { ENV } from '../definitions/env-keys.js';
import { EVENT_SOURCE } from '../definitions/events.js';
import { eventsClient } from './clients/events.js';
import type { BusEvent, EventBus } from '../ports.js';

export class EventPublishError extends Error {
  constructor(readonly failures: { code?: string; message?: string }[]) {
    super(`PutEvents failed for ${failures.length} entries: ${failures.map((f) => `${f.code}: ${f.message}`).join('; ')}`);
    this.name = 'EventPublishError';
  }
}

/** Publishes to the baocao bus. Throws when any entry fails, so the caller's retry covers it. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const r = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (r.FailedEntryCount) {
        throw new EventPublishError(
          (r.Entries ?? []).filter((x) => x.ErrorCode).map((x) => ({ code: x.ErrorCode, message: x.ErrorMessage })),
        );
      }
    }
  }
}

/** The bus of a function bound to it (composition roots). */
export const busFrom = (cfg: EndpointsConfig & z.infer<typeof busConfig>) => new EventBridgeBus(eventsClient(cfg), cfg[ENV.busName]);
