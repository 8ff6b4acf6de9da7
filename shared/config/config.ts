import { ENV } from '../definitions/env-keys.js';
import * as z from '../zod-mini.js';

/**
 * Function configuration, parsed once at module scope (fail fast at cold start, naming the
 * missing variable). Each function composes the pieces it needs. zod/mini (shared/zod-mini.ts):
 * every composed function loads this module, so its schemas stay light.
 */
const name = () => z.string().check(z.minLength(1));
/**
 * An absolute http(s) URL and an email address, by custom checks rather than zod's url/email
 * formats: every function loads this module and the formats' code is bytes against each bundle's
 * budget (issue 7); the values are set by the deploy, not typed by people.
 */
const absoluteUrl = () =>
  z.custom<string>((v) => typeof v === 'string' && /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { error: 'Phải là một URL http(s)' });
const email = () =>
  z.custom<string>((v) => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), { error: 'Phải là một địa chỉ email' });
const url = () => z.optional(absoluteUrl());

export const endpointsConfig = z.object({
  /** AWS region. */
  [ENV.region]: z._default(z.string().check(z.minLength(1)), 'ap-southeast-1'),
  /** DynamoDB endpoint override (local stack only). */
  [ENV.dynamodbEndpoint]: url(),
  /** S3 endpoint override (local stack only). */
  [ENV.s3Endpoint]: url(),
  /** S3 endpoint browsers POST to (local stack only). */
  [ENV.s3PublicEndpoint]: url(),
  /** SES endpoint override (local stack only). */
  [ENV.sesEndpoint]: url(),
  /** The CloudFront origin secret (HTTP functions on AWS; absent locally, where there is no CloudFront). */
  [ENV.originVerify]: z.optional(z.string().check(z.minLength(32))),
  /** EventBridge endpoint override (local stack only). */
  [ENV.eventsEndpoint]: url(),
});

/** DynamoDB table name. */
export const tableConfig = z.object({ [ENV.tableName]: name() });
/** S3 bucket for uploads and summaries. */
export const bucketConfig = z.object({ [ENV.bucketName]: name() });
/** EventBridge bus name. */
export const busConfig = z.object({ [ENV.busName]: name() });
export const mailConfig = z.object({
  /** From address of every email. */
  [ENV.senderAddress]: email(),
  /** Reply-To address (Sở Nội vụ). */
  [ENV.replyToAddress]: z.optional(email()),
  /** SES configuration set passed on every send. */
  [ENV.sesConfigurationSet]: z.optional(z.string().check(z.minLength(1))),
  /** Public URL of the form, for links in emails. */
  [ENV.appUrl]: absoluteUrl(),
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment with a schema; throws naming every bad variable. */
export function loadConfig<S extends z.core.$ZodObject>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const r = z.safeParse(schema, env);
  if (!r.success) {
    throw new ConfigError(`Invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

export type EndpointsConfig = z.infer<typeof endpointsConfig>;
