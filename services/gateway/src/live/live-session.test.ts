// Unit tests of one live socket's session: backpressure, keep-alive and token expiry, on a fake socket.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LIVE_CLOSE, LiveSession, type LiveSocket } from './live-session.js';

class FakeSocket implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  pings = 0;
  closedWith?: { code?: number; reason?: string };
  terminated = false;
  private listeners: Record<string, Array<() => void>> = {};

  send(data: string) {
    this.sent.push(data);
  }
  ping() {
    this.pings++;
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
    this.readyState = 3;
    this.emit('close');
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  on(event: string, listener: () => void) {
    this.listeners[event] = [...(this.listeners[event] ?? []), listener];
    return this;
  }
  emit(event: string) {
    for (const l of this.listeners[event] ?? []) l();
  }
}

const viewer = { role: 'admin' as const, userId: 'usr_1', assignedCustomerIds: [] };
let socket: FakeSocket;
let ended: number;
const start = (opts: { expiresAt?: number; now?: () => number } = {}) => {
  const session = new LiveSession(socket, viewer, { maxBufferedBytes: 1000, pingIntervalMs: 30_000, ...opts });
  session.start(() => ended++);
  return session;
};

beforeEach(() => {
  jest.useFakeTimers();
  socket = new FakeSocket();
  ended = 0;
});
afterEach(() => {
  jest.useRealTimers();
});

describe('a live session', () => {
  it('sends positions and jobs while the socket keeps up', () => {
    const session = start();

    session.position('{"type":"position"}');
    session.job('{"type":"job"}');

    expect(socket.sent).toEqual(['{"type":"position"}', '{"type":"job"}']);
  });

  it('drops positions for a socket behind, and keeps sending job events', () => {
    const session = start();
    socket.bufferedAmount = 1500;

    session.position('p1');
    session.position('p2');
    session.job('j1');

    expect(socket.sent).toEqual(['j1']);
    expect(session.dropped).toBe(2);
  });

  it('closes a socket far behind instead of buffering a job event without bound', () => {
    const session = start();
    socket.bufferedAmount = 4001;

    session.job('j1');

    expect(socket.sent).toEqual([]);
    expect(socket.closedWith).toEqual(LIVE_CLOSE.tooSlow);
    expect(ended).toBe(1);
  });

  it('sends nothing once the socket is no longer open', () => {
    const session = start();
    socket.readyState = 2;

    session.position('p');
    session.job('j');
    session.send({ type: 'ready' });

    expect(socket.sent).toEqual([]);
  });

  it('pings, and terminates a socket that did not answer the previous ping', () => {
    start();

    jest.advanceTimersByTime(30_000);
    expect(socket.pings).toBe(1);
    socket.emit('pong');
    jest.advanceTimersByTime(30_000);
    expect(socket.pings).toBe(2);
    expect(socket.terminated).toBe(false);

    jest.advanceTimersByTime(30_000);

    expect(socket.terminated).toBe(true);
    expect(ended).toBe(1);
  });

  it('closes with 4001 when the access token expires', () => {
    start({ expiresAt: 60_000, now: () => 0 });

    jest.advanceTimersByTime(59_999);
    expect(socket.closedWith).toBeUndefined();
    jest.advanceTimersByTime(1);

    expect(socket.closedWith).toEqual({ code: 4001, reason: 'access token expired' });
    expect(ended).toBe(1);
  });

  it('closes at once for a token already expired, and never for a credential without expiry', () => {
    start({ expiresAt: 0, now: () => 1000 });
    jest.advanceTimersByTime(0);
    expect(socket.closedWith?.code).toBe(4001);

    socket = new FakeSocket();
    start();
    jest.advanceTimersByTime(10 * 24 * 3600_000);
    expect(socket.closedWith).toBeUndefined();
  });

  it('stops its timers when the client closes', () => {
    start({ expiresAt: 60_000, now: () => 0 });

    socket.close(1000, 'bye');
    jest.advanceTimersByTime(120_000);

    expect(socket.pings).toBe(0);
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'bye' });
    expect(ended).toBe(1);
  });
});
