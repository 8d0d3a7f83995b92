// bench:location:arrival — how long after a phone's ping completes the dwell the job is In progress: the real
// accounts, jobs and location services as their own processes (dist/main.js, fresh databases, a private NATS
// prefix), one tenant with minOnSiteSeconds set, workers with phones, one assigned job with a site (its geofence)
// per worker, each phone driven over DeviceIngest/StreamPings into its job's fence. Beside it, from the same
// run, the floor: a bare JetStream publish → durable pull consumer round trip on the same NATS server.
// Needs `npm run build`.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import { createGrpcClient, decodeEnvelope, dlqStreamName, eventsStreamName } from '@fieldline/platform';
import { accounts, jobs, jobsEvents, location, locationEvents } from '@fieldline/proto';
import { credentials, Metadata } from '@grpc/grpc-js';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { cpuSeconds, machineTicks } from '../../../tests/bench/machine.mjs';
import { freePort, Processes } from '../../../tests/bench/processes.mjs';
import { destinationPoint } from '../dist/domain/index.js';

/** Measured arrivals per phase (one worker, one phone, one job each), after WARMUP unmeasured ones. */
const ARRIVALS = Number(process.env.BENCH_ARRIVALS ?? 250);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
/** The second phase's completing pings sent at the same moment (the first phase sends one at a time). */
const BURST = Number(process.env.BENCH_BURST ?? 10);
const MIN_ON_SITE_SECONDS = Number(process.env.BENCH_MIN_ON_SITE ?? 60);
const BASELINE_SAMPLES = Number(process.env.BENCH_BASELINE_SAMPLES ?? 250);
const DATABASE_URL = process.env.FIELDLINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.FIELDLINE_NATS_URL ?? 'nats://127.0.0.1:4222';
const CENTER = { lat: 52.52, lng: 13.405 };
const FENCE_RADIUS_M = 100;
const TARGET_P99_MS = 50;

const processes = new Processes();
const tag = randomBytes(3).toString('hex');
const names = {
  accounts: `fl_bench_arr_acc_${tag}`,
  jobs: `fl_bench_arr_jobs_${tag}`,
  location: `fl_bench_arr_loc_${tag}`,
  prefix: `bencharr${tag}`,
  baselineStream: `BENCHARR${tag.toUpperCase()}_BASELINE`,
};
const blobDir = `${os.tmpdir()}/fieldline-bench-arrival-${tag}`;
const dbUrl = (name) => DATABASE_URL.replace(/\/[^/]*$/, `/${name}`);
const loadAtStart = os.loadavg();

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

function stats(label, values) {
  const s = [...values].sort((a, b) => a - b);
  const f = (v) => Number(v.toFixed(1));
  return {
    measure: label,
    n: s.length,
    'p50 ms': f(percentile(s, 50)),
    'p90 ms': f(percentile(s, 90)),
    'p99 ms': f(percentile(s, 99)),
    'max ms': f(s[s.length - 1]),
  };
}

/**
 * Every message of one subject of the events stream from now on, through an ordered consumer, each with the
 * moment it reached this process. NATS 2.9 cannot filter one consumer on two subjects, hence one per subject.
 */
async function tap(js, stream, subject, decode) {
  const consumer = await js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  const waiters = new Map();
  const seen = new Map();
  void (async () => {
    for await (const m of messages) {
      const at = process.hrtime.bigint();
      const key = decode(decodeEnvelope(m.data));
      if (key === undefined) continue;
      seen.set(key, at);
      waiters.get(key)?.(at);
    }
  })();
  return {
    /** Resolves with the hrtime the message for `key` arrived (at once when it already has). */
    when(key, timeoutMs = 30_000) {
      if (seen.has(key)) return Promise.resolve(seen.get(key));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event for ${key} on ${subject}`)), timeoutMs);
        waiters.set(key, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    stop: () => messages.close(),
  };
}

/**
 * The floor: publish on the same NATS server (awaiting JetStream's ack, as the outbox relay does) and receive
 * through a durable pull consumer pulling as the platform's consumers do (consume, 10 messages, 10 s expiry).
 * Its own stream, so no service's consumer sees these messages.
 */
async function jetStreamRoundTrip(nc) {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const subject = `${names.prefix}_baseline.round_trip`;
  await jsm.streams.add({ name: names.baselineStream, subjects: [subject] });
  await jsm.consumers.add(names.baselineStream, {
    durable_name: 'bench-baseline',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
  });
  const messages = await (await js.consumers.get(names.baselineStream, 'bench-baseline')).consume({
    max_messages: 10,
    expires: 10_000,
  });
  let arrived;
  void (async () => {
    for await (const m of messages) {
      m.ack();
      arrived?.(process.hrtime.bigint());
    }
  })();
  const ms = [];
  for (let i = 0; i < BASELINE_SAMPLES + 20; i++) {
    const got = new Promise((r) => {
      arrived = r;
    });
    const sent = process.hrtime.bigint();
    await js.publish(subject, new Uint8Array(200), { msgID: `baseline-${tag}-${i}` });
    const at = await got;
    if (i >= 20) ms.push(Number(at - sent) / 1e6);
    await sleep(5);
  }
  await messages.close();
  return ms;
}

/** One phone: a StreamPings call whose acks resolve the waits for a seq. */
function openPhone(client, token) {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  const call = client.streamPings(md);
  const waits = [];
  let acked = 0;
  let failure;
  call.on('data', (ack) => {
    acked = Math.max(acked, Number(ack.ackedSeq));
    if (ack.rejected.length > 0) failure = new Error(`rejected: ${JSON.stringify(ack.rejected)}`);
    for (const w of waits.splice(0)) {
      if (failure) w.reject(failure);
      else if (acked >= w.seq) w.resolve(process.hrtime.bigint());
      else waits.push(w);
    }
  });
  call.on('error', (err) => {
    failure = err;
    for (const w of waits.splice(0)) w.reject(err);
  });
  return {
    send: (ping) => call.write(location.Ping.fromPartial(ping)),
    acked: (seq) =>
      failure
        ? Promise.reject(failure)
        : acked >= seq
          ? Promise.resolve(process.hrtime.bigint())
          : new Promise((resolve, reject) => waits.push({ seq, resolve, reject })),
    end: () => call.end(),
  };
}

const ping = (seq, deviceTime, point) => ({
  seq,
  deviceTime: new Date(deviceTime),
  lat: point.lat,
  lng: point.lng,
  accuracyM: 5,
  speedMps: -1,
  headingDeg: -1,
  batteryPct: 80,
});

/**
 * One arrival: far away, then into the fence (the entry), one more fix inside before the dwell is over, all acked;
 * then the completing ping (device time = entry + minOnSiteSeconds). Device times lie ten minutes back, so the
 * dwell elapses in device time at once and the clock starts when the completing ping is written.
 */
async function arrive(client, w, taps, commits, burst) {
  const phone = openPhone(client, w.token);
  const t0 = Date.now() - 10 * 60_000;
  const entry = t0 + 60_000;
  phone.send(ping(1, t0, destinationPoint(w.site.lat, w.site.lng, 45, 1500)));
  phone.send(ping(2, entry, destinationPoint(w.site.lat, w.site.lng, 90, 30)));
  phone.send(ping(3, entry + (MIN_ON_SITE_SECONDS * 1000) / 2, destinationPoint(w.site.lat, w.site.lng, 180, 15)));
  await phone.acked(3);
  return {
    async complete() {
      const sent = process.hrtime.bigint();
      phone.send(ping(4, entry + MIN_ON_SITE_SECONDS * 1000, destinationPoint(w.site.lat, w.site.lng, 270, 5)));
      const [ack, arrived, inProgress] = await Promise.all([
        phone.acked(4),
        taps.arrived.when(w.jobId),
        taps.inProgress.when(w.jobId),
      ]);
      phone.end();
      const commit = await commits.firstAfter(sent, burst);
      const ms = (t) => Number(t - sent) / 1e6;
      return {
        ack: ms(ack),
        arrived: ms(arrived),
        committed: commit === undefined ? undefined : ms(commit),
        inProgress: ms(inProgress),
      };
    },
  };
}

async function cleanup() {
  await processes.stopAll();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  for (const db of [names.location, names.jobs, names.accounts])
    await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for (const s of [eventsStreamName(names.prefix), dlqStreamName(names.prefix), names.baselineStream])
    await jsm.streams.delete(s).catch(() => {});
  await nc.close();
  await rm(blobDir, { recursive: true, force: true });
}

const toClose = [];
try {
  const [accountsPort, jobsPort, locationPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    FIELDLINE_DATABASE_URL: DATABASE_URL,
    FIELDLINE_NATS_URL: NATS_URL,
    FIELDLINE_NATS_PREFIX: names.prefix,
  };
  const accountsAddr = `127.0.0.1:${accountsPort}`;
  const locationAddr = `127.0.0.1:${locationPort}`;
  processes.start('accounts', 'services/accounts/dist/main.js', {
    ...common,
    FIELDLINE_JWT_SECRET: randomBytes(32).toString('base64url'),
    FIELDLINE_ACCOUNTS_DATABASE: names.accounts,
    FIELDLINE_GRPC_PORT: String(accountsPort),
  });
  const opts = { deadlineMs: 30_000 };
  const identity = createGrpcClient(accounts.IdentityServiceClient, accountsAddr, opts);
  const signup = await until('accounts', () =>
    identity.signup({
      companyName: 'Arrival Co',
      name: 'Ada Admin',
      email: 'ada@bench.example',
      password: 'bench-pass',
    }),
  );
  const admin = { kind: 'user', tenantId: signup.tenant.id, userId: signup.user.id, role: 'admin' };
  const tenantId = admin.tenantId;
  const jobsProcess = processes.start('jobs', 'services/jobs/dist/main.js', {
    ...common,
    FIELDLINE_JOBS_DATABASE: names.jobs,
    FIELDLINE_GRPC_PORT: String(jobsPort),
    FIELDLINE_ACCOUNTS_ADDR: accountsAddr,
    FIELDLINE_LOCATION_ADDR: locationAddr,
    FIELDLINE_BLOB_DIR: blobDir,
  });
  const locationProcess = processes.start('location', 'services/location/dist/main.js', {
    ...common,
    FIELDLINE_LOCATION_DATABASE: names.location,
    FIELDLINE_GRPC_PORT: String(locationPort),
    FIELDLINE_ACCOUNTS_ADDR: accountsAddr,
    FIELDLINE_LIVE_SUBJECT_PREFIX: `${names.prefix}-live`,
  });

  const phases = [
    { label: 'one at a time', burst: 1 },
    { label: `${BURST} at once`, burst: BURST },
  ];
  const perPhase = WARMUP + ARRIVALS;
  const total = perPhase * phases.length;
  console.log(
    `setting up: minOnSiteSeconds ${MIN_ON_SITE_SECONDS}, ${total} workers with a phone and an assigned job…`,
  );
  const settings = createGrpcClient(accounts.SettingsServiceClient, accountsAddr, opts);
  await settings.updateSettings(
    accounts.UpdateSettingsRequest.fromPartial({ minOnSiteSeconds: MIN_ON_SITE_SECONDS, autoLoggingEnabled: true }),
    { caller: admin },
  );
  const users = createGrpcClient(accounts.UsersServiceClient, accountsAddr, opts);
  const devices = createGrpcClient(accounts.DevicesServiceClient, accountsAddr, opts);
  const customers = createGrpcClient(accounts.CustomersServiceClient, accountsAddr, opts);
  const jobsApi = createGrpcClient(jobs.JobsServiceClient, `127.0.0.1:${jobsPort}`, opts);
  const customer = await customers.createCustomer(
    accounts.CreateCustomerRequest.fromPartial({ code: 'ARR', name: 'Arrival Customer' }),
    { caller: admin },
  );
  const workers = [];
  for (let i = 0; i < total; i++) {
    const user = await users.createUser(
      accounts.CreateUserRequest.fromPartial({
        name: `Worker ${i}`,
        email: `w${i}@bench.example`,
        role: 'coworker',
        password: 'bench-pass',
      }),
      { caller: admin },
    );
    const device = await devices.createDevice(
      accounts.CreateDeviceRequest.fromPartial({ workerId: user.id, name: 'phone' }),
      { caller: admin },
    );
    // Sites on a 1 km grid: no two fences (100 m) touch.
    const site = destinationPoint(
      destinationPoint(CENTER.lat, CENTER.lng, 0, (Math.floor(i / 20) - 10) * 1000).lat,
      CENTER.lng,
      90,
      ((i % 20) - 10) * 1000,
    );
    const create = () =>
      jobsApi.createJob(
        jobs.CreateJobRequest.fromPartial({
          job: {
            title: `Boiler service ${i}`,
            customerId: customer.id,
            site: {
              address: `Street ${i}`,
              lat: site.lat,
              lng: site.lng,
              radiusM: FENCE_RADIUS_M,
              hasCoordinates: true,
            },
          },
          source: 'api',
        }),
        { caller: admin },
      );
    const job = i === 0 ? await until('jobs', create) : await create();
    await jobsApi.assignJob(jobs.AssignJobRequest.fromPartial({ id: job.id, workerIds: [user.id] }), { caller: admin });
    workers.push({ token: device.token, jobId: job.id, site });
  }

  // Location has every job fence and the tenant's dwell once its consumers wrote them; the NOTIFYs of the last
  // rows reach the engine a moment after.
  const locDb = new pg.Client({ connectionString: dbUrl(names.location) });
  toClose.push(() => locDb.end());
  await until('location', async () => {
    await locDb.connect().catch(() => {});
    const fences = await locDb.query(
      `select count(*)::int as n from job_sites where status = 'assigned' and lat is not null and cardinality(assignee_ids) = 1`,
    );
    const dwell = await locDb.query('select min_on_site_seconds as s from tenant_settings where tenant_id = $1', [
      tenantId,
    ]);
    return fences.rows[0].n === total && dwell.rows[0]?.s === MIN_ON_SITE_SECONDS;
  });
  await sleep(1000);

  const nc = await connect({ servers: NATS_URL, name: 'bench-arrival' });
  toClose.push(() => nc.close());
  const js = jetstream(nc);
  const stream = eventsStreamName(names.prefix);
  // The end mark is the jobs service's own job_status_changed (to in_progress) event as it comes out of
  // JetStream: it is written in the same transaction as the jobs consumer's processed-event record and the
  // job's new status, so seeing it means jobs has consumed worker_arrived and committed In progress, and it is
  // what the rest of the platform (gateway live feed, location's busy flag) sees. It includes one more hop
  // (jobs' outbox relay), so it is an upper bound; the commit itself is timed too, by LISTEN on the jobs
  // database's outbox channel (the notification comes on COMMIT; one arrival at a time, so it is unambiguous).
  // Polling GetJob would add its own interval.
  const taps = {
    arrived: await tap(js, stream, `${names.prefix}.${tenantId}.location.worker_arrived`, (e) =>
      e.type === 'worker_arrived' ? locationEvents.WorkerSiteEvent.decode(e.payload).jobId : undefined,
    ),
    inProgress: await tap(js, stream, `${names.prefix}.${tenantId}.jobs.job_status_changed`, (e) => {
      const job = jobsEvents.JobChanged.decode(e.payload).job;
      return job?.status === 'in_progress' ? job.id : undefined;
    }),
  };
  toClose.push(
    () => taps.arrived.stop(),
    () => taps.inProgress.stop(),
  );
  const jobsDb = new pg.Client({ connectionString: dbUrl(names.jobs) });
  await jobsDb.connect();
  toClose.push(() => jobsDb.end());
  const notified = [];
  jobsDb.on('notification', (n) => n.channel === 'fl_outbox' && notified.push(process.hrtime.bigint()));
  await jobsDb.query('listen fl_outbox');
  const commits = {
    // The notification and the event come on two sockets: give the notification a moment to be read.
    async firstAfter(t, burst) {
      if (burst !== 1) return undefined;
      for (let i = 0; i < 20; i++) {
        const n = notified.find((n) => n > t);
        if (n !== undefined) return n;
        await sleep(5);
      }
      return undefined;
    },
  };

  // Where the CPU goes: the two services and their PostgreSQL backends (accounts is idle meanwhile).
  const admin_ = new pg.Client({ connectionString: DATABASE_URL });
  await admin_.connect();
  toClose.push(() => admin_.end());
  const backends = async (db) =>
    (await admin_.query('select pid from pg_stat_activity where datname = $1', [db])).rows.map((r) => r.pid);
  const cpuNow = async () => ({
    location: cpuSeconds(locationProcess.pid),
    jobs: cpuSeconds(jobsProcess.pid),
    'location PG': new Map((await backends(names.location)).map((pid) => [pid, cpuSeconds(pid)])),
    'jobs PG': new Map((await backends(names.jobs)).map((pid) => [pid, cpuSeconds(pid)])),
  });
  const cpuSince = (before, after) =>
    Object.fromEntries(
      Object.entries(after).map(([name, v]) => [
        name,
        typeof v === 'number'
          ? v - before[name]
          : [...v].reduce((sum, [pid, s]) => sum + s - (before[name].get(pid) ?? 0), 0),
      ]),
    );

  const client = new location.DeviceIngestClient(locationAddr, credentials.createInsecure());
  toClose.push(() => client.close());
  const rows = [];
  const raw = {};
  let wall = 0;
  for (const [p, phase] of phases.entries()) {
    console.log(
      `driving ${perPhase} phones into their job fences (${WARMUP} warm-up), ${phase.label}: completing pings ${phase.burst} at a time…`,
    );
    const mine = workers.slice(p * perPhase, (p + 1) * perPhase);
    const results = [];
    const cpu = await cpuNow();
    const ticks = machineTicks();
    const started = Date.now();
    for (let i = 0; i < mine.length; i += phase.burst) {
      const wave = mine.slice(i, i + phase.burst);
      const ready = await Promise.all(wave.map((w) => arrive(client, w, taps, commits, phase.burst)));
      // A pause, so what the wave before set off has settled (location applying jobs' events, relays marking
      // rows published) and the completing pings meet a system that is otherwise idle.
      await sleep(100 + Math.random() * 100);
      const measured = await Promise.all(ready.map((r) => r.complete()));
      const at = (Date.now() - started) / 1000;
      results.push(...measured.filter((_, k) => i + k >= WARMUP).map((r) => ({ ...r, at })));
    }
    wall += (Date.now() - started) / 1000;
    raw[phase.label] = results;
    const used = cpuSince(cpu, await cpuNow());
    const t = machineTicks();
    const share = (k) => (((t[k] - ticks[k]) / (t.total - ticks.total)) * 100).toFixed(0);
    const commitTimes = results.map((r) => r.committed).filter((v) => v !== undefined);
    rows.push(
      stats(
        `${phase.label}: ping → job In progress (job_status_changed out)`,
        results.map((r) => r.inProgress),
      ),
      ...(commitTimes.length > 0 ? [stats(`${phase.label}: ping → jobs committed In progress`, commitTimes)] : []),
      stats(
        `${phase.label}: ping → worker_arrived out`,
        results.map((r) => r.arrived),
      ),
      stats(
        `${phase.label}: ping → ack (location committed)`,
        results.map((r) => r.ack),
      ),
    );
    const mean = (f, of = results) => (of.reduce((sum, r) => sum + f(r), 0) / of.length).toFixed(1);
    const staged = results.filter((r) => r.committed !== undefined);
    console.log(
      `${phase.label}, mean stages: ping → ack ${mean((r) => r.ack)} ms · ack → worker_arrived out ${mean((r) => r.arrived - r.ack)} ms · ` +
        (staged.length === results.length
          ? `→ jobs commit ${mean((r) => r.committed - r.arrived)} ms · → job_status_changed out ${mean((r) => r.inProgress - r.committed)} ms`
          : `→ job_status_changed out ${mean((r) => r.inProgress - r.arrived)} ms`),
    );
    console.log(
      `${phase.label}, CPU per arrival (ms; every ping of the phase, warm-up included): ` +
        Object.entries(used)
          .map(([name, seconds]) => `${name} ${((seconds * 1000) / mine.length).toFixed(1)}`)
          .join(' · ') +
        ` · the machine meanwhile: ${share('idle')} % idle, ${share('steal')} % stolen by the hypervisor`,
    );
  }

  const inDb = await jobsDb.query(`select count(*)::int as n from jobs where status = 'in_progress'`);
  console.log('measuring the baseline (JetStream publish → durable pull consumer, same server)…');
  rows.push(stats('baseline: JetStream publish → pull consumer', await jetStreamRoundTrip(nc)));
  console.table(rows);
  const cpus = os.cpus();
  console.log(
    `${ARRIVALS} measured arrivals per phase, ${wall.toFixed(1)} s of arrivals; ${inDb.rows[0].n} of ${total} jobs In progress · ` +
      `machine: ${cpus.length} × ${cpus[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version} · ` +
      `load average (1/5/15 min) at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, at end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  for (const row of rows.filter((r) => r.measure.includes('job In progress'))) {
    const p99 = row['p99 ms'];
    console.log(
      `target p99 ≤ ${TARGET_P99_MS} ms, ${row.measure}: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (${p99} ms)`,
    );
  }
  // Every sample (seconds into its phase, then ms from the completing ping to each mark), to look at the tail.
  if (process.env.BENCH_RAW) writeFileSync(process.env.BENCH_RAW, JSON.stringify(raw));
  if (inDb.rows[0].n !== total) throw new Error(`${inDb.rows[0].n} jobs In progress, expected ${total}`);
} finally {
  for (const close of toClose.reverse()) await Promise.resolve(close()).catch(() => {});
  await cleanup();
}
