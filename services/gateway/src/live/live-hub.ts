// The live feed's NATS side: per tenant, one subscription to its live positions (core NATS
// `<live prefix>.<tenant>.positions`) and one to its job events (`<prefix>.<tenant>.jobs.*`: JetStream-published
// messages reach plain subscribers too), shared by every socket of that tenant on this gateway and dropped with the
// last one. Each message is decoded once and handed to the sockets allowed to see it (live-visibility.ts).
import { eventFilter, type Logger, type NatsConnection } from '@fieldline/platform';
import type { Subscription } from '@nats-io/transport-node';
import { jobEvent, positionMessage } from './live-messages.js';
import { maySeeJob, maySeePosition, seesRestrictedJob, type Viewer } from './live-visibility.js';

/** One receiver of a tenant's feed (a socket's session). */
export interface LiveClient {
  readonly viewer: Viewer;
  /** A position's JSON; may be dropped when the receiver is behind (the next one replaces it). */
  position(json: string): void;
  /** A job event's JSON; never dropped silently. */
  job(json: string): void;
}

type TenantFeed = { clients: Set<LiveClient>; subscriptions: Subscription[] };

// One subject token: a tenant id can never widen a subscription with a wildcard.
const TOKEN = /^[A-Za-z0-9_-]+$/;

export type LiveHubOptions = {
  /** The NATS connection (opened on first use). */
  connection: () => Promise<NatsConnection>;
  livePrefix: string;
  eventPrefix: string;
  log?: Logger;
};

export class LiveHub {
  private readonly feeds = new Map<string, TenantFeed>();
  private closed = false;

  constructor(private readonly opts: LiveHubOptions) {}

  /**
   * Adds `client` to its tenant's feed, subscribing when it is the first; resolves once the server has the
   * subscriptions (nothing published after that is missed) with the function that takes the client out again.
   */
  async join(tenantId: string, client: LiveClient): Promise<() => void> {
    if (!TOKEN.test(tenantId)) throw new Error(`tenant id "${tenantId}" is not a subject token`);
    const nc = await this.opts.connection();
    if (this.closed) throw new Error('the live feed is closed');
    let feed = this.feeds.get(tenantId);
    if (!feed) {
      feed = { clients: new Set(), subscriptions: this.subscribe(nc, tenantId) };
      this.feeds.set(tenantId, feed);
    }
    const joined = feed;
    joined.clients.add(client);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      joined.clients.delete(client);
      if (joined.clients.size === 0 && this.feeds.get(tenantId) === joined) {
        this.feeds.delete(tenantId);
        for (const s of joined.subscriptions) s.unsubscribe();
      }
    };
    try {
      await nc.flush();
    } catch (err) {
      leave();
      throw err;
    }
    return leave;
  }

  /** Tenants with a subscription on this gateway, and how many receivers each has (for tests and metrics). */
  stats(): Map<string, number> {
    return new Map([...this.feeds].map(([tenantId, feed]) => [tenantId, feed.clients.size]));
  }

  close(): void {
    this.closed = true;
    for (const feed of this.feeds.values()) for (const s of feed.subscriptions) s.unsubscribe();
    this.feeds.clear();
  }

  private subscribe(nc: NatsConnection, tenantId: string): Subscription[] {
    const positions = nc.subscribe(`${this.opts.livePrefix}.${tenantId}.positions`, {
      callback: (err, msg) => {
        if (err) this.opts.log?.warn({ err, tenantId }, 'live position subscription failed');
        else this.deliverPosition(tenantId, msg.data);
      },
    });
    const jobs = nc.subscribe(eventFilter({ prefix: this.opts.eventPrefix, tenantId, producer: 'jobs' }), {
      callback: (err, msg) => {
        if (err) this.opts.log?.warn({ err, tenantId }, 'live job subscription failed');
        else this.deliverJob(tenantId, msg.data);
      },
    });
    return [positions, jobs];
  }

  private deliverPosition(tenantId: string, data: Uint8Array): void {
    const clients = this.feeds.get(tenantId)?.clients;
    if (!clients) return;
    const message = positionMessage(tenantId, data);
    if (!message) return;
    let json: string | undefined;
    for (const client of clients) {
      if (!maySeePosition(client.viewer, message.workerId)) continue;
      json ??= JSON.stringify(message);
      this.hand(() => client.position(json as string));
    }
  }

  private deliverJob(tenantId: string, data: Uint8Array): void {
    const clients = this.feeds.get(tenantId)?.clients;
    if (!clients) return;
    const event = jobEvent(tenantId, data);
    if (!event) return;
    for (const client of clients) {
      if (!maySeeJob(client.viewer, event.job)) continue;
      this.hand(() => client.job(event.json(seesRestrictedJob(client.viewer))));
    }
  }

  /** One receiver's failure must not cost the others their message. */
  private hand(send: () => void): void {
    try {
      send();
    } catch (err) {
      this.opts.log?.warn({ err }, 'live message not delivered');
    }
  }
}
