import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '../../local/names.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { ENV } from '../../shared/definitions/env-keys.js';
import { SERVICE_OUTPUTS, STACK_NAMES, STATEFUL_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { buildTestApp } from '../infra/support.js';
import { mailbox, type StoredEmail } from '../support/mailbox.js';

/**
 * The operator's commands on a deployment, through `--outputs FILE`: the file is shaped exactly
 * as `cdk deploy --all --outputs-file` writes it (one entry per stack, the stacks' own output
 * keys, read from the synthesized templates) with values naming the local stack's resources.
 * Each command runs as its own process whose environment holds only what an operator's shell
 * would: credentials for the standard chain, the admin token, and — the one thing a real
 * deployment does not have — the endpoint overrides the functions already honour. So the code
 * that reads outputs and builds clients is the code that runs against AWS.
 */
const PERIOD = '2026';
let stack: LocalStack;
let dir: string;
let outputsFile: string;
let operatorEnv: Record<string, string>;

/** Outputs of each stack as its template declares them. */
function declaredOutputs(): Record<string, string[]> {
  const built = buildTestApp();
  const keys = (t: typeof built.statefulTemplate) =>
    Object.keys((t.toJSON() as { Outputs?: Record<string, unknown> }).Outputs ?? {}).sort();
  return { [STACK_NAMES.stateful]: keys(built.statefulTemplate), [STACK_NAMES.service]: keys(built.serviceTemplate) };
}

async function cli(args: string[], env: Record<string, string> = operatorEnv): Promise<{ stdout: string; stderr: string; code: number }> {
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
const onAws = (...args: string[]) => cli([...args, '--outputs', outputsFile]);
const me = (token: string) => fetch(`${stack.endpoints.app}/me?period=${PERIOD}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-cli-outputs-'));
  stack = await startLocalStack({ dataDir: join(dir, 'data'), port: 0, quiet: true, scheduler: 'manual' });
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
    },
  };
  // The keys the stacks declare: a renamed or dropped output fails here, not at a deployer's desk.
  // The file also carries the outputs CDK adds for cross-stack references, as a real one does.
  const declared = declaredOutputs();
  for (const [name, keys] of Object.entries(declared)) {
    expect(keys, name).toEqual(expect.arrayContaining(Object.keys(values[name] ?? {})));
    for (const key of keys) values[name]![key] ??= `value of ${key}`;
  }
  outputsFile = join(dir, 'outputs.json');
  await writeFile(outputsFile, JSON.stringify(values, null, 2));
  operatorEnv = {
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
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('operator commands on a deployment, through its outputs file', () => {
  it('units list reads the regime the deployment seeded', async () => {
    const r = await onAws('units', 'list', '--json');

    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((u) => u.id)).toEqual(DEFAULT_REGIME.units.map((u) => u.id));
  });

  it('token issue, list and revoke work on the deployed table; the link is on AppUrl', async () => {
    const issued = await onAws('token', 'issue', '--unit', 'so-y-te', '--json');
    const { token, link } = JSON.parse(issued.stdout) as { token: string; link: string };
    const listed = await onAws('token', 'list', '--unit', 'so-y-te', '--json');
    const before = await me(token);

    const revoked = await onAws('token', 'revoke', '--unit', 'so-y-te');

    expect(issued.code, issued.stderr).toBe(0);
    expect(link).toBe(`${stack.endpoints.app}/#t=${token}`);
    expect((JSON.parse(listed.stdout) as { state: string }[]).map((t) => t.state)).toEqual(['còn hiệu lực']);
    expect(before.status).toBe(200);
    expect(revoked.stdout).toContain('Đã thu hồi 1 mã truy cập.');
    expect((await me(token)).status).toBe(401);
  });

  it('invite sends from the deployed sender with the deployed Reply-To and configuration', async () => {
    await fetch(`${stack.endpoints.ses}/clear-store`, { method: 'POST' });

    const r = await onAws('invite', '--period', PERIOD, '--unit', 'dak-ha');

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Đã gửi thư mời cho 1 đơn vị');
    const mails = await mailbox(stack.endpoints.ses);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toContain('no-reply@snv.example');
    expect((mails[0] as StoredEmail & { replyTo?: string[] }).replyTo).toEqual(['hop-thu@snv.example']);
    expect(mails[0]!.body.text).toContain(`${stack.endpoints.app}/#t=`);
  });

  it('status calls the admin API at SiteUrl with $BAOCAO_ADMIN_TOKEN', async () => {
    const r = await onAws('status', '--period', PERIOD, '--json');
    const without = await cli(['status', '--period', PERIOD, '--outputs', outputsFile], { ...operatorEnv, BAOCAO_ADMIN_TOKEN: '' });

    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { units: unknown[] }).units).toHaveLength(DEFAULT_REGIME.units.length);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('BAOCAO_ADMIN_TOKEN');
  });

  it('check-overdue --dry-run runs the notices function in the CLI process on the deployed resources, sending nothing', async () => {
    await fetch(`${stack.endpoints.ses}/clear-store`, { method: 'POST' });

    const r = await onAws('check-overdue', '--period', PERIOD, '--at', '2027-01-20', '--dry-run');

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^KIỂM TRA NHẮC HẠN, QUÁ HẠN — kỳ báo cáo 2026/);
    expect(r.stdout).toContain('Chạy thử (--dry-run)');
    expect(r.stdout).toMatch(/Sẽ gửi: \d+ thư nhắc hạn, [1-9]\d* thông báo quá hạn/);
    expect(await mailbox(stack.endpoints.ses)).toHaveLength(0);
  });

  it('consolidate previews the summary through the deployed API', async () => {
    const r = await onAws('consolidate', '--period', PERIOD);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`TỔNG HỢP BÁO CÁO NĂM ${PERIOD}`);
    expect(r.stdout).toContain('Bản xem trước, chưa gửi');
  });

  it('reconcile --dry-run sweeps the deployed bucket and table, and says what it would do', async () => {
    const r = await onAws('reconcile', '--period', PERIOD, '--dry-run');

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`ĐỐI SOÁT kỳ báo cáo ${PERIOD} — chạy thử (--dry-run): không ghi gì`);
    expect(r.stdout).toMatch(/Đã xem \d+ tệp báo cáo trong incoming\/2026\//);
  });

  it('audit verify checks the deployed audit chains', async () => {
    const r = await onAws('audit', 'verify', '--period', PERIOD);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Nhật ký kỳ 2026: toàn vẹn \(\d+ mục, [1-9]\d* chuỗi\)/);
  });

  it('--profile picks a named profile of the AWS config files for every client', async () => {
    const credentials = join(dir, 'credentials');
    await writeFile(
      credentials,
      `[baocao-ops]\naws_access_key_id = ${LOCAL_NAMES.accessKeyId}\naws_secret_access_key = ${LOCAL_NAMES.secretAccessKey}\n`,
    );
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = operatorEnv;
    const env = { ...noKeys, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, 'config') };

    const withProfile = await cli(['units', 'list', '--json', '--outputs', outputsFile, '--profile', 'baocao-ops'], env);
    const unknown = await cli(['units', 'list', '--outputs', outputsFile, '--profile', 'khong-co'], env);

    expect(withProfile.code, withProfile.stderr).toBe(0);
    expect(JSON.parse(withProfile.stdout)).toHaveLength(DEFAULT_REGIME.units.length);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/khong-co/);
  });

  it('an outputs file without a needed output says which one and how to write the file', async () => {
    const partial = join(dir, 'partial.json');
    await writeFile(partial, JSON.stringify({ [STACK_NAMES.stateful]: { [STATEFUL_OUTPUTS.region]: 'ap-southeast-1' } }));

    const r = await cli(['token', 'list', '--outputs', partial]);
    const profileAlone = await cli(['token', 'list', '--profile', 'x']);

    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${STACK_NAMES.stateful}.${STATEFUL_OUTPUTS.tableName}`);
    expect(r.stderr).toContain(`${STACK_NAMES.service}`);
    expect(profileAlone.code).toBe(2);
    expect(profileAlone.stderr).toContain('--profile goes with --outputs');
  });
});
