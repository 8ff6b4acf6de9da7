import type { EndpointsConfig } from '../../config/config.js';
import { ENV } from '../../definitions/env-keys.js';

/**
 * AWS clients are built here, one small module per service, once per cold start: the only
 * difference between AWS and the local stack is the endpoint in configuration — never a code
 * branch. One module per service so a function bundles only the SDK clients it uses.
 */
export const regionOf = (cfg: EndpointsConfig) => cfg[ENV.region];
export const at = (endpoint: string | undefined) => (endpoint ? { endpoint } : {});
