// bench:jobs — POST /v1/jobs (gateway → gRPC → jobs → PostgreSQL, numbering, history, outbox) and
// GET /v1/jobs lists (plain, full-text q=, status filter) on the table the creates left, side by side in the
// same run with GET /v1/me (one gRPC call to accounts) as the baseline. Built accounts, jobs and gateway run as
// separate processes on their own databases and NATS prefix, all removed at the end.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, Processes } from './processes.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const processes = new Processes();

async function waitFor(what, check) {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} never became ready`);
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
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
  };
}

// The machine may be shared: its load when the run starts and ends is printed beside the figures.
const loadAtStart = os.loadavg()[0];
const stamp = `${Date.now()}_${randomBytes(2).toString('hex')}`;
const common = {
  FIELDLINE_JWT_SECRET: randomBytes(32).toString('base64url'),
  FIELDLINE_NATS_PREFIX: `benchjobs${randomBytes(3).toString('hex')}`,
};
const accountsDatabase = `fieldline_bench_acc_${stamp}`;
const jobsDatabase = `fieldline_bench_jobs_${stamp}`;
const blobDir = `${os.tmpdir()}/fieldline-bench-jobs-${stamp}`;
const serverUrl = process.env.FIELDLINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The benchmark leaves nothing behind: its databases, its NATS streams and its blob directory go when it ends.
async function cleanUp() {
  // Gateway first, accounts last: requests still queued when a run ends drain against live services.
  await processes.stopAll();
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  for (const db of [accountsDatabase, jobsDatabase]) await client.query(`drop database if exists ${db} with (force)`);
  await client.end();
  const nc = await connect({ servers: process.env.FIELDLINE_NATS_URL ?? 'nats://127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  for (const stream of [eventsStreamName(common.FIELDLINE_NATS_PREFIX), dlqStreamName(common.FIELDLINE_NATS_PREFIX)]) {
    await jsm.streams.delete(stream).catch(() => {});
  }
  await nc.close();
  await rm(blobDir, { recursive: true, force: true });
}

/**
 * How many jobs the creates left, after refreshing the planner's statistics of the jobs table. Thousands of rows
 * written in seconds leave PostgreSQL believing the table holds a dozen (autovacuum analyzes a minute later in a
 * running system); with those statistics a page of 50 was a bitmap scan and a sort of every job of the tenant,
 * 12.4 ms instead of 0.16 ms, and the list figures measured the stale statistics rather than the service.
 */
async function jobRows() {
  const client = new pg.Client({ connectionString: serverUrl.replace(/\/[^/]*$/, `/${jobsDatabase}`) });
  await client.connect();
  await client.query('analyze jobs');
  const { rows } = await client.query('select count(*)::int as n from jobs');
  await client.end();
  return rows[0].n;
}

// A few kinds of work, so q=boiler finds about one job in eight.
const TITLES = [
  'Boiler service',
  'Leaking tap in the kitchen',
  'Replace air filter',
  'Annual safety inspection',
  'Blocked drain',
  'Install thermostat',
  'Radiator bleeding',
  'Water heater check',
];

try {
  const [accountsPort, jobsPort, gatewayPort, unusedPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  processes.start('accounts', 'services/accounts/dist/main.js', {
    ...common,
    FIELDLINE_ACCOUNTS_DATABASE: accountsDatabase,
    FIELDLINE_GRPC_PORT: String(accountsPort),
  });
  processes.start('jobs', 'services/jobs/dist/main.js', {
    ...common,
    FIELDLINE_JOBS_DATABASE: jobsDatabase,
    FIELDLINE_GRPC_PORT: String(jobsPort),
    FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${accountsPort}`,
    FIELDLINE_BLOB_DIR: blobDir,
  });
  processes.start('gateway', 'services/gateway/dist/main.js', {
    ...common,
    FIELDLINE_HTTP_PORT: String(gatewayPort),
    FIELDLINE_HTTP_HOST: '127.0.0.1',
    FIELDLINE_ACCOUNTS_ADDR: `127.0.0.1:${accountsPort}`,
    FIELDLINE_JOBS_ADDR: `127.0.0.1:${jobsPort}`,
    // No location service in this benchmark; nothing measured here calls it.
    FIELDLINE_LOCATION_ADDR: `127.0.0.1:${unusedPort}`,
  });
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  await waitFor('the gateway', async () => (await fetch(`${gateway}/livez`)).ok);

  const post = async (path, body, headers = {}) => {
    const res = await fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  let signup;
  await waitFor('accounts', async () => {
    signup = await post('/v1/signup', {
      companyName: 'Bench Co',
      name: 'Bench Admin',
      email: 'bench@example.com',
      password: 'bench-password',
    });
    return true;
  });
  const auth = { authorization: `Bearer ${signup.accessToken}` };
  const customer = await post('/v1/customers', { code: 'BENCH', name: 'Bench Customer Ltd', slaHours: 48 }, auth);
  await waitFor('jobs', async () => (await fetch(`${gateway}/v1/jobs?limit=1`, { headers: auth })).ok);

  let n = 0;
  const create = {
    url: gateway,
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: '/v1/jobs',
        setupRequest: (req) => {
          const title = TITLES[n++ % TITLES.length];
          return {
            ...req,
            body: JSON.stringify({
              title,
              description: `${title}, reported by the bench (#${n}).`,
              customerId: customer.id,
              priority: 'normal',
            }),
          };
        },
      },
    ],
  };
  const me = { url: `${gateway}/v1/me`, headers: auth };
  const list = (query) => ({ url: `${gateway}/v1/jobs?${query}`, headers: auth });

  console.log(`warming up (${WARMUP} s each), then ${DURATION} s per target with ${CONNECTIONS} connections...`);
  await run({ ...me, duration: WARMUP });
  await run({ ...create, duration: WARMUP });
  const meBefore = await run({ ...me, duration: DURATION });
  const created = await run({ ...create, duration: DURATION });
  const rows = await jobRows();
  await run({ ...list('limit=50'), duration: WARMUP });
  const listed = await run({ ...list('limit=50'), duration: DURATION });
  const searched = await run({ ...list('limit=50&q=boiler'), duration: DURATION });
  const filtered = await run({ ...list('limit=50&status=not_started'), duration: DURATION });
  const meAfter = await run({ ...me, duration: DURATION });

  const results = [
    summary('POST /v1/jobs (create)', created),
    summary(`GET /v1/jobs?limit=50 (${rows} jobs)`, listed),
    summary('GET /v1/jobs?limit=50&q=boiler', searched),
    summary('GET /v1/jobs?limit=50&status=not_started', filtered),
    summary('GET /v1/me (baseline, before)', meBefore),
    summary('GET /v1/me (baseline, after)', meAfter),
  ];
  console.table(results);
  const baseline = (meBefore.requests.average + meAfter.requests.average) / 2;
  for (const r of results.slice(0, 4)) {
    console.log(`${r.label}: ${(r['req/s'] / baseline).toFixed(2)} × the /v1/me baseline`);
  }
  const cpus = os.cpus();
  console.table([
    {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      'RAM GiB': Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      'load avg (1 min) start → end': `${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    },
  ]);
} finally {
  await cleanUp();
}
