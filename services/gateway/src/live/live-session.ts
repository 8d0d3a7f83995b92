// One live socket: sends what the hub hands it without buffering without bound (positions are dropped while the
// socket is behind; a socket far behind is closed), pings it and closes it when it stops answering, and closes it
// when its access token expires (the client reconnects with a fresh one).
import type { LiveClient } from './live-hub.js';
import type { Viewer } from './live-visibility.js';

/** What the session needs of a WebSocket (ws's WebSocket has it). */
export interface LiveSocket {
  readonly readyState: number;
  /** Bytes queued for sending but not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'pong' | 'close', listener: () => void): unknown;
}

const OPEN = 1;

/** Close codes a client can act on (4000-4999 are the application's). */
export const LIVE_CLOSE = {
  /** Reconnect with a fresh access token. */
  tokenExpired: { code: 4001, reason: 'access token expired' },
  /** The client reads too slowly; reconnect (and read faster). */
  tooSlow: { code: 4002, reason: 'too far behind' },
  /** The feed cannot be served now (NATS unreachable); retry later. */
  unavailable: { code: 1013, reason: 'live feed unavailable, retry later' },
  /** The gateway is shutting down; reconnect (to another replica). */
  goingAway: { code: 1001, reason: 'server going away' },
} as const;

/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type LiveSessionOptions = {
  /** Positions are dropped above this many unsent bytes; the socket is closed above 4 × this. */
  maxBufferedBytes: number;
  pingIntervalMs: number;
  /** When the access token expires (epoch ms); undefined: never (an API key). */
  expiresAt?: number;
  now?: () => number;
};

export class LiveSession implements LiveClient {
  /** Positions not sent because the socket was behind. */
  dropped = 0;
  private alive = true;
  private heartbeat?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;

  constructor(
    private readonly socket: LiveSocket,
    readonly viewer: Viewer,
    private readonly opts: LiveSessionOptions,
  ) {}

  /** Starts the keep-alive and the expiry; `onEnd` runs once the socket has closed, whoever closed it. */
  start(onEnd: () => void): void {
    this.socket.on('pong', () => {
      this.alive = true;
    });
    this.socket.on('close', () => {
      this.stop();
      onEnd();
    });
    this.heartbeat = setInterval(() => this.beat(), this.opts.pingIntervalMs);
    this.heartbeat.unref();
    if (this.opts.expiresAt !== undefined) {
      const now = this.opts.now?.() ?? Date.now();
      const left = Math.max(0, Math.min(this.opts.expiresAt - now, MAX_TIMER_MS));
      this.expiry = setTimeout(() => this.end(LIVE_CLOSE.tokenExpired), left);
      this.expiry.unref();
    }
  }

  /** A message the client must get (the greeting). */
  send(message: unknown): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  position(json: string): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > this.opts.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    this.socket.send(json);
  }

  job(json: string): void {
    if (this.socket.readyState !== OPEN) return;
    // A job event is not dropped; a socket this far behind is closed instead, so memory stays bounded.
    if (this.socket.bufferedAmount > 4 * this.opts.maxBufferedBytes) {
      this.end(LIVE_CLOSE.tooSlow);
      return;
    }
    this.socket.send(json);
  }

  end(why: { code: number; reason: string }): void {
    this.stop();
    if (this.socket.readyState === OPEN) this.socket.close(why.code, why.reason);
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
  }

  /** No pong since the last ping: the peer is gone without a close (a phone in a tunnel). */
  private beat(): void {
    if (!this.alive) {
      this.stop();
      this.socket.terminate();
      return;
    }
    this.alive = false;
    if (this.socket.readyState === OPEN) this.socket.ping();
  }
}
