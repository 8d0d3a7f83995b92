// bench:location:ingest — pings/s through the real gRPC stream (StreamPingBatches), batched, end to end: the
// location service as its own process (dist/main.js) with engine, geofences, group commit, one-INSERT track
// writes, device states and outbox events in PostgreSQL, acks back to the phones. Beside it, from the same run,
// the engine alone (LocationEngine.ingest on the same pings and fences) as the baseline. Needs `npm run build`.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createGrpcClient } from '@fieldline/platform';
import { accounts, location } from '@fieldline/proto';
import { credentials, Metadata } from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { cpuSeconds } from '../../../tests/bench/machine.mjs';
import { freePort, Processes } from '../../../tests/bench/processes.mjs';
import { destinationPoint, LocationEngine } from '../dist/domain/index.js';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 200);
const PINGS_PER_DEVICE = Number(process.env.BENCH_PINGS ?? 1000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
/** Messages a phone may have unacked before it waits (its send window). */
const WINDOW = Number(process.env.BENCH_WINDOW ?? 10);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20);
const SITES_PER_CUSTOMER = 10;
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const DATABASE_URL = process.env.FIELDLINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.FIELDLINE_NATS_URL ?? 'nats://127.0.0.1:4222';
const CENTER = { lat: 48.8566, lng: 2.3522 };

const processes = new Processes();
const tag = randomBytes(3).toString('hex');
const names = { accounts: `fl_bench_acc_${tag}`, location: `fl_bench_loc_${tag}`, prefix: `bench${tag}` };

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rnd = prng(20260105);

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Each phone's pings: it drives from site to site (≈ 12 m/s), dwells ≈ 150 s at each (so arrivals and
 * departures happen), one fix per second of device time, ending a minute ago.
 */
function traces(sites, t0) {
  const all = [];
  for (let d = 0; d < DEVICES; d++) {
    const pings = [];
    let at = destinationPoint(CENTER.lat, CENTER.lng, rnd() * 360, rnd() * 8000);
    let seq = 1;
    while (pings.length < PINGS_PER_DEVICE) {
      const site = sites[Math.floor(rnd() * sites.length)];
      for (;;) {
        const dLat = site.lat - at.lat;
        const dLng = site.lng - at.lng;
        const dist = Math.hypot(dLat * 111_000, dLng * 111_000 * Math.cos((at.lat * Math.PI) / 180));
        if (dist < 12 || pings.length >= PINGS_PER_DEVICE) break;
        const f = Math.min(1, 12 / dist);
        at = { lat: at.lat + dLat * f, lng: at.lng + dLng * f };
        pings.push({ seq: seq++, t: t0 + pings.length * 1000, ...at, speed: 12 });
      }
      for (let s = 0; s < 150 && pings.length < PINGS_PER_DEVICE; s++) {
        const p = destinationPoint(site.lat, site.lng, rnd() * 360, rnd() * 15);
        pings.push({ seq: seq++, t: t0 + pings.length * 1000, ...p, speed: 0 });
      }
    }
    all.push(
      pings.map((p) =>
        location.Ping.fromPartial({
          seq: p.seq,
          deviceTime: new Date(p.t),
          lat: p.lat,
          lng: p.lng,
          accuracyM: 4 + rnd() * 8,
          speedMps: p.speed,
          headingDeg: -1,
          batteryPct: 70,
        }),
      ),
    );
  }
  return all;
}

/** Streams every phone's pings in batches with a send window; resolves when every phone has its last ack. */
function streamAll(address, tokens, pingsOf) {
  const client = new location.DeviceIngestClient(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    let done = 0;
    tokens.forEach((token, d) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${token}`);
      const call = client.streamPingBatches(md);
      const pings = pingsOf[d];
      let next = 0;
      let acked = 0;
      const pump = () => {
        while (next < pings.length && next - acked < WINDOW * BATCH) {
          call.write({ pings: pings.slice(next, next + BATCH) });
          next += BATCH;
        }
      };
      call.on('data', (ack) => {
        acked = Math.max(acked, Number(ack.ackedSeq));
        if (ack.rejected.length > 0) reject(new Error(`rejected: ${JSON.stringify(ack.rejected[0])}`));
        if (acked >= pings.length) call.end();
        else pump();
      });
      call.on('error', reject);
      call.on('status', (s) => {
        if (s.code !== 0) return reject(new Error(s.details));
        if (++done === tokens.length) {
          client.close();
          resolve();
        }
      });
      pump();
    });
  });
}

/** One ping at a time, each waiting for its ack: what a single idle phone sees. */
async function idleLatency(address, token, t0) {
  const client = new location.DeviceIngestClient(address, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  const call = client.streamPingBatches(md);
  const waiters = new Map();
  call.on('data', (ack) => waiters.get(Number(ack.ackedSeq))?.());
  const ms = [];
  for (let s = 1; s <= LATENCY_SAMPLES; s++) {
    const acked = new Promise((r) => waiters.set(s, r));
    const started = process.hrtime.bigint();
    call.write({
      pings: [
        location.Ping.fromPartial({
          seq: s,
          deviceTime: new Date(t0 + s * 1000),
          lat: CENTER.lat,
          lng: CENTER.lng,
          speedMps: -1,
          headingDeg: -1,
          batteryPct: -1,
        }),
      ],
    });
    await acked;
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  call.end();
  client.close();
  return ms.sort((a, b) => a - b);
}

/** The engine alone on the same pings and fences, interleaved as the streams deliver them. */
function engineOnly(sites, pingsOf) {
  const engine = new LocationEngine();
  for (const [i, s] of sites.entries()) {
    engine.upsertFence({
      id: `site:c:${i}`,
      tenantId: 't',
      workerIds: 'any',
      shape: { kind: 'circle', lat: s.lat, lng: s.lng, radiusM: 100 },
    });
  }
  const domain = pingsOf.map((pings) =>
    pings.map((p) => ({
      seq: p.seq,
      deviceTime: p.deviceTime.getTime(),
      lat: p.lat,
      lng: p.lng,
      accuracyM: p.accuracyM,
      speedMps: p.speedMps,
      headingDeg: p.headingDeg,
      batteryPct: p.batteryPct,
    })),
  );
  const now = Date.now();
  let events = 0;
  const started = process.hrtime.bigint();
  for (let off = 0; off < PINGS_PER_DEVICE; off += BATCH) {
    for (let d = 0; d < domain.length; d++) {
      events += engine.ingest('t', `dev${d}`, `w${d}`, domain[d].slice(off, off + BATCH), now).events.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, events };
}

async function cleanup() {
  await processes.stopAll();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  for (const db of [names.location, names.accounts]) {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [db]);
    await admin.query(`drop database if exists ${db}`);
  }
  await admin.end();
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for (const s of [`${names.prefix.toUpperCase()}_EVENTS`, `${names.prefix.toUpperCase()}_DLQ`])
    await jsm.streams.delete(s).catch(() => {});
  await nc.close();
}

try {
  const [accountsPort, locationPort] = [await freePort(), await freePort()];
  const common = {
    FIELDLINE_DATABASE_URL: DATABASE_URL,
    FIELDLINE_NATS_URL: NATS_URL,
    FIELDLINE_NATS_PREFIX: names.prefix,
  };
  processes.start('accounts', 'services/accounts/dist/main.js', {
    ...common,
    FIELDLINE_JWT_SECRET: randomBytes(32).toString('base64url'),
    FIELDLINE_ACCOUNTS_DATABASE: names.accounts,
    FIELDLINE_GRPC_PORT: String(accountsPort),
  });
  const accountsAddr = `127.0.0.1:${accountsPort}`;
  const identity = createGrpcClient(accounts.IdentityServiceClient, accountsAddr, { deadlineMs: 30_000 });
  const signup = await until('accounts', () =>
    identity.signup({
      companyName: 'Bench Co',
      name: 'Bench Admin',
      email: 'bench@example.com',
      password: 'bench-password',
    }),
  );
  const admin = { kind: 'user', tenantId: signup.tenant.id, userId: signup.user.id, role: 'admin' };
  const location_ = processes.start(
    'location',
    'services/location/dist/main.js',
    {
      ...common,
      FIELDLINE_LOCATION_DATABASE: names.location,
      FIELDLINE_GRPC_PORT: String(locationPort),
      FIELDLINE_ACCOUNTS_ADDR: accountsAddr,
      FIELDLINE_LIVE_SUBJECT_PREFIX: `${names.prefix}-live`,
    },
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
  );
  const locationAddr = `127.0.0.1:${locationPort}`;

  console.log(`setting up: ${CUSTOMERS * SITES_PER_CUSTOMER} customer sites, ${DEVICES} workers with phones…`);
  const users = createGrpcClient(accounts.UsersServiceClient, accountsAddr, { deadlineMs: 30_000 });
  const devices = createGrpcClient(accounts.DevicesServiceClient, accountsAddr, { deadlineMs: 30_000 });
  const customers = createGrpcClient(accounts.CustomersServiceClient, accountsAddr, { deadlineMs: 30_000 });
  const sites = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const list = Array.from({ length: SITES_PER_CUSTOMER }, (_, s) => ({
      name: `Site ${s}`,
      address: `Rue ${s}`,
      ...destinationPoint(CENTER.lat, CENTER.lng, rnd() * 360, 500 + rnd() * 7500),
    }));
    sites.push(...list);
    await customers.createCustomer(
      accounts.CreateCustomerRequest.fromPartial({ code: `B${c}`, name: `Customer ${c}`, sites: list }),
      {
        caller: admin,
      },
    );
  }
  const tokens = [];
  for (let d = 0; d < DEVICES + 1; d++) {
    const user = await users.createUser(
      accounts.CreateUserRequest.fromPartial({
        name: `Worker ${d}`,
        email: `w${d}@bench.example`,
        role: 'coworker',
        password: 'bench-password',
      }),
      { caller: admin },
    );
    const res = await devices.createDevice(
      accounts.CreateDeviceRequest.fromPartial({ workerId: user.id, name: 'phone' }),
      { caller: admin },
    );
    tokens.push(res.token);
  }
  const locDb = new pg.Client({ connectionString: `${DATABASE_URL.replace(/\/[^/]*$/, '')}/${names.location}` });
  await until('location', async () => {
    await locDb.connect().catch(() => {});
    const r = await locDb.query('select count(*)::int as n from site_fences where active');
    return r.rows[0].n === sites.length;
  });
  // The last NOTIFYs reach the engine a moment after the rows are committed.
  await new Promise((r) => setTimeout(r, 1000));
  const latencyToken = tokens.pop();

  const t0 = Date.now() - PINGS_PER_DEVICE * 1000 - 60_000;
  const pingsOf = traces(sites, t0);
  const total = DEVICES * PINGS_PER_DEVICE;
  console.log(
    `streaming ${total.toLocaleString()} pings (${DEVICES} phones × ${PINGS_PER_DEVICE}, ${BATCH} per message, window ${WINDOW} messages)…`,
  );
  const backends = async () =>
    (
      await locDb.query('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        names.location,
      ])
    ).rows.map((r) => r.pid);
  const pgBefore = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
  const cpuBefore = cpuSeconds(location_.pid);
  const started = process.hrtime.bigint();
  await streamAll(locationAddr, tokens, pingsOf);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serviceCpu = cpuSeconds(location_.pid) - cpuBefore;
  let pgCpu = 0;
  for (const pid of await backends()) pgCpu += cpuSeconds(pid) - (pgBefore.get(pid) ?? 0);
  const stored = (await locDb.query('select count(*)::int as n from track_points')).rows[0].n;
  const outbox = (await locDb.query(`select count(*)::int as n from outbox`)).rows[0].n;

  const latency = await idleLatency(locationAddr, latencyToken, Date.now() - LATENCY_SAMPLES * 1000 - 60_000);
  const engine = engineOnly(sites, pingsOf);
  await locDb.end();

  const e2e = total / seconds;
  const engineRate = total / engine.seconds;
  console.table([
    {
      measure: 'gRPC stream → engine → PostgreSQL (track, device state, outbox) → ack',
      'pings/s': Math.round(e2e),
      'pings per service CPU-s': Math.round(total / serviceCpu),
      'pings per service+PG CPU-s': Math.round(total / (serviceCpu + pgCpu)),
    },
    { measure: 'engine alone (LocationEngine.ingest, same pings and fences)', 'pings/s': Math.round(engineRate) },
  ]);
  console.log(
    `stored ${stored.toLocaleString()} of ${total.toLocaleString()} pings, ${outbox} arrival/departure events · wall ${seconds.toFixed(2)} s · ` +
      `service CPU ${serviceCpu.toFixed(2)} s, PostgreSQL backends ${pgCpu.toFixed(2)} s · engine alone ${engine.seconds.toFixed(2)} s (${engine.events} events) · ratio end-to-end ÷ engine ${(e2e / engineRate).toFixed(3)}`,
  );
  console.log(
    `idle phone, one ping at a time (${LATENCY_SAMPLES}): ack after p50 ${percentile(latency, 50).toFixed(2)} ms, p99 ${percentile(latency, 99).toFixed(2)} ms`,
  );
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; the load generator, the service and PostgreSQL share it`,
  );
  console.log('target: ≥ 30,000 pings/s per core end to end');
  if (stored !== total) throw new Error(`stored ${stored} pings, expected ${total}`);
} finally {
  await cleanup();
}
