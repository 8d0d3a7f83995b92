// Every replica listens to every replica's live positions and moves its own worker index, so any replica
// answers nearest and positions for all workers (per-device state stays consistent through device_state).
import type { Logger, NatsConnection } from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import type { Subscription } from '@nats-io/transport-node';
import type { LocationEngine } from '../domain/engine.js';

export class LiveSubscriber {
  private sub?: Subscription;
  received = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly engine: LocationEngine,
    private readonly log: Logger,
    private readonly deps: { now: () => number; isInactive(tenantId: string, workerId: string): boolean },
  ) {}

  start(): void {
    this.sub = this.nc.subscribe(`${this.prefix}.*.positions`, {
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ err }, 'live position subscription failed');
          return;
        }
        this.take(msg.subject, msg.data);
      },
    });
  }

  async stop(): Promise<void> {
    if (this.sub && !this.nc.isClosed()) await this.sub.drain().catch(() => {});
  }

  private take(subject: string, data: Uint8Array): void {
    try {
      const p = locationEvents.LivePosition.decode(data);
      const tenantId = subject.slice(this.prefix.length + 1, subject.length - '.positions'.length);
      // Our own positions come back too: observePosition ignores what is not newer, so they change nothing.
      if (p.tenantId !== tenantId || !p.workerId || !p.deviceTime) return;
      if (this.deps.isInactive(tenantId, p.workerId)) return;
      this.received++;
      this.engine.observePosition(tenantId, {
        workerId: p.workerId,
        deviceId: p.deviceId,
        lat: p.lat,
        lng: p.lng,
        accuracyM: p.accuracyM,
        speedMps: p.speedMps,
        headingDeg: p.headingDeg,
        batteryPct: p.batteryPct,
        deviceTime: p.deviceTime.getTime(),
        receivedAt: this.deps.now(),
      });
    } catch (err) {
      this.log.debug({ err, subject }, 'unreadable live position skipped');
    }
  }
}
