import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_NAMES } from '../../local/names.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { STACK_NAMES, STATEFUL_OUTPUTS } from '../../shared/definitions/stack-outputs.js';
import { DEFAULT_REGIME } from '../../shared/domain/default-regime.js';
import { mailbox, type StoredEmail } from '../support/mailbox.js';
import { operatorEnvironment, runCli, writeLocalOutputsFile } from '../support/operator-cli.js';

/**
 * The operator's commands on a deployment, through `--outputs FILE`: the file is shaped exactly
 * as `cdk deploy --all --outputs-file` writes it, with values naming the local stack's resources,
 * and each command runs as its own process with only an operator's environment
 * (test/support/operator-cli.ts). So the code that reads outputs and builds clients is the code
 * that runs against AWS. The dead-letter commands: cli-dlq.test.ts.
 */
const PERIOD = '2026';
let stack: LocalStack;
let dir: string;
let outputsFile: string;
let operatorEnv: Record<string, string>;

const cli = (args: string[], env: Record<string, string> = operatorEnv) => runCli(args, env);
const onAws = (...args: string[]) => cli([...args, '--outputs', outputsFile]);
const me = (token: string) => fetch(`${stack.endpoints.app}/me?period=${PERIOD}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baocao-cli-outputs-'));
  stack = await startLocalStack({ dataDir: join(dir, 'data'), port: 0, quiet: true, scheduler: 'manual' });
  outputsFile = await writeLocalOutputsFile(stack, dir);
  operatorEnv = operatorEnvironment(stack, dir);
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
