// bench:location — the location engine in one process, on the compiled domain code (dist/): nearest-K among
// 100,000 moving workers side by side with Redis GEOSEARCH on the same points and queries (and brute force),
// geofence checks per second with 100,000 fences, and LocationEngine.ingest throughput. Single thread.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createClient } from 'redis';
import { destinationPoint, FenceIndex, haversineM, LocationEngine, WorkerIndex } from '../dist/domain/index.js';

const N_WORKERS = Number(process.env.BENCH_WORKERS ?? 100_000);
const N_FENCES = Number(process.env.BENCH_FENCES ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 5000);
const MOVES_PER_QUERY = Number(process.env.BENCH_MOVES ?? 100);
const RADIUS_M = 25_000;
const K = 10;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARIS = { lat: 48.8566, lng: 2.3522 };

/** mulberry32: the same points and queries on every run. */
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
const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

/** A point anywhere in a square of `sideKm` around Paris. */
function uniformIn(sideKm) {
  const half = (sideKm * 1000) / 2;
  const p = destinationPoint(PARIS.lat, PARIS.lng, 90, (rnd() * 2 - 1) * half);
  return destinationPoint(p.lat, p.lng, 0, (rnd() * 2 - 1) * half);
}

/** A point in a square of `sideKm` around Paris: 60 % clustered towards the centre (σ = side/8), 40 % uniform. */
function pointIn(sideKm) {
  const half = (sideKm * 1000) / 2;
  let x;
  let y;
  if (rnd() < 0.6) {
    do {
      x = gauss() * (half / 4);
      y = gauss() * (half / 4);
    } while (Math.abs(x) > half || Math.abs(y) > half);
  } else {
    x = (rnd() * 2 - 1) * half;
    y = (rnd() * 2 - 1) * half;
  }
  const p = destinationPoint(PARIS.lat, PARIS.lng, 90, x);
  return destinationPoint(p.lat, p.lng, 0, y);
}

function stats(ns) {
  const s = Float64Array.from(ns).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))] / 1000;
  const mean = s.reduce((a, b) => a + b, 0) / s.length / 1000;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1] / 1000, mean };
}
const us = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function bruteNearest(points, lat, lng) {
  const best = [];
  for (let i = 0; i < points.length; i++) {
    const d = haversineM(lat, lng, points[i].lat, points[i].lng);
    if (d > RADIUS_M || (best.length === K && d >= best[K - 1].d)) continue;
    if (best.length === K) best.pop();
    let j = best.length;
    best.push({ i, d });
    while (j > 0 && best[j - 1].d > d) {
      best[j] = best[j - 1];
      best[j - 1] = { i, d };
      j--;
    }
  }
  return best;
}

function print(title, rows) {
  console.log(`\n${title}`);
  console.table(rows);
}

async function nearestBench(redis, sideKm) {
  const label = `${sideKm} km × ${sideKm} km`;
  const points = Array.from({ length: N_WORKERS }, () => pointIn(sideKm));
  const index = new WorkerIndex();
  const engine = new LocationEngine();
  const t0 = Date.now();
  for (let i = 0; i < N_WORKERS; i++) index.upsert(`w${i}`, points[i].lat, points[i].lng, i);
  const buildMs = Date.now() - t0;
  for (let i = 0; i < N_WORKERS; i++) {
    engine.observePosition('t1', {
      workerId: `w${i}`,
      deviceId: `d${i}`,
      ...points[i],
      accuracyM: 5,
      speedMps: -1,
      headingDeg: -1,
      batteryPct: 80,
      deviceTime: t0,
      receivedAt: t0,
    });
    engine.setShift('t1', `w${i}`, { onShift: i % 10 !== 0, skills: i % 3 === 0 ? ['electric'] : [] });
  }

  const key = redis && `bench:location:${randomBytes(6).toString('hex')}`;
  let redisLoadMs = 0;
  if (redis) {
    const r0 = Date.now();
    for (let i = 0; i < N_WORKERS; i += 5000) {
      await redis.geoAdd(
        key,
        points.slice(i, i + 5000).map((p, j) => ({ longitude: p.lng, latitude: p.lat, member: `w${i + j}` })),
      );
    }
    redisLoadMs = Date.now() - r0;
  }

  const queries = Array.from({ length: QUERIES }, () => pointIn(sideKm));
  // Workers move between queries (a random walk of up to 200 m), in both indexes alike.
  const moves = Array.from({ length: QUERIES }, () =>
    Array.from({ length: MOVES_PER_QUERY }, () => [Math.floor(rnd() * N_WORKERS), rnd() * 360, rnd() * 200]),
  );
  const move = async (q) => {
    const batch = [];
    for (const [i, bearing, dist] of moves[q]) {
      const p = destinationPoint(points[i].lat, points[i].lng, bearing, dist);
      points[i] = p;
      index.upsert(`w${i}`, p.lat, p.lng, i);
      batch.push({ longitude: p.lng, latitude: p.lat, member: `w${i}` });
    }
    if (redis) await redis.geoAdd(key, batch);
    return batch.length;
  };

  const inProcess = [];
  const viaEngine = [];
  const viaRedis = [];
  let same = 0;
  let maxDiffM = 0;
  let found = 0;
  let moveNs = 0n;
  let moved = 0;
  const warmup = Math.min(500, QUERIES);
  for (let q = 0; q < QUERIES; q++) {
    const mt = process.hrtime.bigint();
    moved += await move(q);
    if (!redis) moveNs += process.hrtime.bigint() - mt;
    const { lat, lng } = queries[q];
    let t = process.hrtime.bigint();
    const mine = index.nearest(lat, lng, { radiusM: RADIUS_M, limit: K });
    const a = Number(process.hrtime.bigint() - t);
    t = process.hrtime.bigint();
    engine.nearest('t1', { lat, lng, radiusM: RADIUS_M, limit: K, availableOnly: true, skill: 'electric' }, t0);
    const e = Number(process.hrtime.bigint() - t);
    let b = 0;
    if (redis) {
      t = process.hrtime.bigint();
      const theirs = await redis.geoSearchWith(
        key,
        { longitude: lng, latitude: lat },
        { radius: RADIUS_M, unit: 'm' },
        ['WITHDIST'],
        { SORT: 'ASC', COUNT: K },
      );
      b = Number(process.hrtime.bigint() - t);
      const ids = new Set(mine.map((m) => m.id));
      if (theirs.length === mine.length && theirs.every((r) => ids.has(r.member))) same++;
      for (let i = 0; i < Math.min(theirs.length, mine.length); i++) {
        maxDiffM = Math.max(maxDiffM, Math.abs(Number(theirs[i].distance) - mine[i].distanceM));
      }
    }
    found += mine.length;
    if (q >= warmup) {
      inProcess.push(a);
      viaEngine.push(e);
      if (redis) viaRedis.push(b);
    }
  }

  // CPU time per query, in a tight loop over the same queries (no Redis waits in between): robust to load.
  const cpuPerQuery = (fn) => {
    const c0 = process.cpuUsage();
    for (let q = warmup; q < QUERIES; q++) fn(queries[q].lat, queries[q].lng);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / (QUERIES - warmup);
  };
  const indexCpu = cpuPerQuery((lat, lng) => index.nearest(lat, lng, { radiusM: RADIUS_M, limit: K }));
  const engineCpu = cpuPerQuery((lat, lng) =>
    engine.nearest('t1', { lat, lng, radiusM: RADIUS_M, limit: K, availableOnly: true, skill: 'electric' }, t0),
  );

  // Brute force: every point's haversine distance, on a sample of the same queries.
  const bruteNs = [];
  let bruteAgrees = 0;
  const sample = Math.min(300, QUERIES);
  for (let q = QUERIES - sample; q < QUERIES; q++) {
    const { lat, lng } = queries[q];
    const t = process.hrtime.bigint();
    const best = bruteNearest(points, lat, lng);
    bruteNs.push(Number(process.hrtime.bigint() - t));
    const mine = index.nearest(lat, lng, { radiusM: RADIUS_M, limit: K });
    if (best.length === mine.length && best.every((b, i) => Math.abs(b.d - mine[i].distanceM) < 1e-6)) bruteAgrees++;
  }
  if (redis) await redis.del(key);

  const s = stats(inProcess);
  const en = stats(viaEngine);
  const br = stats(bruteNs);
  const rows = [
    { method: 'WorkerIndex.nearest (in process)', ...row(s), 'CPU µs': us(indexCpu) },
    { method: 'LocationEngine.nearest (available + skill)', ...row(en), 'CPU µs': us(engineCpu) },
  ];
  let rd;
  if (redis) {
    rd = stats(viaRedis);
    rows.push({ method: 'Redis GEOSEARCH … WITHDIST (node-redis, loopback)', ...row(rd) });
  }
  rows.push({ method: `brute force haversine (${sample} queries)`, ...row(br) });
  print(
    `nearest-K: K=${K}, radius 25 km, ${fmt(N_WORKERS)} workers over ${label}, ${MOVES_PER_QUERY} moves between queries, ${fmt(inProcess.length)} timed queries`,
    rows,
  );
  const notes = {
    'index build (ms)': buildMs,
    'results per query': (found / QUERIES).toFixed(2),
    'brute force agrees (exact, K distances)': `${bruteAgrees}/${sample}`,
    ...(redis && {
      'Redis load (ms)': redisLoadMs,
      'p50 ratio Redis / in-process': (rd.p50 / s.p50).toFixed(0),
      'p99 ratio Redis / in-process': (rd.p99 / s.p99).toFixed(0),
      'same top-10 set as Redis': `${((100 * same) / QUERIES).toFixed(1)} %`,
      'max distance difference vs Redis (m)': maxDiffM.toFixed(1),
    }),
    ...(!redis && { 'upserts/s (moves)': fmt((moved / Number(moveNs)) * 1e9) }),
  };
  console.table(notes);
  return { label, s, en, rd, br, notes };
}

const row = (x) => ({
  'p50 µs': us(x.p50),
  'p90 µs': us(x.p90),
  'p99 µs': us(x.p99),
  'max µs': us(x.max),
  'mean µs': us(x.mean),
});

function fenceBench() {
  // Two fence layouts over the metro: spread evenly, and crowded towards the centre like the workers.
  const build = (clustered) => {
    const index = new FenceIndex();
    const centres = [];
    const t0 = Date.now();
    for (let i = 0; i < N_FENCES; i++) {
      const c = clustered ? pointIn(100) : uniformIn(100);
      centres.push(c);
      const base = { id: `job:${i}`, tenantId: 't1', jobId: `${i}`, workerIds: new Set([`w${i % 5000}`]) };
      if (i % 5 === 0) {
        const n = 4 + (i % 5);
        const ring = Array.from({ length: n }, (_, k) => {
          const p = destinationPoint(c.lat, c.lng, (360 * k) / n, 60 + rnd() * 190);
          return [p.lng, p.lat];
        });
        index.upsert({ ...base, shape: { kind: 'polygon', ring } });
      } else {
        index.upsert({ ...base, shape: { kind: 'circle', ...c, radiusM: 50 + rnd() * 250 } });
      }
    }
    return { index, centres, buildMs: Date.now() - t0 };
  };
  const N = 1_000_000;
  let index;
  // Points in one typed array: a ping being checked is hot in cache, a benchmark's array of objects is not.
  const run = (label, pts, viaNear) => {
    let cands = 0;
    let hits = 0;
    for (let i = 0; i < 100_000; i++) index.near(pts[(2 * i) % pts.length], pts[(2 * i + 1) % pts.length]);
    const t = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    if (viaNear) {
      for (let i = 0; i < N; i++) hits += index.near(pts[2 * i], pts[2 * i + 1]).length;
    } else {
      for (let i = 0; i < N; i++) {
        const lat = pts[2 * i];
        const lng = pts[2 * i + 1];
        const found = index.candidates(lat, lng);
        cands += found.length;
        for (let j = 0; j < found.length; j++) if (found[j].zone(lat, lng) !== 'outside') hits++;
      }
    }
    const secs = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    return {
      check: `${viaNear ? 'near()' : 'candidates() + zone()'}: ${label}`,
      'checks/s (wall)': fmt(N / secs),
      'checks/s (CPU time)': fmt(N / cpuSecs),
      'µs/check (wall)': ((secs * 1e6) / N).toFixed(2),
      'candidates/check': viaNear ? '' : (cands / N).toFixed(2),
      'inside or in band': (hits / N).toFixed(2),
    };
  };
  const packed = (make) => {
    const a = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) {
      const p = make();
      a[2 * i] = p.lat;
      a[2 * i + 1] = p.lng;
    }
    return a;
  };
  const rows = [];
  const builds = [];
  for (const [layout, clustered] of [
    ['even', false],
    ['crowded centre', true],
  ]) {
    const { index: idx, centres, buildMs } = build(clustered);
    index = idx;
    builds.push(`${layout}: ${fmt(buildMs)} ms`);
    const anywhere = packed(() => (clustered ? pointIn(100) : uniformIn(100)));
    const nearSites = packed(() => {
      const c = centres[Math.floor(rnd() * centres.length)];
      return destinationPoint(c.lat, c.lng, rnd() * 360, rnd() * 400);
    });
    rows.push(run(`${layout} fences, points anywhere`, anywhere, true));
    rows.push(run(`${layout} fences, points within 400 m of a site`, nearSites, true));
    rows.push(run(`${layout} fences, points anywhere`, anywhere, false));
  }
  print(
    `geofence checks (which fences a point is inside or in the band of): ${fmt(N_FENCES)} fences (80 % circles 50–300 m, 20 % polygons of 4–8 vertices) over 100 km × 100 km, ${fmt(N)} points per row, one thread; built in ${builds.join(', ')}`,
    rows,
  );
  return rows;
}

function ingestBench() {
  const WORKERS = 10_000;
  const PINGS_PER_WORKER = 100;
  const t0 = Date.UTC(2026, 0, 5, 8, 0, 0);
  // One job fence per worker (watching that worker) and as many customer-site fences watching anyone.
  const fences = [];
  const sites = [];
  for (let w = 0; w < WORKERS; w++) {
    const site = pointIn(100);
    sites.push(site);
    const shape = { kind: 'circle', ...site, radiusM: 100 };
    fences.push({ id: `job:${w}`, tenantId: 't1', jobId: `${w}`, workerIds: new Set([`w${w}`]), shape });
    const other = { kind: 'circle', ...pointIn(100), radiusM: 80 };
    fences.push({
      id: `site:c${w}:s1`,
      tenantId: 't1',
      customerId: `c${w}`,
      siteId: 's1',
      workerIds: 'any',
      shape: other,
    });
  }
  // Each worker drives towards its site at 10 m/s, pinging every 5 s; one in five arrives and dwells.
  const traces = sites.map((site, w) => {
    const start = w % 5 === 0 ? 2000 : 20_000;
    const bearing = rnd() * 360;
    return Array.from({ length: PINGS_PER_WORKER }, (_, i) => {
      const p = destinationPoint(site.lat, site.lng, bearing, Math.max(10, start - i * 50));
      return {
        seq: i + 1,
        deviceTime: t0 + i * 5000,
        lat: p.lat,
        lng: p.lng,
        accuracyM: 8,
        speedMps: 10,
        headingDeg: 0,
        batteryPct: 70,
      };
    });
  });
  const runIngest = (batch) => {
    const engine = new LocationEngine();
    for (const f of fences) engine.upsertFence(f);
    let events = 0;
    let pings = 0;
    const t = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < PINGS_PER_WORKER; i += batch) {
      for (let w = 0; w < WORKERS; w++) {
        const chunk = traces[w].slice(i, i + batch);
        const r = engine.ingest('t1', `d${w}`, `w${w}`, chunk, chunk[chunk.length - 1].deviceTime + 1000);
        events += r.events.length;
        pings += r.applied;
      }
    }
    const secs = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return {
      'pings per call': batch,
      'pings/s (wall)': fmt(pings / secs),
      'pings/s (CPU time)': fmt(pings / ((cpu.user + cpu.system) / 1e6)),
      'µs/ping (wall)': ((secs * 1e6) / pings).toFixed(2),
      events,
    };
  };
  runIngest(10); // warm-up
  const rows = [1, 10, 50].map(runIngest);
  print(
    `LocationEngine.ingest: ${fmt(WORKERS)} workers × ${PINGS_PER_WORKER} pings (validate, dedupe, order, position index, presence), ${fmt(fences.length)} fences, one thread`,
    rows,
  );
  return rows;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `machine: ${os.cpus().length} cores, ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
// Other work on the machine inflates wall-clock figures (and tails most): say how busy it was.
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average at start: ${load()}`);
let redis;
try {
  redis = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  redis.on('error', () => {});
  await redis.connect();
  const info = await redis.info('server');
  console.log(`redis: ${info.match(/redis_version:(\S+)/)?.[1]} at ${REDIS_URL}`);
} catch (err) {
  console.log(`redis: not reachable at ${REDIS_URL} (${err.message}); GEOSEARCH columns skipped`);
  redis = undefined;
}
try {
  await nearestBench(redis, 100);
  await nearestBench(redis, 1000);
  fenceBench();
  ingestBench();
} finally {
  await redis?.quit();
  console.log(`\nload average at end: ${load()}`);
}
