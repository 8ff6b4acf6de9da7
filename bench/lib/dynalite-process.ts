import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * dynalite (in memory) in a child process: the emulator gets its own event loop, so on two cores
 * the client side under test and the emulator do not queue behind each other as they would in one
 * process. The floor runs against the same server, so both pay the same emulator cost.
 */
export async function startDynaliteProcess(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const code = `
    const server = require(${JSON.stringify(dynalitePath)})({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
    process.on('disconnect', () => process.exit(0));
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`dynalite process exited with ${c}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  child.removeAllListeners('exit');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
