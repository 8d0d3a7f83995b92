// bench:gateway — authenticated GET /v1/me through the real gateway → gRPC → accounts → PostgreSQL,
// side by side with a bare fastify route in the same run. Prints req/s, latency percentiles, ratio.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuSeconds, machineShares, machineTicks } from './machine.mjs';
import { freePort, Processes } from './processes.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const USERS = Number(process.env.BENCH_USERS ?? CONNECTIONS);
// BENCH_RATE=<req/s> adds a paced run (autocannon) to read latency at a fixed offered rate. Off by default: on
// 2 cores autocannon cannot offer 6,000 req/s without taking the CPU the gateway needs (it reached 4.5-5.5k),
// and the saturation run's latency is already an upper bound for any lower rate.
const RATE = Number(process.env.BENCH_RATE ?? 0);
// The machine is shared: say how busy it was, so a reader can tell a quiet run from a loaded one.
const LOAD_BEFORE = os.loadavg()[0].toFixed(2);
const processes = new Processes();

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

// The load generator shares the 2 cores with what it measures: wrk (C, Debian's package) takes a fraction of
// the CPU autocannon (Node) does, so it is used when installed; BENCH_CLIENT=autocannon|wrk chooses.
const wrkPath = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
const CLIENT = process.env.BENCH_CLIENT ?? (wrkPath ? 'wrk' : 'autocannon');
if (CLIENT === 'wrk' && !wrkPath) throw new Error('BENCH_CLIENT=wrk but wrk is not installed: apt-get install wrk');

/** Load on `url` for `duration` s; each request carries one of `authorizations` in turn. Same figures from both clients. */
async function load(url, duration, authorizations = []) {
  return CLIENT === 'wrk'
    ? loadWithWrk(url, duration, authorizations)
    : loadWithAutocannon(url, duration, authorizations);
}

async function loadWithAutocannon(url, duration, authorizations, overallRate) {
  // autocannon calls setupRequest with a context of its own per connection: each connection keeps one user.
  let next = 0;
  const requests = authorizations.length
    ? [
        {
          setupRequest: (req, context) => {
            context.authorization ??= authorizations[next++ % authorizations.length];
            return { ...req, headers: { ...req.headers, authorization: context.authorization } };
          },
        },
      ]
    : undefined;
  const r = await new Promise((resolve, reject) =>
    autocannon({ url, duration, connections: CONNECTIONS, pipelining: 1, requests, overallRate }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

async function loadWithWrk(url, duration, authorizations) {
  // wrk's Lua: each request takes the next user's token; done() prints the figures as one JSON line.
  const script = join(tmpdir(), `fieldline-bench-${process.pid}.lua`);
  writeFileSync(
    script,
    `local tokens = { ${authorizations.map((a) => JSON.stringify(a)).join(', ')} }
local i = 0
if #tokens > 0 then
  request = function()
    i = i + 1
    return wrk.format("GET", nil, { ["Authorization"] = tokens[(i % #tokens) + 1] })
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('FIGURES {"requests":%d,"us":%d,"errors":%d,"p50":%f,"p90":%f,"p99":%f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
`,
  );
  const out = await new Promise((resolve, reject) =>
    execFile(wrkPath, ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '-s', script, url], (err, stdout, stderr) =>
      err ? reject(err) : resolve(stdout + stderr),
    ),
  ).finally(() => rmSync(script, { force: true }));
  const line = out.split('\n').find((l) => l.startsWith('FIGURES '));
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  const f = JSON.parse(line.slice('FIGURES '.length));
  return { rps: f.requests / (f.us / 1e6), p50: f.p50, p90: f.p90, p99: f.p99, errors: f.errors };
}

/** Runs one load phase and adds what the machine and the services did meanwhile. */
async function measured(phase, services) {
  const ticks = machineTicks();
  const cpu = services.map((c) => cpuSeconds(c.pid));
  const startedAt = performance.now();
  const r = await phase();
  const seconds = (performance.now() - startedAt) / 1000;
  const busy = services.map((c, i) => `${c.benchName} ${Math.round(((cpuSeconds(c.pid) - cpu[i]) / seconds) * 100)}%`);
  return {
    ...r,
    busy: busy.join(', '),
    ...machineShares(ticks, machineTicks()),
    // CPU time of the services per request: what the route costs them, whatever the machine's load.
    usPerRequest: services.length
      ? Math.round((services.reduce((sum, c, i) => sum + cpuSeconds(c.pid) - cpu[i], 0) / (r.rps * seconds)) * 1e6)
      : undefined,
  };
}

function summary(label, r) {
  return {
    label,
    'req/s': Math.round(r.rps),
    'p50 ms': Number(r.p50.toFixed(1)),
    'p90 ms': Number(r.p90.toFixed(1)),
    'p99 ms': Number(r.p99.toFixed(1)),
    errors: r.errors,
    'service CPU µs/req': r.usPerRequest ?? '',
    'idle %': r.idlePct,
    'steal %': r.stealPct,
    'CPU of a core': r.busy,
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
  await processes.stopAll();
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
  const accountsProcess = processes.start('accounts', 'services/accounts/dist/main.js', {
    ...common,
    FIELDLINE_GRPC_PORT: String(accountsPort),
  });
  const gatewayProcess = processes.start('gateway', 'services/gateway/dist/main.js', {
    ...common,
    FIELDLINE_HTTP_PORT: String(gatewayPort),
    FIELDLINE_HTTP_HOST: '127.0.0.1',
    FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${accountsPort}`,
    // The benchmark signs up one tenant per user from one address.
    FIELDLINE_RATE_LIMIT_AUTH_PER_MINUTE: String(USERS + 10),
  });
  const bareProcess = processes.start('bare', 'tests/bench/bare-fastify.mjs', { PORT: String(barePort) });
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
  const me = (duration) => load(`${gateway}/v1/me`, duration, tokens);
  const bareRoute = (duration) => load(`http://127.0.0.1:${barePort}/bare`, duration);

  console.log(`${CLIENT}: warming up (5 s each), then ${DURATION} s per target with ${CONNECTIONS} connections...`);
  await me(5);
  await bareRoute(5);
  const meResult = await measured(() => me(DURATION), [gatewayProcess, accountsProcess]);
  // A fixed offered rate, from autocannon (wrk cannot pace): its latencies are corrected for coordinated omission.
  const meAtRate =
    RATE > 0
      ? await measured(
          () => loadWithAutocannon(`${gateway}/v1/me`, DURATION, tokens, RATE),
          [gatewayProcess, accountsProcess],
        )
      : undefined;
  const bare = await measured(() => bareRoute(DURATION), [bareProcess]);

  const rows = [
    summary(`GET /v1/me, ${USERS} users (gateway → gRPC BatchGetMe → accounts → PostgreSQL)`, meResult),
    ...(meAtRate ? [summary(`GET /v1/me offered at ${RATE} req/s (autocannon, paced)`, meAtRate)] : []),
    summary('bare fastify route', bare),
  ];
  console.table(rows);
  console.log(
    `ratio /v1/me ÷ bare: ${(rows[0]['req/s'] / rows.at(-1)['req/s']).toFixed(2)} · client: ${CLIENT} · load average before: ${LOAD_BEFORE} · machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log('target: ≥ 6,000 req/s for GET /v1/me with p99 ≤ 25 ms');
} finally {
  await cleanUp();
}
