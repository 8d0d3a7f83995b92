// The benchmarks' service processes: the built services started as children on free ports, logging only
// warnings, and stopped in reverse order at the end, so requests still queued drain against live services.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port nothing listens on right now. */
export const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

// BENCH_PROFILE=<dir>: every service process writes a V8 CPU profile there when it exits.
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

export class Processes {
  children = [];

  /** Starts `entry` with node (and `nodeArgs`); the child carries its name as `benchName`. */
  start(name, entry, env, nodeArgs = []) {
    const child = spawn(process.execPath, [...profileArgs, ...nodeArgs, entry], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.children.push(child);
    child.on('exit', (code) => code && console.error(`${name} exited with ${code}`));
    return Object.assign(child, { benchName: name });
  }

  /** SIGTERM to each child, last started first, waiting for each to exit. */
  async stopAll() {
    for (const child of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }
}
