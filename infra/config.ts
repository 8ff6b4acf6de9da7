import { resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import type { Regime } from '../shared/domain/regime.js';
import { regimeSet, type Regimes } from '../shared/domain/regimes.js';
import { readRegimeFile } from '../shared/regime-file.js';
import { REPO_ROOT } from './paths.js';

/**
 * Deployment parameters, read from CDK context (`cdk.json` or `cdk synth -c key=value`) and
 * validated with zod at synth: a bad value fails `cdk synth` with a message naming the key.
 * Every key has a default, so a bare `npm run synth` works; a real deployment sets at least
 * senderAddress, alarmEmail and appOrigin (README, deploy guide). Staff sign in through the
 * Cognito user pool (infra/constructs/staff-identity.ts): no shared admin secret is configured.
 */

/** The values CloudWatch Logs accepts for a retention period. */
const RETENTION_VALUES = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

// `-c key=value` always arrives as a string; cdk.json may hold a number.
const days = (what: string, fallback: number) => z.coerce.number().int().min(1).max(3650).default(fallback).describe(what);

const retention = (what: string, fallback: RetentionDays) =>
  z.coerce
    .number()
    .int()
    .refine((v) => RETENTION_VALUES.includes(v), `must be one of the CloudWatch Logs retention values: ${RETENTION_VALUES.join(', ')}`)
    .default(fallback)
    .transform((v) => v as RetentionDays)
    .describe(what);

/** `-c key='[…]'` arrives as a string; cdk.json can hold the JSON value itself. */
const jsonValue = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v; // the schema then says what was expected
    }
  }, schema);

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const dnsName = (example: string) => z.string().regex(DNS_NAME, `expected a lowercase DNS name such as ${example}`);
/** `name` is `zone` or under it. */
const within = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/**
 * The custom domain: the site's name (CloudFront, certificate in us-east-1) and the API's name
 * (API Gateway custom domain, regional certificate), so the HTTP API's default execute-api
 * endpoint can be disabled. With a Route 53 public hosted zone the certificates validate and the
 * alias records are created by the deploy; without one the operator publishes the records.
 */
export const DomainSchema = z
  .object({
    name: dnsName('baocao.snv.kontum.gov.vn').describe('Where people open the form and the board (CloudFront)'),
    apiName: dnsName('api.baocao.snv.kontum.gov.vn')
      .optional()
      .describe("CloudFront's origin for the API (API Gateway custom domain); default api.{name}"),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, 'expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')
      .optional()
      .describe('Route 53 public hosted zone holding both names: DNS validation and alias records are then automatic'),
    hostedZoneName: dnsName('snv.kontum.gov.vn').optional().describe("The hosted zone's domain; required with hostedZoneId"),
  })
  .strict()
  .transform((d) => ({ ...d, apiName: d.apiName ?? `api.${d.name}` }))
  .superRefine((d, ctx) => {
    if (d.apiName === d.name)
      ctx.addIssue({ code: 'custom', path: ['apiName'], message: 'must differ from name (CloudFront serves name)' });
    if (!d.hostedZoneId !== !d.hostedZoneName) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostedZoneName'],
        message: 'hostedZoneId and hostedZoneName go together (no lookup is made at synth)',
      });
    }
    if (d.hostedZoneName) {
      for (const key of ['name', 'apiName'] as const) {
        if (!within(d[key], d.hostedZoneName)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `must be in the hosted zone ${d.hostedZoneName}` });
        }
      }
    }
  });
export type DomainConfig = z.output<typeof DomainSchema>;

export const ContextSchema = z
  .object({
    senderAddress: z.email().default('no-reply@baocao.example').describe('From address of every email; an SES identity is created for it'),
    senderDomain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'expected a lowercase DNS domain such as snv.kontum.gov.vn')
      .optional()
      .describe('When set, SES verifies this whole domain (DKIM) instead of the single sender address'),
    replyTo: z.email().optional().describe("Reply-To of every email; defaults to the regime's receiving body (Sở Nội vụ)"),
    alarmEmail: z.email().default('ops@baocao.example').describe('Subscribed to the alarm topic'),
    domain: jsonValue(DomainSchema)
      .optional()
      .describe(
        'JSON {"name", "apiName"?, "hostedZoneId"?, "hostedZoneName"?}: the custom domain; without it the API keeps its default endpoint',
      ),
    appOrigin: z
      .url({ protocol: /^https$/, error: 'expected an https origin such as https://baocao.snv.kontum.gov.vn' })
      .transform((v) => v.replace(/\/+$/, ''))
      .refine((v) => new URL(v).origin === v, 'expected an origin only (scheme and host, no path)')
      .optional()
      .describe('Origin the form is served from (custom domain); bucket CORS and email links use it. Default: the API endpoint'),
    staffDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'expected a lowercase prefix such as snv-kontum-baocao')
      .refine((v) => !/aws|amazon|cognito/.test(v), 'Cognito refuses prefixes containing aws, amazon or cognito')
      .optional()
      .describe('Prefix of the staff sign-in domain (https://{prefix}.auth.{region}.amazoncognito.com); default baocao-{account}'),
    logRetentionDays: retention('Retention of every function and API log group', RetentionDays.ONE_YEAR),
    accessLogRetentionDays: days('Days S3 server access logs are kept', 365),
    quarantineRetentionDays: days('Days a rejected (quarantined) upload is kept before it expires', 180),
    supersededRetentionDays: days(
      'Days a noncurrent version of a quarantined upload or a summary file is kept (accepted uploads never expire)',
      90,
    ),
    archiveRetentionDays: days('Days the bus archive keeps events for replay', 365),
    regimeFile: z.string().min(1).optional().describe('Path (from the repository root) of a regime JSON file replacing the built-in one'),
    regimeFiles: z
      .preprocess(
        (v) =>
          typeof v === 'string' && !v.trim().startsWith('[')
            ? v
                .split(',')
                .map((f) => f.trim())
                .filter(Boolean)
            : v,
        jsonValue(z.array(z.string().min(1)).min(1)),
      )
      .optional()
      .describe(
        'Regime JSON files (paths from the repository root) run beside the main one: a JSON list, or a comma-separated string a.json,b.json',
      ),
    leadership: jsonValue(z.array(z.object({ name: z.string().min(2), email: z.email() }).strict()).min(1))
      .optional()
      .describe('Replaces the regime\'s leadership recipients of the summary: JSON [{"name","email"}]'),
    unitContacts: jsonValue(z.record(z.string().regex(/^[a-z0-9-]{1,64}$/, 'expected a unit id'), z.email()))
      .optional()
      .describe('Overrides units\' contact emails: JSON {"unitId": "email"}'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // The distribution answers only to the domain's name: links and CORS must use it.
    if (c.domain && c.appOrigin && c.appOrigin !== `https://${c.domain.name}`) {
      ctx.addIssue({ code: 'custom', path: ['appOrigin'], message: `must be https://${c.domain.name} (domain.name), or left out` });
    }
    // A domain identity only authorises addresses of that domain (or its subdomains).
    if (c.senderDomain && !`.${c.senderAddress.split('@')[1] ?? ''}`.endsWith(`.${c.senderDomain}`)) {
      ctx.addIssue({ code: 'custom', path: ['senderAddress'], message: `must be an address at senderDomain ${c.senderDomain}` });
    }
  });

export type ContextInput = z.input<typeof ContextSchema>;
export type Context = z.output<typeof ContextSchema>;

export interface BaocaoConfig extends Omit<Context, 'replyTo'> {
  readonly replyTo: string;
  /** The main regime (item REGIME/CURRENT): the built-in one or regimeFile, with the overrides. */
  readonly regime: Regime;
  /** The main regime and those of regimeFiles (REGIME/R#{id}), checked together by regimeSet. */
  readonly regimes: Regimes;
}

export class InfraConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid CDK context for baocao: ${problems.join('; ')}`);
    this.name = 'InfraConfigError';
  }
}

export const CONTEXT_KEYS = Object.keys(ContextSchema.shape) as (keyof Context)[];

/** Reads our keys from the context (others, e.g. feature flags, are not ours) and validates them. */
export function configFromContext(node: Node): BaocaoConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const v: unknown = node.tryGetContext(key);
    if (v !== undefined && v !== '') raw[key] = v;
  }
  return parseConfig(raw);
}

export function parseConfig(raw: Record<string, unknown>): BaocaoConfig {
  const r = ContextSchema.safeParse(raw);
  if (!r.success) {
    throw new InfraConfigError(
      r.error.issues.map((i) => {
        const key = i.path.join('.') || '(context)';
        const got = i.path.length > 0 ? raw[String(i.path[0])] : undefined;
        return `${key}: ${i.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
      }),
    );
  }
  const files = r.data.regimeFiles ?? [];
  const main = r.data.regimeFile ? loadRegimeFile('regimeFile', r.data.regimeFile) : DEFAULT_REGIME;
  const loaded = files.map((file) => loadRegimeFile('regimeFiles', file));
  checkUnitContacts([main, ...loaded], r.data.unitContacts ?? {});
  const regime = withOverrides(main, r.data, true);
  const others = loaded.map((o) => withOverrides(o, r.data, false));
  const regimes = checkedSet(regime, others, files);
  const appOrigin = r.data.appOrigin ?? (r.data.domain ? `https://${r.data.domain.name}` : undefined);
  return { ...r.data, ...(appOrigin ? { appOrigin } : {}), replyTo: r.data.replyTo ?? regime.receivingBody.email, regime, regimes };
}

/** An override naming a unit no regime lists fails synth. */
function checkUnitContacts(regimes: readonly Regime[], contacts: Record<string, string>): void {
  const unknown = Object.keys(contacts).filter((id) => !regimes.some((r) => r.units.some((u) => u.id === id)));
  if (unknown.length) throw new InfraConfigError([`unitContacts: unknown unit id ${unknown.map((id) => JSON.stringify(id)).join(', ')}`]);
}

/**
 * Unit-contact overrides apply in every regime (a unit id names one unit, with one email, in all of
 * them); the leadership override replaces the main regime's recipients only.
 */
function withOverrides(regime: Regime, c: Pick<Context, 'leadership' | 'unitContacts'>, main: boolean): Regime {
  const contacts = c.unitContacts ?? {};
  return {
    ...regime,
    ...(main && c.leadership ? { leadership: c.leadership } : {}),
    units: regime.units.map((u) => (contacts[u.id] ? { ...u, email: contacts[u.id]! } : u)),
  };
}

/** regimeSet over the main regime and the others, a refusal naming the file of the first regime it cannot add. */
function checkedSet(main: Regime, others: readonly Regime[], files: readonly string[]): Regimes {
  for (let i = 0; i < others.length; i++) {
    try {
      regimeSet(main, others.slice(0, i + 1));
    } catch (e) {
      throw new InfraConfigError([`regimeFiles: ${files[i]}: ${(e as Error).message}`]);
    }
  }
  return regimeSet(main, others);
}

function loadRegimeFile(key: 'regimeFile' | 'regimeFiles', file: string): Regime {
  try {
    return readRegimeFile(resolve(REPO_ROOT, file));
  } catch (e) {
    throw new InfraConfigError([`${key}: ${(e as Error).message}`]);
  }
}
