#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../shared/clock.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import { GROUP_LABELS, type Regime } from '../shared/domain/regime.js';
import { sampleReport } from '../shared/domain/sample-report.js';
import { STATUS_LABELS } from '../shared/domain/status.js';
import { issueToken } from '../shared/use-cases/tokens.js';
import { RequestError } from '../shared/errors.js';
import type { PeriodStatus } from '../shared/use-cases/read-status.js';
import { checkOverdue } from './commands/check-overdue.js';
import { consolidateCommand } from './commands/consolidate.js';
import { dlqList, dlqRedrive, LocalStackCommandError, reconcileCommand } from './commands/reconcile.js';
import { invite, listTokens, revokeTokens } from './commands/tokens.js';
import type { LocalEndpoints } from './names.js';
import { localTables } from './upload-client.js';

/**
 * `npm run cli -- <command>` (also the package bin): talks to the running local stack found
 * through $DATA_DIR/endpoints.json (or --endpoints FILE).
 */
const USAGE = `Usage: baocao <command> [options]
  units list [--json]
  token issue --unit ID [--expires YYYY-MM-DD] [--json]
  token list [--unit ID] [--json]
  token revoke (--token TOKEN | --id ID | --unit ID)
  invite --period YYYY [--unit ID] [--resend]
  report sample --unit ID --period YYYY
  status --period YYYY [--json]
  check-overdue --period YYYY [--at DATE] [--dry-run]
  consolidate --period YYYY [--send] [--out DIR]
  reconcile --period YYYY [--dry-run]
  dlq list [--json]
  dlq redrive [--id ID]
Options: --endpoints FILE (default $DATA_DIR/endpoints.json, DATA_DIR defaults to .data)`;

class UsageError extends Error {}

// The SDK's Node 20 deprecation notice is noise on a command line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function endpoints(file: string | undefined): Promise<LocalEndpoints> {
  const path = file ?? join(process.env.DATA_DIR ?? '.data', 'endpoints.json');
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LocalEndpoints;
  } catch {
    throw new UsageError(`Cannot read ${path}: is the local stack running (npm start)?`);
  }
}

async function regimeOf(ep: LocalEndpoints): Promise<Regime> {
  return (await localTables(ep).regimes.get()) ?? DEFAULT_REGIME;
}

function period(value: string | undefined): number {
  if (!value || !/^\d{4}$/.test(value)) throw new UsageError('--period YYYY is required');
  return Number(value);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function main(argv: string[], out: (line: string) => void = console.log): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      unit: { type: 'string' },
      period: { type: 'string' },
      expires: { type: 'string' },
      endpoints: { type: 'string' },
      send: { type: 'boolean', default: false },
      out: { type: 'string' },
      at: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      token: { type: 'string' },
      id: { type: 'string' },
      resend: { type: 'boolean', default: false },
    },
  });
  const [cmd, sub] = positionals;
  const command = [cmd, sub].filter(Boolean).join(' ');

  if (command === 'units list') {
    // Without a running stack, the built-in regime.
    const regime = await endpoints(values.endpoints).then(regimeOf).catch(() => DEFAULT_REGIME);
    if (values.json) out(JSON.stringify(regime.units, null, 2));
    else for (const u of regime.units) out(`${u.id.padEnd(20)} ${GROUP_LABELS[u.group].padEnd(40)} ${u.name}`);
    return;
  }
  if (command === 'report sample') {
    if (!values.unit) throw new UsageError('--unit ID is required');
    const regime = DEFAULT_REGIME.units.some((u) => u.id === values.unit) ? DEFAULT_REGIME : await regimeOf(await endpoints(values.endpoints));
    out(JSON.stringify(sampleReport(regime, values.unit, period(values.period)), null, 2));
    return;
  }
  const endpointsFile = values.endpoints ? { endpointsFile: values.endpoints } : {};
  if (command === 'check-overdue') {
    await checkOverdue({ period: period(values.period), ...(values.at ? { at: values.at } : {}), dryRun: values['dry-run'], ...endpointsFile }, out);
    return;
  }
  if (command === 'consolidate') {
    await consolidateCommand({ period: period(values.period), send: values.send, ...endpointsFile, ...(values.out ? { outDir: values.out } : {}) }, out);
    return;
  }
  if (command === 'reconcile') {
    await reconcileCommand({ period: period(values.period), dryRun: values['dry-run'], ...endpointsFile }, out);
    return;
  }
  if (command === 'dlq list') {
    await dlqList({ json: values.json, ...endpointsFile }, out);
    return;
  }
  if (command === 'dlq redrive') {
    await dlqRedrive({ ...endpointsFile, ...(values.id ? { id: values.id } : {}) }, out);
    return;
  }
  const ep = await endpoints(values.endpoints);
  if (command === 'token issue') {
    if (!values.unit) throw new UsageError('--unit ID is required');
    const expiresAt = values.expires ? new Date(`${values.expires}T23:59:59+07:00`) : undefined;
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires must be YYYY-MM-DD');
    const issued = await issueToken({ tokens: localTables(ep).tokens, clock: systemClock, regime: await regimeOf(ep) }, { unitId: values.unit, ...(expiresAt ? { expiresAt } : {}) });
    const link = `${ep.app}/#t=${issued.token}`;
    if (values.json) out(JSON.stringify({ token: issued.token, unitId: issued.unitId, link, expiresAt: issued.expiresAt }));
    else {
      out(`Đơn vị: ${issued.unitId} — hết hạn ${issued.expiresAt}`);
      out(`Đường dẫn: ${link}`);
      out(issued.token);
    }
    return;
  }
  if (command === 'token list') {
    await listTokens(ep, { ...(values.unit ? { unitId: values.unit } : {}), json: values.json }, out);
    return;
  }
  if (command === 'token revoke') {
    await revokeTokens(ep, { ...(values.token ? { token: values.token } : {}), ...(values.id ? { id: values.id } : {}), ...(values.unit ? { unitId: values.unit } : {}) }, out);
    return;
  }
  if (command === 'invite') {
    await invite(ep, { period: period(values.period), ...(values.unit ? { unitId: values.unit } : {}), resend: values.resend }, out);
    return;
  }
  if (command === 'status') {
    const res = await fetch(`${ep.app}/status?period=${period(values.period)}`, { headers: { authorization: `Bearer ${ep.adminToken}` } });
    const body = (await res.json()) as PeriodStatus | { error: { code: string; message: string } };
    if (!res.ok || 'error' in body) throw new Error(`GET /status failed (${res.status}): ${JSON.stringify(body)}`);
    if (values.json) {
      out(JSON.stringify(body, null, 2));
      return;
    }
    for (const u of body.units) out(`${u.unitId.padEnd(20)} ${u.status.padEnd(9)} ${STATUS_LABELS[u.status].padEnd(26)} v${u.versions} ${u.name}`);
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
    else if (e instanceof LocalStackCommandError) console.error(e.message);
    else if (e instanceof RequestError) console.error(`${e.code}: ${e.message}`);
    else console.error((e as Error).message ?? e);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
}
