// A fleet of simulated workers, each with a phone reporting to the location service (gRPC stream) or the
// gateway (HTTP batches): start it, read its counters, stop it. The CLI (run.mjs) and tests use this.
import { readFileSync } from 'node:fs';
import { BatchLink, createStreamClient, newStats, StreamLink } from './device-link.mjs';
import { prng, randomPoint } from './geo.mjs';
import { WorkerSim } from './worker-sim.mjs';

/** Berlin Mitte: where the demo tenant's customer sites are. */
export const DEFAULT_CENTER = { lat: 52.52, lng: 13.405 };

/** Devices as the demo seed writes them (var/demo-devices.json): [{ workerId, id, token, ... }]. */
export function loadDevices(path) {
  const devices = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(devices) || devices.some((d) => typeof d?.token !== 'string')) {
    throw new Error(`${path}: expected a JSON array of devices with a token each`);
  }
  return devices;
}

/**
 * Starts the fleet. Options:
 * - `locationAddr` (host:port, gRPC stream) or `gatewayUrl` (HTTP batches);
 * - `devices`: [{ token, workerId? }], one phone per worker; `workers` limits how many are used;
 * - `speed`: driving speed factor; `intervalMs`: one fix per phone per interval (real time);
 * - `center`, `radiusM`, `sites` ([{lat, lng}], else random points): where they drive;
 * - `offlineRate`: chance per phone per minute of losing the network for `offlineS` ([min, max] s);
 * - `seed`, `dwellS`, `spikeRate`, `log`.
 */
export function startFleet(options) {
  const {
    locationAddr,
    gatewayUrl,
    devices,
    speed = 1,
    intervalMs = 1000,
    center = DEFAULT_CENTER,
    radiusM = 8000,
    offlineRate = 0.05,
    offlineS = [20, 90],
    seed = 1,
    log = () => {},
  } = options;
  if (!locationAddr === !gatewayUrl) throw new Error('give exactly one of locationAddr and gatewayUrl');
  const count = Math.min(options.workers ?? devices.length, devices.length);
  if (count === 0) throw new Error('no devices to simulate');
  const rand = prng(seed);
  const sites =
    options.sites ??
    Array.from({ length: Math.max(4, Math.ceil(count / 2)) }, () => randomPoint(rand, center, radiusM));
  const stats = newStats();
  const client = locationAddr ? createStreamClient(locationAddr) : undefined;
  const phones = devices.slice(0, count).map((device, i) => {
    const sim = new WorkerSim({
      rand: prng(seed * 7919 + i),
      center,
      radiusM,
      sites,
      speed,
      dwellS: options.dwellS,
      spikeRate: options.spikeRate,
    });
    const link = client
      ? new StreamLink({ client, token: device.token, stats, log: (m) => log(`${device.workerId ?? i}: ${m}`) })
      : new BatchLink({ gatewayUrl, token: device.token, stats, log: (m) => log(`${device.workerId ?? i}: ${m}`) });
    return { device, sim, link, onlineAt: 0 };
  });
  const startedAt = Date.now();
  const offlineChance = offlineRate * (intervalMs / 60_000);

  const tick = () => {
    const now = Date.now();
    for (const p of phones) {
      if (p.link.offline && now >= p.onlineAt) p.link.goOnline();
      else if (!p.link.offline && rand.next() < offlineChance) {
        p.link.goOffline();
        p.onlineAt = now + rand.between(offlineS[0], offlineS[1]) * 1000;
      }
      p.link.record(p.sim.step(now));
      p.link.flush();
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);

  return {
    phones,
    sites,
    /** Takes phone `i` offline for `ms` (it keeps recording into its buffer and uploads it when back). */
    offline(i, ms) {
      const p = phones[i];
      p.onlineAt = Date.now() + ms;
      p.link.goOffline();
    },
    /** Counters so far, with rates since the start. */
    stats() {
      const seconds = (Date.now() - startedAt) / 1000;
      return {
        ...stats,
        workers: phones.length,
        offline: phones.filter((p) => p.link.offline).length,
        buffered: phones.reduce((n, p) => n + p.link.buffered, 0),
        visits: phones.reduce((n, p) => n + p.sim.visits, 0),
        seconds,
        sentPerSecond: stats.sent / Math.max(seconds, 0.001),
        ackedPerSecond: stats.acked / Math.max(seconds, 0.001),
      };
    },
    /** Stops recording; with `drain`, brings every phone online and waits (up to `timeoutMs`) for its acks. */
    async stop({ drain = true, timeoutMs = 15_000 } = {}) {
      clearInterval(timer);
      if (drain) {
        for (const p of phones) {
          p.link.goOnline();
          p.link.flush();
        }
        const until = Date.now() + timeoutMs;
        while (phones.some((p) => p.link.buffered > 0) && Date.now() < until) {
          for (const p of phones) p.link.flush();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await Promise.all(phones.map((p) => p.link.close()));
      client?.close();
    },
  };
}
