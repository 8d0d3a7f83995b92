// `npm start`: checks PostgreSQL and NATS, starts every service as its own process with prefixed
// logs, seeds the demo tenant, and prints the URL and the demo logins. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { seedDemo } from './seed.mjs';
import { services } from './services.mjs';

const env = process.env;
const databaseUrl = env.FIELDLINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = env.FIELDLINE_NATS_URL ?? 'nats://127.0.0.1:4222';
const ports = {
  gateway: Number(env.FIELDLINE_HTTP_PORT ?? 8080),
  accounts: Number(env.FIELDLINE_ACCOUNTS_PORT ?? 50051),
  jobs: Number(env.FIELDLINE_JOBS_PORT ?? 50052),
  location: Number(env.FIELDLINE_LOCATION_PORT ?? 50053),
};

const colours = [36, 35, 33, 32, 34, 31, 96, 95];
const paint = (i, s) => (process.stdout.isTTY ? `\x1b[${colours[i % colours.length]}m${s}\x1b[0m` : s);

function reachable(url, defaultPort) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    socket.setTimeout(2000);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function checkDependencies() {
  const problems = [];
  if (!(await reachable(databaseUrl, 5432))) {
    problems.push(
      `PostgreSQL is not reachable at ${databaseUrl}. Start it with:\n` +
        '    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n' +
        '  or point FIELDLINE_DATABASE_URL at a running server.',
    );
  }
  if (!(await reachable(natsUrl, 4222))) {
    problems.push(
      `NATS (with JetStream) is not reachable at ${natsUrl}. Start it with:\n` +
        '    start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log\n' +
        '  or point FIELDLINE_NATS_URL at a running server.',
    );
  }
  if (problems.length) {
    console.error(`Fieldline cannot start:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

// One JWT secret per checkout, kept in var/ so tokens survive a restart of the dev platform.
function devSecret() {
  if (env.FIELDLINE_JWT_SECRET) return env.FIELDLINE_JWT_SECRET;
  mkdirSync('var', { recursive: true });
  if (!existsSync('var/dev-jwt-secret')) writeFileSync('var/dev-jwt-secret', randomBytes(32).toString('base64url'));
  return readFileSync('var/dev-jwt-secret', 'utf8').trim();
}

// pino JSON lines → "[service] level message {extra}" for people; anything else passes through.
function humanLine(line) {
  try {
    const { level, msg, time, service, pid, hostname, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(level).padEnd(5)} ${msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

const children = [];
function startService(svc, i, common) {
  const child = spawn(process.execPath, [svc.entry, ...(svc.args ?? [])], {
    env: { ...common, ...svc.env(ports) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = paint(i, `[${svc.name.padEnd(8)}]`);
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) if (line) console.log(`${prefix} ${humanLine(line)}`);
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix} exited (${signal ?? code})`);
    // A service dying stops the platform; the simulated fleet is a demo and may end alone.
    if (!stopping && !svc.optional) shutdown(1);
  });
  children.push(child);
  return child;
}

async function waitReady(svc) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (svc.ready.kind === 'tcp' && (await reachable(`tcp://127.0.0.1:${svc.ready.port(ports)}`))) return;
    if (svc.ready.kind === 'http') {
      const ok = await fetch(svc.ready.url(ports)).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${svc.name} did not become ready within 60 s`);
}

let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

await checkDependencies();
const common = {
  ...env,
  FIELDLINE_DATABASE_URL: databaseUrl,
  FIELDLINE_NATS_URL: natsUrl,
  FIELDLINE_JWT_SECRET: devSecret(),
  NODE_ENV: env.NODE_ENV ?? 'development',
};
try {
  for (const [i, svc] of services.entries()) {
    startService(svc, i, common);
    await waitReady(svc);
  }
  const baseUrl = `http://127.0.0.1:${ports.gateway}`;
  const demo = await seedDemo(baseUrl);
  // The simulated fleet: every demo co-worker's phone streams pings to location, driving between the sites.
  startService(
    {
      name: 'fleet',
      entry: 'tools/fleet-sim/run.mjs',
      args: ['--location-addr', `127.0.0.1:${ports.location}`, '--devices', demo.devicesFile, '--sites', demo.sites],
      env: () => ({}),
      optional: true,
    },
    services.length,
    common,
  );
  console.log(`
Fieldline is running, with a simulated fleet of ${demo.phones} phones streaming positions.
  API:       ${baseUrl}   (OpenAPI: ${baseUrl}/openapi.json, docs: ${baseUrl}/docs)
  Tenant:    ${demo.tenant}
  Logins (password for all: ${demo.password}):
${demo.logins.map((l) => `    ${l.role.padEnd(10)} ${l.email}`).join('\n')}
  Try:       curl -s ${baseUrl}/v1/auth/login -H 'content-type: application/json' \\
               -d '{"tenant":"${demo.tenant}","email":"${demo.logins[0].email}","password":"${demo.password}"}'
Ctrl-C stops everything.`);
} catch (err) {
  console.error(`Fieldline failed to start: ${err.message}`);
  shutdown(1);
}
