#!/usr/bin/env node
// Fleet simulator CLI: N workers driving between job sites with phones streaming pings, printing stats.
//   node tools/fleet-sim/run.mjs --location-addr 127.0.0.1:50053 --devices var/demo-devices.json --workers 20 --speed 5
//   node tools/fleet-sim/run.mjs --gateway-url http://127.0.0.1:8080 --devices var/demo-devices.json
import { parseArgs } from 'node:util';
import { DEFAULT_CENTER, loadDevices, startFleet } from './fleet.mjs';

const { values } = parseArgs({
  options: {
    'location-addr': { type: 'string' },
    'gateway-url': { type: 'string' },
    devices: { type: 'string', default: 'var/demo-devices.json' },
    workers: { type: 'string' },
    speed: { type: 'string', default: '1' },
    interval: { type: 'string', default: '1' },
    center: { type: 'string' },
    'radius-km': { type: 'string', default: '8' },
    sites: { type: 'string' },
    'offline-rate': { type: 'string', default: '0.05' },
    duration: { type: 'string', default: '0' },
    'stats-every': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const usage = `usage: node tools/fleet-sim/run.mjs (--location-addr HOST:PORT | --gateway-url URL) [options]
  --devices FILE        devices with tokens (default var/demo-devices.json, written by npm start's seed)
  --workers N           how many of them drive (default: all)
  --speed X             driving speed factor (dwell times stay real: arrivals need the tenant's minimum on-site time)
  --interval S          seconds between fixes per phone (default 1)
  --center LAT,LNG      centre of the area (default Berlin Mitte); --radius-km R (default 8)
  --sites "LAT,LNG;..." job sites to drive to (default: random points in the area)
  --offline-rate P      chance per phone per minute of an offline gap (buffered, uploaded on reconnect)
  --duration S          stop after S seconds, after the phones' buffers are acked (default: until Ctrl-C)
  --stats-every S       print counters every S seconds (default 5)`;

if (values.help || !values['location-addr'] === !values['gateway-url']) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const number = (name, v) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: expected a number ≥ 0, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const point = (s) => {
  const [lat, lng] = s.split(',').map(Number);
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) throw new Error(`not a point: "${s}"`);
  return { lat, lng };
};

const devices = loadDevices(values.devices);
const fleet = startFleet({
  locationAddr: values['location-addr'],
  gatewayUrl: values['gateway-url'],
  devices,
  workers: values.workers ? number('workers', values.workers) : undefined,
  speed: number('speed', values.speed),
  intervalMs: number('interval', values.interval) * 1000,
  center: values.center ? point(values.center) : DEFAULT_CENTER,
  radiusM: number('radius-km', values['radius-km']) * 1000,
  sites: values.sites ? values.sites.split(';').map(point) : undefined,
  offlineRate: number('offline-rate', values['offline-rate']),
  seed: number('seed', values.seed),
  log: values.verbose ? (m) => console.error(m) : undefined,
});

let last = fleet.stats();
const print = () => {
  const s = fleet.stats();
  const dt = Math.max(s.seconds - last.seconds, 0.001);
  console.log(
    `[${s.seconds.toFixed(0).padStart(5)} s] workers ${s.workers} (${s.offline} offline)  ` +
      `sent ${s.sent} (${((s.sent - last.sent) / dt).toFixed(0)}/s)  acked ${s.acked} (${((s.acked - last.acked) / dt).toFixed(0)}/s)  ` +
      `buffered ${s.buffered}  resent ${s.resent}  rejected ${s.rejected}  reconnects ${s.reconnects}  errors ${s.errors}  visits ${s.visits}`,
  );
  last = s;
};
const statsTimer = setInterval(print, number('stats-every', values['stats-every']) * 1000);

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  clearInterval(statsTimer);
  console.log('stopping: uploading what the phones still hold…');
  await fleet.stop();
  print();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const duration = number('duration', values.duration);
if (duration > 0) setTimeout(stop, duration * 1000);
