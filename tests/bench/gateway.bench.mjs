// bench:gateway — authenticated GET /v1/me through the real gateway → gRPC → accounts → PostgreSQL,
// side by side with a bare fastify route in the same run. Prints req/s, latency percentiles, ratio.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import { dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const USERS = Number(process.env.BENCH_USERS ?? CONNECTIONS);
const children = [];
// BENCH_PROFILE=<dir> writes a V8 CPU profile of each service process there when the run ends.
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

function start(name, entry, env) {
  const child = spawn(process.execPath, [...profileArgs, entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  child.on('exit', (code) => code && console.error(`${name} exited with ${code}`));
}

async function waitHttp(url) {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never became ready`);
}

const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: CONNECTIONS, pipelining: 1, ...opts }, (err, res) => (err ? reject(err) : resolve(res))),
  );

function summary(label, r) {
  return {
    label,
    'req/s': Math.round(r.requests.average),
    'p50 ms': r.latency.p50,
    'p90 ms': r.latency.p90,
    'p99 ms': r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

const common = {
  FIELDLINE_JWT_SECRET: randomBytes(32).toString('base64url'),
  FIELDLINE_ACCOUNTS_DATABASE: `fieldline_bench_${Date.now()}`,
  FIELDLINE_NATS_PREFIX: `bench${randomBytes(3).toString('hex')}`,
};
const serverUrl = process.env.FIELDLINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The benchmark leaves nothing behind: its database and its NATS streams go when it ends.
async function cleanUp() {
  const exited = children.map((c) => (c.exitCode !== null ? undefined : once(c, 'exit')));
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(exited);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`drop database if exists ${common.FIELDLINE_ACCOUNTS_DATABASE} with (force)`);
  await client.end();
  const nc = await connect({ servers: process.env.FIELDLINE_NATS_URL ?? 'nats://127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  for (const stream of [eventsStreamName(common.FIELDLINE_NATS_PREFIX), dlqStreamName(common.FIELDLINE_NATS_PREFIX)]) {
    await jsm.streams.delete(stream).catch(() => {});
  }
  await nc.close();
}

try {
  const [accountsPort, gatewayPort, barePort] = [await freePort(), await freePort(), await freePort()];
  start('accounts', 'services/accounts/dist/main.js', { ...common, FIELDLINE_GRPC_PORT: String(accountsPort) });
  start('gateway', 'services/gateway/dist/main.js', {
    ...common,
    FIELDLINE_HTTP_PORT: String(gatewayPort),
    FIELDLINE_HTTP_HOST: '127.0.0.1',
    FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${accountsPort}`,
    // The benchmark signs up one tenant per user from one address.
    FIELDLINE_RATE_LIMIT_AUTH_PER_MINUTE: String(USERS + 10),
  });
  start('bare', 'tests/bench/bare-fastify.mjs', { PORT: String(barePort) });
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  // /readyz would also wait for services this benchmark does not start; /v1/me needs only accounts.
  await waitHttp(`${gateway}/livez`);
  await waitHttp(`http://127.0.0.1:${barePort}/bare`);

  // One user per connection, each in its own tenant: the route's cost with many callers, not one cached caller.
  const tokens = [];
  for (let i = 0; i < USERS; i++) {
    const signup = await fetch(`${gateway}/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        companyName: `Bench Co ${i}`,
        name: 'Bench Admin',
        email: `bench${i}@example.com`,
        password: 'bench-password',
      }),
    }).then((r) => r.json());
    tokens.push(`Bearer ${signup.accessToken}`);
  }
  // autocannon calls setupRequest with a context of its own per connection: each connection keeps one user.
  let nextUser = 0;
  const me = (duration) =>
    run({
      url: `${gateway}/v1/me`,
      duration,
      requests: [
        {
          setupRequest: (req, context) => {
            context.token ??= tokens[nextUser++ % tokens.length];
            return { ...req, headers: { ...req.headers, authorization: context.token } };
          },
        },
      ],
    });

  console.log(`warming up (5 s each), then ${DURATION} s per target with ${CONNECTIONS} connections...`);
  await me(5);
  await run({ url: `http://127.0.0.1:${barePort}/bare`, duration: 5 });
  const meResult = await me(DURATION);
  const bare = await run({ url: `http://127.0.0.1:${barePort}/bare`, duration: DURATION });

  const rows = [
    summary(`GET /v1/me, ${USERS} users (gateway → gRPC → accounts → PostgreSQL)`, meResult),
    summary('bare fastify route', bare),
  ];
  console.table(rows);
  console.log(
    `ratio /v1/me ÷ bare: ${(rows[0]['req/s'] / rows[1]['req/s']).toFixed(2)} · machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log('target: ≥ 6,000 req/s with p99 ≤ 25 ms for GET /v1/me');
} finally {
  await cleanUp();
}
