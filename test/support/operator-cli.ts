import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { deadLetterDefinitions } from '../../local/dead-letter-queues.js';
import { LOCAL_ACCOUNT } from '../../local/event-bus.js';
import { LOCAL_NAMES } from '../../local/names.js';
import { localQueueUrl } from '../../local/sqs-dead-letters.js';
import type { LocalStack } from '../../local/stack.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { SERVICE_OUTPUTS, STACK_NAMES, STATEFUL_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import { buildTestApp } from '../infra/support.js';

/**
 * The operator's CLI on a "deployment" that is the local stack: an outputs file shaped exactly as
 * `cdk deploy --all --outputs-file` writes it (one entry per stack, the stacks' own output keys,
 * read from the synthesized templates) with values naming the local stack's resources, and a
 * process environment holding only what an operator's shell would: credentials for the standard
 * chain, the admin token, and — the one thing a real deployment does not have — the endpoint
 * overrides the functions already honour. So the code that reads outputs and builds clients is
 * the code that runs against AWS.
 */

/** Outputs of each stack as its template declares them. */
function declaredOutputs(): Record<string, string[]> {
  const built = buildTestApp();
  const keys = (t: typeof built.statefulTemplate) =>
    Object.keys((t.toJSON() as { Outputs?: Record<string, unknown> }).Outputs ?? {}).sort();
  return { [STACK_NAMES.stateful]: keys(built.statefulTemplate), [STACK_NAMES.service]: keys(built.serviceTemplate) };
}

/** Writes `${dir}/outputs.json` for `stack`; fails (vitest expect) if a stack no longer declares a key the CLI reads. */
export async function writeLocalOutputsFile(stack: LocalStack, dir: string): Promise<string> {
  const app = stack.endpoints.app;
  const values: Record<string, Record<string, string>> = {
    [STACK_NAMES.stateful]: {
      [STATEFUL_OUTPUTS.region]: LOCAL_NAMES.region,
      [STATEFUL_OUTPUTS.tableName]: LOCAL_NAMES.table,
      [STATEFUL_OUTPUTS.bucketName]: LOCAL_NAMES.bucket,
      [STATEFUL_OUTPUTS.busName]: 'baocao',
      [STATEFUL_OUTPUTS.senderAddress]: 'no-reply@snv.example',
      [STATEFUL_OUTPUTS.replyToAddress]: 'hop-thu@snv.example',
      [STATEFUL_OUTPUTS.sesConfigurationSet]: LOCAL_NAMES.sesConfigurationSet,
    },
    [STACK_NAMES.service]: {
      [SERVICE_OUTPUTS.appUrl]: app,
      [SERVICE_OUTPUTS.siteUrl]: app,
      [SERVICE_OUTPUTS.alarmTopicArn]: 'arn:aws:sns:ap-southeast-1:123456789012:BaocaoService-AlarmsTopic',
      // Every dead-letter queue, served by the local bus as SQS queues.
      ...Object.fromEntries(deadLetterDefinitions().map((d) => [d.key, localQueueUrl(stack.endpoints.events, LOCAL_ACCOUNT, d.key)])),
    },
  };
  // The keys the stacks declare: a renamed or dropped output fails here, not at a deployer's desk.
  // The file also carries the outputs CDK adds for cross-stack references, as a real one does.
  const declared = declaredOutputs();
  for (const [name, keys] of Object.entries(declared)) {
    expect(keys, name).toEqual(expect.arrayContaining(Object.keys(values[name] ?? {})));
    for (const key of keys) values[name]![key] ??= `value of ${key}`;
  }
  const file = join(dir, 'outputs.json');
  await writeFile(file, JSON.stringify(values, null, 2));
  return file;
}

/** An operator's shell: HOME in `dir` (no AWS config), the emulators' credentials, the endpoint overrides. */
export function operatorEnvironment(stack: LocalStack, dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    AWS_ACCESS_KEY_ID: LOCAL_NAMES.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_NAMES.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BAOCAO_ADMIN_TOKEN: stack.endpoints.adminToken,
    [ENV.dynamodbEndpoint]: stack.endpoints.dynamodb,
    [ENV.sesEndpoint]: stack.endpoints.ses,
    [ENV.eventsEndpoint]: stack.endpoints.events,
    [ENV.s3Endpoint]: stack.endpoints.s3,
  };
}

/** `baocao …` as its own process. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
      cwd: resolve('.'),
      env,
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
