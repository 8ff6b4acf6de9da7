import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The official DynamoDB Local (Java) as a backend of the local stack, next to dynalite: it keeps
 * DynamoDB's real behaviour where dynalite is kinder (map key order, some validation).
 *
 * AWS ships the jar as a download; npm ships it inside `amplify-dynamodb-simulator` (folder
 * `emulator/`, DynamoDB Local 1.25.1). Only that folder is taken: `npm pack` fetches the tarball
 * through npm's cache and integrity check, without the package's ~290 MB of dependencies and
 * without its broken Node wrapper.
 */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Git-ignored; one copy per checkout. */
export const DYNAMODB_LOCAL_DIR = join(ROOT, '.cache', 'dynamodb-local');
const JAR = 'DynamoDBLocal.jar';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;

const run = promisify(execFile);

/** JVMs this process started: killed when it exits, so a test that times out mid-stack leaks none. */
const children = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

/** Fetches the jar folder once; concurrent callers (parallel test files) each extract and the first rename wins. */
export async function installDynamoDbLocal(log: (line: string) => void = () => {}): Promise<string> {
  if (existsSync(join(DYNAMODB_LOCAL_DIR, JAR))) return DYNAMODB_LOCAL_DIR;
  await mkdir(dirname(DYNAMODB_LOCAL_DIR), { recursive: true });
  const work = await mkdtemp(join(dirname(DYNAMODB_LOCAL_DIR), 'dynamodb-local-tmp-'));
  try {
    log(`[dynamodb-local] fetching ${DYNAMODB_LOCAL_PACKAGE} (emulator/ only)…`);
    await run('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', work], { cwd: work, maxBuffer: 1 << 20 });
    const tgz = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE} produced no tarball`);
    await run('tar', ['-xzf', tgz, 'package/emulator'], { cwd: work });
    try {
      await rename(join(work, 'package', 'emulator'), DYNAMODB_LOCAL_DIR);
    } catch (err) {
      if (!existsSync(join(DYNAMODB_LOCAL_DIR, JAR))) throw err;
    }
    return DYNAMODB_LOCAL_DIR;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * One JVM per stack. `dbPath` keeps data across restarts like dynalite's `path`; without it the
 * database lives in memory. It listens on all interfaces (no bind option), so clients use 127.0.0.1.
 */
export async function startDynamoDbLocal(opts: { dbPath?: string; log?: (line: string) => void } = {}): Promise<DynamoDbLocal> {
  const dir = await installDynamoDbLocal(opts.log);
  const port = await freePort();
  const storage = opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory'];
  if (opts.dbPath) await mkdir(opts.dbPath, { recursive: true });
  const child = spawn(
    'java',
    ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', JAR, '-port', String(port), ...storage, '-sharedDb', '-disableTelemetry'],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  track(child);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const spawnFailed = new Promise<never>((_, rej) =>
    child.once('error', (e) => rej(new Error(`cannot run java (install openjdk-17-jre-headless): ${e.message}`))),
  );
  const stop = () => stopChild(child, exited);
  try {
    await Promise.race([
      waitForPort(port, START_TIMEOUT_MS),
      spawnFailed,
      exited.then((code) => {
        throw new Error(`DynamoDB Local exited with code ${String(code)} before listening: ${stderr.trim()}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint: `http://${HOST}:${port}`, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const sock = connect(port, HOST);
      sock.once('connect', () => {
        sock.destroy();
        res(true);
      });
      sock.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`DynamoDB Local did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// `npm run ddb-local:install`: fetch ahead of time (CI does, so the first test does not pay for it).
const isMain = process.argv[1] && /dynamodb-local\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  const dir = await installDynamoDbLocal(console.log);
  console.log(`[dynamodb-local] ${join(dir, JAR)}`);
}
