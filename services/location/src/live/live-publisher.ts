// Publishes each moved worker's newest position on core NATS `<live prefix>.<tenant>.positions`, at most once a
// second per worker: the first at once, then the newest of what came meanwhile when its second is up.
import type { Logger, NatsConnection } from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import type { WorkerPosition } from '../domain/engine.js';
import { LiveThrottle } from '../domain/live-throttle.js';

export function liveSubject(prefix: string, tenantId: string): string {
  return `${prefix}.${tenantId}.positions`;
}

export function livePositionToProto(tenantId: string, p: WorkerPosition): locationEvents.LivePosition {
  return {
    tenantId,
    workerId: p.workerId,
    lat: p.lat,
    lng: p.lng,
    accuracyM: p.accuracyM,
    speedMps: p.speedMps,
    headingDeg: p.headingDeg,
    batteryPct: p.batteryPct,
    deviceTime: new Date(p.deviceTime),
    deviceId: p.deviceId,
  };
}

interface Pending {
  tenantId: string;
  position: WorkerPosition;
}

export class LivePublisher {
  private readonly throttle: LiveThrottle<Pending>;
  private timer?: NodeJS.Timeout;
  published = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly opts: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.throttle = new LiveThrottle(opts.intervalMs ?? 1000);
  }

  start(): void {
    // A tenth of the interval: a waiting position goes out at most that late after its second is up.
    this.timer = setInterval(() => this.publishDue(), Math.max(10, (this.opts.intervalMs ?? 1000) / 10));
    this.timer.unref();
  }

  offer(tenantId: string, position: WorkerPosition): void {
    const now = this.now();
    const send = this.throttle.offer(`${tenantId}\u0000${position.workerId}`, { tenantId, position }, now);
    if (send) this.publish(send);
  }

  /** Publishes everything still waiting (the newest positions must survive a shutdown), then stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const [, p] of this.throttle.drain()) this.publish(p);
    if (!this.nc.isClosed()) await this.nc.flush().catch(() => {});
  }

  private publishDue(): void {
    for (const [, p] of this.throttle.due(this.now())) this.publish(p);
  }

  private publish(p: Pending): void {
    try {
      const bytes = locationEvents.LivePosition.encode(livePositionToProto(p.tenantId, p.position)).finish();
      this.nc.publish(liveSubject(this.prefix, p.tenantId), bytes);
      this.published++;
    } catch (err) {
      // Core NATS is fire-and-forget: a live position lost while NATS is away is replaced by the next one.
      this.log.debug({ err, tenantId: p.tenantId }, 'live position not published');
    }
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}
