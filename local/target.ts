import { regimeOfPeriod, regimeSet, type Regimes } from '../shared/domain/regimes.js';
import { periodLabel, type PeriodKey } from '../shared/domain/periodicity.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { dynamoDocClient } from '../shared/adapters/clients/dynamodb.js';
import { sesClient } from '../shared/adapters/clients/ses.js';
import { tableAdapters } from '../shared/adapters/dynamodb.adapter.js';
import { SesMailer } from '../shared/adapters/ses.adapter.js';
import { endpointsConfig, loadConfig } from '../shared/config/config.js';
import { ENV } from '../shared/definitions/env-keys.js';
import { SERVICE_OUTPUTS, STACK_NAMES, STATEFUL_OUTPUTS } from '../shared/definitions/stack-outputs.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import type { Regime } from '../shared/domain/regime.js';
import { deadLetterDefinitions, deadLetterQueuesFrom, type DeadLetterQueue } from './dead-letter-queues.js';
import { LOCAL_ACCOUNT } from './event-bus.js';
import { LOCAL_NAMES, type LocalEndpoints } from './names.js';
import { localQueueUrl } from './sqs-dead-letters.js';

/**
 * Where an operator command works: the running local stack (endpoints.json) or a deployment on
 * AWS (the file `cdk deploy --all --outputs-file FILE` writes, and the operator's credentials from
 * the standard chain or `--profile`). Either way it comes down to the environment CDK gives the
 * functions (shared/definitions/env-keys.ts), so the CLI builds its clients with the same
 * shared/adapters/clients code as the handlers, and a command that runs a handler in this process
 * hands it that environment.
 */
export interface OperatorTarget {
  readonly kind: 'local' | 'aws';
  /** The file the target was read from (for messages). */
  readonly source: string;
  /** The function environment (ENV keys) without Reply-To, which may come from the regime. */
  readonly env: Record<string, string>;
  readonly tableName: string;
  readonly senderAddress: string;
  readonly sesConfigurationSet: string;
  /** Configured Reply-To; absent locally, where the regime's receiving body is used, as the local stack does. */
  readonly replyToAddress?: string;
  /** Origin of the links in emails. */
  readonly appUrl: string;
  /** Origin of the HTTP API (the same CloudFront distribution as the pages on AWS). */
  readonly apiUrl: string;
  /** Bearer token of the admin API: endpoints.json locally, $BAOCAO_ADMIN_TOKEN on AWS. */
  readonly adminToken?: string;
  /** The dead-letter queues (SQS): the stack's outputs on AWS, the local bus's SQS endpoint locally. */
  readonly deadLetterQueues: readonly DeadLetterQueue[];
}

export interface TargetOptions {
  /** endpoints.json of the local stack; default $DATA_DIR/endpoints.json (DATA_DIR defaults to .data). */
  readonly endpointsFile?: string;
  /** A `cdk deploy --outputs-file` JSON: when given, the command works on that deployment. */
  readonly outputsFile?: string;
  /** A named profile of ~/.aws/config for the AWS target; default the standard credential chain. */
  readonly profile?: string;
}

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The environment variable holding the admin token when working on AWS (kept out of shell history and argv). */
export const ADMIN_TOKEN_VARIABLE = 'BAOCAO_ADMIN_TOKEN';

/**
 * The endpoint overrides the functions honour (ENV.*Endpoint). Absent on AWS; a test sets them
 * in the environment to run the AWS path against the emulators.
 */
const OVERRIDE_KEYS = [ENV.dynamodbEndpoint, ENV.s3Endpoint, ENV.s3PublicEndpoint, ENV.sesEndpoint, ENV.eventsEndpoint] as const;

const nonEmpty = z.string().min(1);
/** `cdk deploy --outputs-file`: { StackName: { OutputKey: value } }; other stacks and keys are ignored. */
const OutputsFileSchema = z.object({
  [STACK_NAMES.stateful]: z.object({
    [STATEFUL_OUTPUTS.region]: nonEmpty,
    [STATEFUL_OUTPUTS.tableName]: nonEmpty,
    [STATEFUL_OUTPUTS.bucketName]: nonEmpty,
    [STATEFUL_OUTPUTS.busName]: nonEmpty,
    [STATEFUL_OUTPUTS.senderAddress]: z.email(),
    [STATEFUL_OUTPUTS.replyToAddress]: z.email(),
    [STATEFUL_OUTPUTS.sesConfigurationSet]: nonEmpty,
  }),
  [STACK_NAMES.service]: z.looseObject({
    [SERVICE_OUTPUTS.appUrl]: z.url({ protocol: /^https?$/ }),
    [SERVICE_OUTPUTS.siteUrl]: z.url({ protocol: /^https?$/ }),
    // The dead-letter queues' URLs (read by deadLetterQueuesFrom); checked here so a bad one is named.
    ...Object.fromEntries(deadLetterDefinitions().map((d) => [d.key, z.optional(z.url({ protocol: /^https?$/ }))])),
  }),
});

const LocalEndpointsSchema = z.object({
  app: z.url(),
  dynamodb: z.url(),
  s3: z.url(),
  ses: z.url(),
  mailbox: z.url(),
  adminToken: nonEmpty,
  oidc: z.object({ issuer: z.url(), clientId: nonEmpty }),
  users: z.array(
    z.object({ username: nonEmpty, password: nonEmpty, name: z.string(), roles: z.array(z.string()), roleLabels: z.array(z.string()) }),
  ),
  events: z.url({ error: 'không có địa chỉ "events": hãy khởi động lại hệ thống cục bộ (npm start)' }),
});

const defaultEndpointsFile = () => join(process.env.DATA_DIR ?? '.data', 'endpoints.json');

async function readJson(path: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TargetError(`Không đọc được ${path}: ${hint}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TargetError(`${path} không phải JSON hợp lệ`);
  }
}

const issues = (path: string, e: z.ZodError) =>
  `${path}: ${e.issues.map((i) => `${i.path.join('.') || '(gốc)'}: ${i.message}`).join('; ')}`;

export async function loadTarget(options: TargetOptions = {}): Promise<OperatorTarget> {
  return options.outputsFile
    ? awsTarget(options.outputsFile, options.profile)
    : localTarget(options.endpointsFile ?? defaultEndpointsFile());
}

async function awsTarget(path: string, profile: string | undefined): Promise<OperatorTarget> {
  const r = OutputsFileSchema.safeParse(
    await readJson(path, 'hãy ghi tệp này bằng `cdk deploy --all --outputs-file` (hướng dẫn triển khai, infra/README.md)'),
  );
  if (!r.success) throw new TargetError(`Tệp outputs thiếu giá trị cần thiết — ${issues(path, r.error)}`);
  const stateful = r.data[STACK_NAMES.stateful];
  const service = r.data[STACK_NAMES.service];
  // The standard chain reads the profile from the environment: the clients built below and any
  // handler this process runs then use the same credentials.
  if (profile) process.env.AWS_PROFILE = profile;
  const overrides = Object.fromEntries(OVERRIDE_KEYS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  const adminToken = process.env[ADMIN_TOKEN_VARIABLE];
  return {
    kind: 'aws',
    source: path,
    env: {
      [ENV.region]: stateful[STATEFUL_OUTPUTS.region],
      [ENV.tableName]: stateful[STATEFUL_OUTPUTS.tableName],
      [ENV.bucketName]: stateful[STATEFUL_OUTPUTS.bucketName],
      [ENV.busName]: stateful[STATEFUL_OUTPUTS.busName],
      [ENV.senderAddress]: stateful[STATEFUL_OUTPUTS.senderAddress],
      [ENV.sesConfigurationSet]: stateful[STATEFUL_OUTPUTS.sesConfigurationSet],
      [ENV.appUrl]: service[SERVICE_OUTPUTS.appUrl],
      ...overrides,
    },
    tableName: stateful[STATEFUL_OUTPUTS.tableName],
    senderAddress: stateful[STATEFUL_OUTPUTS.senderAddress],
    sesConfigurationSet: stateful[STATEFUL_OUTPUTS.sesConfigurationSet],
    replyToAddress: stateful[STATEFUL_OUTPUTS.replyToAddress],
    appUrl: service[SERVICE_OUTPUTS.appUrl],
    apiUrl: service[SERVICE_OUTPUTS.siteUrl],
    ...(adminToken ? { adminToken } : {}),
    deadLetterQueues: deadLetterQueuesFrom(service as Record<string, string>),
  };
}

async function localTarget(path: string): Promise<OperatorTarget> {
  const r = LocalEndpointsSchema.safeParse(await readJson(path, 'hệ thống cục bộ đã chạy chưa (npm start)?'));
  if (!r.success) throw new TargetError(issues(path, r.error));
  const ep: LocalEndpoints = r.data;
  // The emulators' credentials, without disturbing a process that already has its own.
  process.env.AWS_ACCESS_KEY_ID ??= LOCAL_NAMES.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_NAMES.secretAccessKey;
  // Imported here: local/stack.ts loads the emulators, which an AWS run never needs.
  const { localEnvironment } = await import('./stack.js');
  const { [ENV.replyToAddress]: _replyTo, ...env } = localEnvironment({ ...ep, regime: DEFAULT_REGIME });
  return {
    kind: 'local',
    source: path,
    env,
    tableName: LOCAL_NAMES.table,
    senderAddress: LOCAL_NAMES.sender,
    sesConfigurationSet: LOCAL_NAMES.sesConfigurationSet,
    appUrl: ep.app,
    apiUrl: ep.app,
    adminToken: ep.adminToken,
    // The bus serves its dead letters as the same queues (local/sqs-dead-letters.ts).
    deadLetterQueues: deadLetterDefinitions().map((d) => ({ ...d, url: localQueueUrl(ep.events, LOCAL_ACCOUNT, d.key) })),
  };
}

/** The function environment for a handler run in this process, Reply-To as the stack sets it. */
export function handlerEnvironment(target: OperatorTarget, regime: Regime): Record<string, string> {
  return { ...target.env, [ENV.replyToAddress]: target.replyToAddress ?? regime.receivingBody.email };
}

/** The table's adapters, built once per command with the functions' own client code. */
export function targetTables(target: OperatorTarget) {
  return tableAdapters(dynamoDocClient(loadConfig(endpointsConfig, target.env)), target.tableName);
}

export function targetMailer(target: OperatorTarget, regime: Regime): SesMailer {
  return new SesMailer(sesClient(loadConfig(endpointsConfig, target.env)), {
    from: target.senderAddress,
    replyTo: target.replyToAddress ?? regime.receivingBody.email,
    configurationSet: target.sesConfigurationSet,
  });
}

/** The regime stored in the table (the deployment seeds it), else the built-in one. */
export async function targetRegime(target: OperatorTarget): Promise<Regime> {
  return (await targetTables(target).regimes.get()) ?? DEFAULT_REGIME;
}

/** Every regime the deployment runs (the main one first), else the built-in one alone. */
export async function targetRegimes(target: OperatorTarget): Promise<Regimes> {
  return (await targetTables(target).regimes.list()) ?? regimeSet(DEFAULT_REGIME);
}

/**
 * A period in an operator command's output: the main annual regime's as it always was ("2026"),
 * any other as a person reads it, with the regime's id when it is not the main one
 * ("quý III năm 2026 (chế độ qn-quy)").
 */
export function periodWords(regimes: Regimes, key: PeriodKey): string {
  const regime = regimeOfPeriod(regimes, key);
  if (!regime || (!regime.scoped && regime.frequency === 'annual')) return key;
  const label = periodLabel(regime.frequency, key);
  return regime.scoped ? `${label} (chế độ ${regime.id})` : label;
}

/** The admin token, or a message saying how to give it. */
export function adminTokenOf(target: OperatorTarget): string {
  if (target.adminToken) return target.adminToken;
  throw new TargetError(
    `Lệnh này gọi API quản trị của ${target.apiUrl}: đặt mã quản trị vào biến môi trường ${ADMIN_TOKEN_VARIABLE} (mã truy cập JWT của một cán bộ đã đăng nhập vào bảng theo dõi qua nhóm người dùng Cognito).`,
  );
}
