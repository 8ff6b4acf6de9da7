import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';
import { at, regionOf } from './endpoint.js';

export const sesClient = (cfg: EndpointsConfig) => new SESv2Client({ region: regionOf(cfg), ...at(cfg[ENV.sesEndpoint]) });
