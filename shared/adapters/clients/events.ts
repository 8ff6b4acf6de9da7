import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';
import { at, regionOf } from './endpoint.js';

export const eventsClient = (cfg: EndpointsConfig) => new EventBridgeClient({ region: regionOf(cfg), ...at(cfg[ENV.eventsEndpoint]) });
