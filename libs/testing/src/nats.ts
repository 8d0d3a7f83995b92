// NATS for tests: unique subject prefixes on the shared server, and a private nats-server a test can
// stop and start again (same port, same store) to show what happens while NATS is down.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portAccepts } from './ports.js';
import { waitFor } from './wait-for.js';

export const NATS_SERVER_BINARY = process.env.FIELDLINE_NATS_SERVER ?? '/usr/sbin/nats-server';

/** `t` + 8 random lowercase hex chars: a valid subject token and stream-name part, unique per test. */
export function uniquePrefix(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

export interface PrivateNatsServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store directory; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes its store. */
  dispose(): Promise<void>;
}

export async function startNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'fl-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    if (child) return;
    const proc = spawn(NATS_SERVER_BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const spawnFailed = new Promise<never>((_, reject) =>
      proc.once('error', (err) => reject(new Error(`cannot run ${NATS_SERVER_BINARY}: ${err.message}`))),
    );
    await Promise.race([
      spawnFailed,
      waitFor(
        async () => {
          if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}: ${stderr}`);
          return portAccepts('127.0.0.1', port, 200);
        },
        { timeoutMs: 15_000, what: `nats-server on port ${port}` },
      ),
    ]);
  };

  const stop = async () => {
    if (!child) return;
    child.kill('SIGTERM');
    await exited;
    child = undefined;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
