/**
 * `npm start`: the local stack on http://localhost:3000 (PORT), data under .data (DATA_DIR).
 * Prints the links a person needs: the form, a unit's link, the status board, the mailbox.
 */
import { resolve } from 'node:path';
import { dynamoDocClient } from '../shared/adapters/clients/dynamodb.js';
import { DynamoTokenStore } from '../shared/adapters/dynamodb.adapter.js';
import { systemClock } from '../shared/clock.js';
import { endpointsConfig, loadConfig } from '../shared/config/config.js';
import { DEFAULT_REGIME } from '../shared/domain/default-regime.js';
import type { Regime } from '../shared/domain/regime.js';
import { regimeSet } from '../shared/domain/regimes.js';
import { readRegimeFile } from '../shared/regime-file.js';
import { issueToken } from '../shared/use-cases/tokens.js';
import { LOCAL_TABLE, startLocalStack } from './stack.js';

const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const port = Number(process.env.PORT ?? 3000);
let regime = DEFAULT_REGIME;
let otherRegimes: Regime[] = [];
try {
  if (process.env.REGIME_FILE) regime = readRegimeFile(resolve(process.env.REGIME_FILE));
  // Regimes run beside the main one: a comma-separated list of regime files.
  otherRegimes = (process.env.REGIME_FILES ?? '')
    .split(',')
    .filter((f) => f.trim())
    .map((f) => readRegimeFile(resolve(f.trim())));
  regimeSet(regime, otherRegimes);
} catch (e) {
  console.error(`REGIME_FILE / REGIME_FILES không hợp lệ / invalid: ${(e as Error).message}`);
  process.exit(1);
}

// Read here, not in the stack: the stack sets DYNAMODB_ENDPOINT for its handlers.
const dynamodb = process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : undefined;
const stack = await startLocalStack({ dataDir, port, regime, otherRegimes, ...(dynamodb ? { dynamodb } : {}) }).catch((err: unknown) => {
  if ((err as { code?: string }).code === 'EADDRINUSE') {
    console.error(`Cổng ${port} đang được dùng; đặt PORT khác / Port ${port} is in use; set PORT to another one.`);
    process.exit(1);
  }
  throw err;
});
const { app, mailbox, adminToken, oidc, users } = stack.endpoints;

// A fresh link each start (tokens are stored hashed, so an old one cannot be printed again).
const unit = regime.units[0];
let unitLine = '(chưa có đơn vị / no unit in the regime)';
if (unit) {
  const doc = dynamoDocClient(loadConfig(endpointsConfig));
  const { token } = await issueToken(
    { tokens: new DynamoTokenStore(doc, LOCAL_TABLE), clock: systemClock, regimes: regimeSet(regime, otherRegimes) },
    { unitId: unit.id },
  );
  unitLine = `${app}/#t=${token}   (${unit.name})`;
}

console.log(`
baocao — hệ thống chạy cục bộ đã sẵn sàng / local stack ready

  Biểu mẫu báo cáo        / Upload form:       ${app}/
  Đường dẫn của đơn vị    / Sample unit link:  ${unitLine}
  Bảng theo dõi (Sở Nội vụ) / Status board:    ${app}/board   (đăng nhập bằng một tài khoản dưới đây / sign in as a user below)
  Lối tắt cho kiểm thử      / Test shortcut:   ${app}/board#admin=${adminToken}
  Hộp thư (giả lập SES)   / Mailbox:           ${mailbox}

  Đăng nhập cán bộ (OpenID, thay Cognito) / Staff sign-in: ${oidc.issuer}  (client ${oidc.clientId})
${users.map((u) => `    ${u.username.padEnd(12)} ${u.password}   ${u.roleLabels.join('; ')}`).join('\n')}
  (lối tắt #admin= dùng mã truy cập 12 giờ của tài khoản quản trị / the #admin= shortcut carries the admin's 12 h token)

  Dữ liệu / Data: ${dataDir}  (endpoints.json)
  Nhấn Ctrl+C để dừng / Press Ctrl+C to stop
`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) process.exit(1); // a second Ctrl+C does not wait
  stopping = true;
  console.log(`\n${signal}: đang dừng / stopping…`);
  stack.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
