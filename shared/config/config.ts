import * as z from 'zod';
import { ENV } from '../definitions/env-keys.js';

/**
 * Function configuration, parsed once at module scope (fail fast at cold start, naming the
 * missing variable). Each function composes the pieces it needs.
 */
const name = (what: string) => z.string().min(1).describe(what);
const url = (what: string) => z.url().optional().describe(what);

export const endpointsConfig = z.object({
  [ENV.region]: z.string().min(1).default('ap-southeast-1').describe('AWS region'),
  [ENV.dynamodbEndpoint]: url('DynamoDB endpoint override (local stack only)'),
  [ENV.s3Endpoint]: url('S3 endpoint override (local stack only)'),
  [ENV.s3PublicEndpoint]: url('S3 endpoint browsers POST to (local stack only)'),
  [ENV.sesEndpoint]: url('SES endpoint override (local stack only)'),
  [ENV.eventsEndpoint]: url('EventBridge endpoint override (local stack only)'),
});

export const tableConfig = z.object({ [ENV.tableName]: name('DynamoDB table name') });
export const bucketConfig = z.object({ [ENV.bucketName]: name('S3 bucket for uploads and summaries') });
export const busConfig = z.object({ [ENV.busName]: name('EventBridge bus name') });
export const mailConfig = z.object({
  [ENV.senderAddress]: z.email().describe('From address of every email'),
  [ENV.replyToAddress]: z.email().optional().describe('Reply-To address (Sở Nội vụ)'),
  [ENV.sesConfigurationSet]: z.string().min(1).optional().describe('SES configuration set passed on every send'),
  [ENV.appUrl]: z.url().describe('Public URL of the form, for links in emails'),
});
export const adminConfig = z.object({
  [ENV.adminTokenSha256]: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex of the admin token').describe('Admin token hash'),
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment with a schema; throws naming every bad variable. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(`Invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

export type EndpointsConfig = z.infer<typeof endpointsConfig>;
