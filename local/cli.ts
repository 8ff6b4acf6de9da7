#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { groupLabel } from '../shared/domain/regime.js';
import { sampleReport } from '../shared/domain/sample-report.js';
import { STATUS_LABELS } from '../shared/domain/status.js';
import { issueToken } from '../shared/use-cases/tokens.js';
import { RequestError } from '../shared/errors.js';
import type { PeriodStatus } from '../shared/use-cases/read-status.js';
import { resolvePeriod } from '../shared/use-cases/periods.js';
import { periodFields, type PeriodKey } from '../shared/domain/periodicity.js';
import { auditVerify } from './commands/audit.js';
import { calendarCommand } from './commands/calendar.js';
import { checkOverdue } from './commands/check-overdue.js';
import { consolidateCommand } from './commands/consolidate.js';
import { dlqList, dlqRedrive } from './commands/dlq.js';
import { LocalStackCommandError, reconcileCommand } from './commands/reconcile.js';
import { invite, listTokens, revokeTokens } from './commands/tokens.js';
import {
  adminTokenOf,
  loadTarget,
  targetRegime,
  targetRegimes,
  targetTables,
  TargetError,
  type OperatorTarget,
  type TargetOptions,
} from './target.js';

/**
 * `npm run cli -- <command>` (also the package bin): talks to the running local stack found
 * through $DATA_DIR/endpoints.json (or --endpoints FILE), or with --outputs FILE to a deployment
 * on AWS (the file `cdk deploy --all --outputs-file FILE` writes), with the operator's credentials.
 */
const USAGE = `Usage: baocao <command> [options]
  units list [--json]
  token issue --unit ID [--expires YYYY-MM-DD] [--json]
  token list [--unit ID] [--json]
  token revoke (--token TOKEN | --id ID | --unit ID)
  invite --period ID [--regime ID] [--unit ID] [--resend]
  report sample --unit ID --period YYYY
  status --period ID [--regime ID] [--json]
  check-overdue --period ID [--regime ID] [--at DATE] [--dry-run]
  consolidate --period ID [--regime ID] [--send] [--out DIR]
  calendar --year YYYY [--json] [--regime FILE]
  audit verify --period ID [--regime ID] [--unit ID] [--json]
  reconcile --period ID [--regime ID] [--dry-run]
  dlq list [--json] [--max N]       the dead-letter queues, read without deleting
  dlq redrive [--id MESSAGE_ID] [--dry-run] [--max N]
Options:
  --endpoints FILE  the local stack (default $DATA_DIR/endpoints.json, DATA_DIR defaults to .data)
  --outputs FILE    a deployment on AWS: the file of \`cdk deploy --all --outputs-file FILE\`;
                    credentials from the standard chain (AWS_PROFILE, SSO, environment, role)
  --profile NAME    with --outputs: this profile of ~/.aws/config
  --period ID       a period of the regime: 2026, 2026-H1, 2026-Q3 or 2026-11
  --regime ID       a regime the deployment runs beside its main one (default: the main one)
  status and consolidate call the admin API: on AWS the token is read from $BAOCAO_ADMIN_TOKEN`;

class UsageError extends Error {}

// The SDK's Node 20 deprecation notice is noise on a command line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function period(value: string | undefined): number {
  if (!value || !/^\d{4}$/.test(value)) throw new UsageError('--period YYYY is required');
  return Number(value);
}

/** `--regime` and `--period` resolved against the target's regimes: the period key the handlers take. */
async function periodKeyArg(
  where: TargetOptions,
  values: { regime?: string | undefined; period?: string | undefined },
): Promise<PeriodKey> {
  if (!values.period) throw new UsageError('--period ID is required (2026, 2026-H1, 2026-Q3, 2026-11)');
  const regimes = await loadTarget(where).then(targetRegimes);
  try {
    return resolvePeriod(regimes, { ...(values.regime ? { regime: values.regime } : {}), period: values.period }, systemClock.now()).period;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** parseArgs' options for every command. */
const OPTIONS = {
  json: { type: 'boolean', default: false },
  unit: { type: 'string' },
  period: { type: 'string' },
  expires: { type: 'string' },
  endpoints: { type: 'string' },
  outputs: { type: 'string' },
  profile: { type: 'string' },
  send: { type: 'boolean', default: false },
  out: { type: 'string' },
  at: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  token: { type: 'string' },
  id: { type: 'string' },
  resend: { type: 'boolean', default: false },
  max: { type: 'string' },
  regime: { type: 'string' },
} as const;

/**
 * `--token -abc` → `--token=-abc`: parseArgs refuses a value that starts with '-' when it is a
 * separate argument ("argument is ambiguous"), and a token may (those minted before the fix did,
 * one in 64). A string option takes the next argument as its value, whatever it looks like.
 */
export function joinOptionValues(argv: readonly string[]): string[] {
  const takesValue = new Set(
    Object.entries(OPTIONS)
      .filter(([, o]) => o.type === 'string')
      .map(([name]) => `--${name}`),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const value = argv[i + 1];
    if (takesValue.has(arg) && value !== undefined) {
      out.push(`${arg}=${value}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export async function main(argv: string[], out: (line: string) => void = console.log): Promise<void> {
  // Its own options, and no stack needed.
  if (argv[0] === 'calendar') return calendarCommand(argv.slice(1), out);
  const { values, positionals } = parseArgs({ args: joinOptionValues(argv), allowPositionals: true, options: OPTIONS });
  const [cmd, sub] = positionals;
  const command = [cmd, sub].filter(Boolean).join(' ');

  if (values.profile && !values.outputs) throw new UsageError('--profile goes with --outputs FILE (a deployment on AWS)');
  const where: TargetOptions = {
    ...(values.endpoints ? { endpointsFile: values.endpoints } : {}),
    ...(values.outputs ? { outputsFile: values.outputs } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
  };

  if (command === 'units list') {
    // Without a running local stack, the built-in regime; a deployment must answer.
    const regime = values.outputs
      ? await loadTarget(where).then(targetRegime)
      : await loadTarget(where)
          .then(targetRegime)
          .catch(() => DEFAULT_REGIME);
    if (values.json) out(JSON.stringify(regime.units, null, 2));
    else for (const u of regime.units) out(`${u.id.padEnd(20)} ${groupLabel(regime, u.group).padEnd(40)} ${u.name}`);
    return;
  }
  if (command === 'report sample') {
    if (!values.unit) throw new UsageError('--unit ID is required');
    const regime = DEFAULT_REGIME.units.some((u) => u.id === values.unit) ? DEFAULT_REGIME : await loadTarget(where).then(targetRegime);
    out(JSON.stringify(sampleReport(regime, values.unit, String(period(values.period))), null, 2));
    return;
  }
  if (command === 'check-overdue') {
    await checkOverdue(
      { period: await periodKeyArg(where, values), ...(values.at ? { at: values.at } : {}), dryRun: values['dry-run'], ...where },
      out,
    );
    return;
  }
  if (command === 'consolidate') {
    await consolidateCommand(
      { period: await periodKeyArg(where, values), send: values.send, ...where, ...(values.out ? { outDir: values.out } : {}) },
      out,
    );
    return;
  }
  if (command === 'reconcile') {
    await reconcileCommand({ period: await periodKeyArg(where, values), dryRun: values['dry-run'], ...where }, out);
    return;
  }
  if (command === 'dlq list' || command === 'dlq redrive') {
    if (values.max !== undefined && !/^[1-9]\d{0,3}$/.test(values.max)) throw new UsageError('--max N: 1 to 9999 messages');
    const max = values.max ? { max: Number(values.max) } : {};
    if (command === 'dlq list') await dlqList({ ...where, ...max, json: values.json }, out);
    else {
      const r = await dlqRedrive({ ...where, ...max, dryRun: values['dry-run'], ...(values.id ? { id: values.id } : {}) }, out);
      // What could not be redriven is still parked: say so to a script too.
      if (r.failed.length) process.exitCode = 1;
    }
    return;
  }
  const target: OperatorTarget = await loadTarget(where);
  if (command === 'token issue') {
    if (!values.unit) throw new UsageError('--unit ID is required');
    const expiresAt = values.expires ? new Date(`${values.expires}T23:59:59+07:00`) : undefined;
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires must be YYYY-MM-DD');
    const tables = targetTables(target);
    const issued = await issueToken(
      { tokens: tables.tokens, audit: tables.audit, clock: systemClock, regimes: await targetRegimes(target) },
      { unitId: values.unit, ...(expiresAt ? { expiresAt } : {}), actor: 'cli:token-issue' },
    );
    const link = `${target.appUrl}/#t=${issued.token}`;
    if (values.json) out(JSON.stringify({ token: issued.token, unitId: issued.unitId, link, expiresAt: issued.expiresAt }));
    else {
      out(`Đơn vị: ${issued.unitId} — hết hạn ${issued.expiresAt}`);
      out(`Đường dẫn: ${link}`);
      out(issued.token);
    }
    return;
  }
  if (command === 'token list') {
    await listTokens(target, { ...(values.unit ? { unitId: values.unit } : {}), json: values.json }, out);
    return;
  }
  if (command === 'token revoke') {
    await revokeTokens(
      target,
      {
        ...(values.token ? { token: values.token } : {}),
        ...(values.id ? { id: values.id } : {}),
        ...(values.unit ? { unitId: values.unit } : {}),
      },
      out,
    );
    return;
  }
  if (command === 'invite') {
    await invite(
      target,
      { period: await periodKeyArg(where, values), ...(values.unit ? { unitId: values.unit } : {}), resend: values.resend },
      out,
    );
    return;
  }
  if (command === 'audit verify') {
    await auditVerify(
      target,
      { period: await periodKeyArg(where, values), ...(values.unit ? { unitId: values.unit } : {}), json: values.json },
      out,
    );
    return;
  }
  if (command === 'status') {
    const asked = periodFields(await periodKeyArg(where, values));
    const query = new URLSearchParams({ period: String(asked.period), ...(asked.regime ? { regime: asked.regime } : {}) });
    const res = await fetch(`${target.apiUrl}/status?${query.toString()}`, {
      headers: { authorization: `Bearer ${adminTokenOf(target)}` },
    });
    const body = (await res.json()) as PeriodStatus | { error: { code: string; message: string } };
    if (!res.ok || 'error' in body) throw new Error(`GET /status failed (${res.status}): ${JSON.stringify(body)}`);
    if (values.json) {
      out(JSON.stringify(body, null, 2));
      return;
    }
    for (const u of body.units)
      out(`${u.unitId.padEnd(20)} ${u.status.padEnd(9)} ${STATUS_LABELS[u.status].padEnd(26)} v${u.versions} ${u.name}`);
    const r = body.rates;
    out(`Tỷ lệ báo cáo: ${r.reported}/${r.expected} (${pct(r.reportingRate)}); đúng hạn: ${r.onTime}/${r.expected} (${pct(r.onTimeRate)})`);
    return;
  }
  throw new UsageError(`Unknown command: ${command || '(none)'}`);
}

const isMain = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
    else if (e instanceof TargetError || e instanceof LocalStackCommandError) console.error(e.message);
    else if ((e as Error).name === 'CredentialsProviderError') {
      const profile = process.env.AWS_PROFILE;
      console.error(
        `Không có thông tin đăng nhập AWS${profile ? ` cho hồ sơ "${profile}"` : ''} (${(e as Error).message}). ` +
          `Đăng nhập trước: aws sso login${profile ? ` --profile ${profile}` : ''}, hoặc cấu hình bằng aws configure.`,
      );
    } else if (e instanceof RequestError) console.error(`${e.code}: ${e.message}`);
    else console.error((e as Error).message ?? e);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
