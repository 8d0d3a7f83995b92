// Helpers for the location e2e tests: phones registered through the API, pings and Traccar Client requests sent as
// phones send them, and a WebSocket client of the live feed that records what it receives.
import { createRequire } from 'node:module';
import { waitFor } from '@fieldline/testing';
import type { Answer, Api, Json } from './http.js';
import { expectStatus } from './jobs.js';

export type Phone = { id: string; token: string; uniqueId: string; workerId: string };

let phones = 0;

/** POST /v1/devices for `workerId` with a readable uniqueId (the Traccar Client device identifier). */
export async function registerPhone(api: Api, adminToken: string, workerId: string): Promise<Phone> {
  const uniqueId = `e2e-${Date.now().toString(36)}-${++phones}-${Math.random().toString(36).slice(2, 8)}`;
  const res = await api.post('/v1/devices', { workerId, name: `Phone ${phones}`, uniqueId }, adminToken);
  expectStatus(res, 201, 'register phone');
  return { id: res.body.id, token: res.body.token, uniqueId: res.body.uniqueId, workerId };
}

/** An RFC 3339 time `seconds` before now. */
export const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
/** Unix seconds, `seconds` before now. */
export const unixSecondsAgo = (seconds: number) => Math.floor(Date.now() / 1000) - seconds;

export function sendPings(api: Api, phone: Phone, pings: Array<Record<string, unknown>>): Promise<Answer> {
  return api.post('/v1/device/pings', { pings }, phone.token);
}

/** GET /osmand?<query>, as the classic Traccar Client sends it. */
export const osmandQuery = (api: Api, query: string, method: 'GET' | 'POST' = 'GET') =>
  api.send(method, `/osmand?${query}`);
/** POST /osmand with a form body, as newer clients send it. */
export const osmandForm = (api: Api, form: string) =>
  api.send('POST', '/osmand', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
/** POST /osmand with Traccar Client 9's JSON body. */
export const osmandJson = (api: Api, body: unknown) =>
  api.send('POST', '/osmand', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** The latest positions the caller may see, by worker id. */
export async function positionsOf(api: Api, token: string): Promise<Map<string, Json>> {
  const res = await api.get('/v1/workers/positions', token);
  expectStatus(res, 200, 'positions');
  return new Map(res.body.items.map((p: Json) => [p.workerId, p]));
}

/** The track of a worker over the last `hours`, parsed (it is served as application/geo+json). */
export async function trackOf(api: Api, token: string, workerId: string, hours = 2): Promise<Json> {
  const from = new Date(Date.now() - hours * 3600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const res = await api.get(`/v1/workers/${workerId}/track?from=${from}&to=${to}`, token);
  expectStatus(res, 200, 'track');
  return JSON.parse(res.text);
}

// ---------- the live feed ----------

type WsEvents = {
  on(event: 'open', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  on(event: 'unexpected-response', cb: (req: unknown, res: { statusCode: number }) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
};
type WsClient = WsEvents & { readyState: number; close(code?: number): void; terminate(): void };
type WsConstructor = new (url: string, opts?: { headers?: Record<string, string> }) => WsClient;
// `ws` (the gateway's WebSocket library, through @fastify/websocket) ships no types of its own.
const WebSocket = (createRequire(import.meta.url)('ws') as { WebSocket: WsConstructor }).WebSocket;

export type LiveSocket = {
  /** Every message received, parsed, in order (the `ready` greeting first). */
  messages: Json[];
  closed: { code: number; reason: string } | undefined;
  /** The first message (already received or to come) that matches. */
  next(matches: (m: Json) => boolean, what: string, timeoutMs?: number): Promise<Json>;
  close(): Promise<void>;
};

function wsUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/^http/, 'ws') + path;
}

/** Opens /v1/live with the token in Authorization (or `?access_token=`) and waits for the `ready` greeting. */
export async function openLive(
  baseUrl: string,
  token: string,
  via: 'header' | 'query' = 'header',
): Promise<LiveSocket> {
  const url = wsUrl(baseUrl, via === 'query' ? `/v1/live?access_token=${encodeURIComponent(token)}` : '/v1/live');
  const ws = new WebSocket(url, via === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {});
  const socket: LiveSocket = {
    messages: [],
    closed: undefined,
    next: (matches, what, timeoutMs = 15_000) =>
      waitFor(() => socket.messages.find(matches), { what: `live message: ${what}`, timeoutMs, intervalMs: 25 }),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.closed || ws.readyState === 3) return resolve();
        ws.on('close', () => resolve());
        ws.close(1000);
      }),
  };
  ws.on('message', (data) => socket.messages.push(JSON.parse(data.toString())));
  ws.on('close', (code, reason) => {
    socket.closed = { code, reason: reason.toString() };
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => reject(new Error(`live handshake refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
  await socket.next((m) => m.type === 'ready', 'ready');
  return socket;
}

/** The HTTP status a refused /v1/live handshake got. */
export async function refusedLive(baseUrl: string, path = '/v1/live', headers: Record<string, string> = {}) {
  const ws = new WebSocket(wsUrl(baseUrl, path), { headers });
  return new Promise<number>((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error('the handshake was accepted'));
    });
    ws.on('error', () => {});
  });
}
