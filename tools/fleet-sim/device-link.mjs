// How a simulated phone talks to Fieldline. StreamLink: the gRPC ping stream with acks, as the Android app does
// it (an offline buffer; acked pings dropped; after a reconnect everything unacked is sent again). BatchLink:
// HTTP batches through the gateway (POST /v1/device/pings), a batch counting as acked once answered 2xx.
import { location } from '@fieldline/proto';
import { credentials, Metadata } from '@grpc/grpc-js';

const MAX_MESSAGE = 500;

/** Counters every link keeps (the fleet sums them). */
export function newStats() {
  return { recorded: 0, sent: 0, resent: 0, acked: 0, rejected: 0, reconnects: 0, errors: 0 };
}

export class StreamLink {
  /**
   * `client` is a location.DeviceIngestClient (one per fleet); `token` the device token. `retryMs` is the
   * pause before reconnecting after the stream ended (not after a deliberate offline period).
   */
  constructor({ client, token, stats, retryMs = 500, log = () => {} }) {
    this.client = client;
    this.token = token;
    this.stats = stats;
    this.retryMs = retryMs;
    this.log = log;
    this.nextSeq = 1;
    /** seq → ping: recorded and not acked yet (the phone's offline buffer). */
    this.buffer = new Map();
    this.sentUpTo = 0;
    this.ackedSeq = 0;
    this.offline = false;
    this.stopped = false;
    this.call = undefined;
    this.connect();
  }

  get buffered() {
    return this.buffer.size;
  }

  record(fix) {
    const seq = this.nextSeq++;
    this.buffer.set(seq, location.Ping.fromPartial({ ...fix, seq, deviceTime: new Date(fix.deviceTime) }));
    this.stats.recorded++;
  }

  /** Sends what was recorded since the last send (call it every fix, or on a timer). */
  flush() {
    if (!this.call || this.offline) return;
    const fresh = [];
    for (let s = this.sentUpTo + 1; s < this.nextSeq; s++) {
      const p = this.buffer.get(s);
      if (p) fresh.push(p);
    }
    this.sentUpTo = this.nextSeq - 1;
    this.send(fresh);
  }

  goOffline() {
    if (this.offline) return;
    this.offline = true;
    this.hangUp();
  }

  goOnline() {
    if (!this.offline) return;
    this.offline = false;
    this.connect();
  }

  /** Ends the stream politely after the last acks (or at once after `graceMs`). */
  async close(graceMs = 5000) {
    this.stopped = true;
    const call = this.call;
    if (!call) return;
    await new Promise((resolve) => {
      const t = setTimeout(() => {
        call.cancel();
        resolve();
      }, graceMs);
      call.once('status', () => {
        clearTimeout(t);
        resolve();
      });
      call.once('error', () => {
        clearTimeout(t);
        resolve();
      });
      call.end();
    });
    this.call = undefined;
  }

  connect() {
    if (this.stopped || this.offline || this.call) return;
    const md = new Metadata();
    md.set('authorization', `Bearer ${this.token}`);
    const call = this.client.streamPingBatches(md);
    this.call = call;
    call.on('data', (ack) => this.acked(ack));
    const ended = (why) => {
      if (this.call !== call) return;
      this.call = undefined;
      if (why) {
        this.stats.errors++;
        this.log(`stream ended: ${why}`);
      }
      if (!this.stopped && !this.offline) setTimeout(() => this.reconnect(), this.retryMs).unref();
    };
    call.on('error', (err) => ended(err.details || err.message));
    call.on('status', () => ended());
    // Everything not acked goes again, oldest first: the server drops what it already has.
    const unacked = [...this.buffer.keys()].sort((a, b) => a - b).map((s) => this.buffer.get(s));
    this.sentUpTo = this.nextSeq - 1;
    if (unacked.length > 0) this.stats.resent += unacked.length;
    this.send(unacked, true);
  }

  reconnect() {
    if (this.call || this.stopped || this.offline) return;
    this.stats.reconnects++;
    this.connect();
  }

  hangUp() {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
  }

  send(pings, resend = false) {
    for (let i = 0; i < pings.length; i += MAX_MESSAGE) {
      const part = pings.slice(i, i + MAX_MESSAGE);
      this.call?.write({ pings: part });
      if (!resend) this.stats.sent += part.length;
    }
  }

  acked(ack) {
    const upTo = Number(ack.ackedSeq);
    for (const r of ack.rejected) {
      if (this.buffer.delete(Number(r.seq))) this.stats.rejected++;
    }
    if (upTo <= this.ackedSeq) return;
    for (let s = this.ackedSeq + 1; s <= upTo; s++) if (this.buffer.delete(s)) this.stats.acked++;
    this.ackedSeq = upTo;
  }
}

export class BatchLink {
  constructor({ gatewayUrl, token, stats, log = () => {} }) {
    this.url = new URL('/v1/device/pings', gatewayUrl).toString();
    this.token = token;
    this.stats = stats;
    this.log = log;
    this.nextSeq = 1;
    this.buffer = [];
    this.offline = false;
    this.inFlight = undefined;
  }

  get buffered() {
    return this.buffer.length;
  }

  record(fix) {
    this.buffer.push({
      seq: this.nextSeq++,
      deviceTime: new Date(fix.deviceTime).toISOString(),
      lat: fix.lat,
      lng: fix.lng,
      accuracyM: fix.accuracyM,
      speedMps: fix.speedMps,
      headingDeg: fix.headingDeg,
      batteryPct: fix.batteryPct,
    });
    this.stats.recorded++;
  }

  flush() {
    if (this.offline || this.inFlight || this.buffer.length === 0) return;
    const batch = this.buffer.slice(0, MAX_MESSAGE);
    this.stats.sent += batch.length;
    this.inFlight = fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ pings: batch }),
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
        this.buffer.splice(0, batch.length);
        this.stats.acked += batch.length;
      })
      .catch((err) => {
        this.stats.errors++;
        this.stats.resent += batch.length;
        this.log(`batch failed: ${err.message}`);
      })
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  goOffline() {
    this.offline = true;
  }

  goOnline() {
    if (!this.offline) return;
    this.offline = false;
    this.stats.reconnects++;
  }

  async close() {
    await this.inFlight;
    this.flush();
    await this.inFlight;
  }
}

export function createStreamClient(address) {
  return new location.DeviceIngestClient(address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
  });
}
