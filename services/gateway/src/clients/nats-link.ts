// The gateway's one NATS connection (for the live feed), opened on first use: a gateway nobody watches live
// needs no NATS, and a NATS that is down at start-up is tried again by the next socket or probe. Once open it
// reconnects for ever (core NATS subscriptions are restored by the client).
import { connectNats, type Logger, type NatsConnection } from '@fieldline/platform';

export class NatsLink {
  private pending?: Promise<NatsConnection>;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log?: Logger,
  ) {}

  /** The open connection; rejects when NATS cannot be reached now (the next call tries again). */
  connection(): Promise<NatsConnection> {
    if (this.closed) return Promise.reject(new Error('the gateway is closing'));
    if (!this.pending) {
      const attempt = connectNats(this.url, 'fieldline-gateway');
      this.pending = attempt;
      attempt.then(
        (nc) => {
          this.log?.info('connected to NATS for the live feed');
          // Closed for good (not a reconnect): forget it so the next use opens a new one.
          void nc.closed().then(() => {
            if (this.pending === attempt) this.pending = undefined;
          });
        },
        (err) => {
          this.log?.warn({ err }, 'NATS unreachable for the live feed');
          if (this.pending === attempt) this.pending = undefined;
        },
      );
    }
    return this.pending;
  }

  /** SERVING when a round trip to the server completes within `deadlineMs`, else why not. */
  async health(deadlineMs: number): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('unreachable (DEADLINE_EXCEEDED)'), deadlineMs);
    });
    const check = this.connection().then(
      async (nc) => {
        await nc.flush();
        return 'SERVING';
      },
      () => 'unreachable (UNAVAILABLE)',
    );
    try {
      return await Promise.race([check, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.pending;
    this.pending = undefined;
    const nc = await pending?.catch(() => undefined);
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}
