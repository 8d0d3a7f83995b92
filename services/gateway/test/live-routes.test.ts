// GET /v1/live through fastify's WebSocket injection: refused before the upgrade without a token, 426 without a
// handshake, closed with 1013 when NATS cannot be reached, and with a real NATS: the greeting, a relayed position,
// and the close when the access token expires.
import { signAccessToken } from '@fieldline/auth';
import { connectNats, type NatsConnection } from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import { testNatsUrl, uniquePrefix, waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { TEST_SECRET, testGateway, tokenFor } from './gateway-fixture.js';

type Ws = {
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'close', cb: (code: number, reason: Buffer) => void): void;
  close(): void;
  terminate(): void;
};
type Received = { messages: Array<Record<string, unknown>>; closed?: { code: number; reason: string } };

async function connect(app: FastifyInstance, path: string, headers: Record<string, string> = {}) {
  const received: Received = { messages: [] };
  const ws = (await app.injectWS(
    path,
    { headers },
    {
      onInit: (socket) => {
        const s = socket as unknown as Ws;
        s.on('message', (data) => received.messages.push(JSON.parse(data.toString())));
        s.on('close', (code, reason) => {
          received.closed = { code, reason: reason.toString() };
        });
      },
    },
  )) as unknown as Ws;
  return { ws, received };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/**
 * After a close the server began: an injected socket (in-memory streams) never ends the way a TCP socket does, so
 * the server side would wait out ws's 30 s close timeout; cut it short.
 */
const settle = (app: FastifyInstance) => {
  for (const client of app.websocketServer.clients) client.terminate();
};

describe('the live route without NATS', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testGateway();
  });
  afterAll(() => app.close());

  it('refuses the handshake with 401 before upgrading when there is no valid access token', async () => {
    await expect(app.injectWS('/v1/live')).rejects.toThrow(/401/);
    await expect(app.injectWS('/v1/live', { headers: bearer('nope') })).rejects.toThrow(/401/);
    await expect(app.injectWS('/v1/live?access_token=fld_abc')).rejects.toThrow(/401/);
  });

  it('answers a plain GET with 426 and an Upgrade header', async () => {
    const res = await app.inject({ url: '/v1/live', headers: bearer(tokenFor('admin')) });

    expect(res.statusCode).toBe(426);
    expect(res.headers.upgrade).toBe('websocket');
    expect(res.json().error.code).toBe('UPGRADE_REQUIRED');
  });

  it('closes with 1013 (try again later) when NATS cannot be reached', async () => {
    const { received } = await connect(app, `/v1/live?access_token=${tokenFor('dispatcher')}`);

    await waitFor(() => received.closed, { what: 'the close' });
    settle(app);
    expect(received.closed).toEqual({ code: 1013, reason: 'live feed unavailable, retry later' });
    expect(received.messages).toEqual([]);
  });
});

describe('the live route with NATS', () => {
  let app: FastifyInstance;
  let nc: NatsConnection;
  const prefix = uniquePrefix();
  const livePrefix = `${prefix}-live`;

  beforeAll(async () => {
    const natsUrl = await testNatsUrl();
    nc = await connectNats(natsUrl, 'gateway-live-route-test');
    app = await testGateway({ natsUrl, natsPrefix: prefix, liveSubjectPrefix: livePrefix });
  });
  afterAll(async () => {
    await app.close();
    await nc.close();
  });

  it('greets, then relays a position of its tenant', async () => {
    const { ws, received } = await connect(app, '/v1/live', bearer(tokenFor('admin', { tid: 't_live', sub: 'usr_a' })));
    await waitFor(() => received.messages[0], { what: 'the greeting' });

    nc.publish(
      `${livePrefix}.t_live.positions`,
      locationEvents.LivePosition.encode({
        tenantId: 't_live',
        workerId: 'usr_w',
        deviceId: 'dev_phone',
        lat: 1,
        lng: 2,
        accuracyM: 0,
        speedMps: 3,
        headingDeg: -1,
        batteryPct: 50,
        deviceTime: new Date('2030-01-01T00:00:00Z'),
      }).finish(),
    );

    await waitFor(() => received.messages[1], { what: 'the position' });
    expect(received.messages).toEqual([
      { type: 'ready', userId: 'usr_a', role: 'admin', positions: true },
      {
        type: 'position',
        workerId: 'usr_w',
        deviceId: 'dev_phone',
        lat: 1,
        lng: 2,
        accuracyM: null,
        speedMps: 3,
        headingDeg: null,
        batteryPct: 50,
        deviceTime: '2030-01-01T00:00:00.000Z',
      },
    ]);
    ws.terminate();
  });

  it('closes with 4001 when the access token expires', async () => {
    const { token } = signAccessToken(
      { sub: 'usr_b', tid: 't_live', role: 'dispatcher' },
      { secret: TEST_SECRET, ttlSeconds: 2 },
    );
    const { received } = await connect(app, `/v1/live?access_token=${token}`);

    await waitFor(() => received.closed, { what: 'the close at expiry', timeoutMs: 6000 });
    settle(app);

    expect(received.messages[0]).toMatchObject({ type: 'ready' });
    expect(received.closed).toEqual({ code: 4001, reason: 'access token expired' });
  });

  it('tells every open socket to reconnect when the gateway closes', async () => {
    const other = await testGateway({
      natsUrl: await testNatsUrl(),
      natsPrefix: prefix,
      liveSubjectPrefix: livePrefix,
    });
    const { received } = await connect(other, '/v1/live', bearer(tokenFor('admin', { tid: 't_bye' })));
    await waitFor(() => received.messages[0], { what: 'the greeting' });

    const closing = other.close();
    await waitFor(() => received.closed, { what: 'the close' });
    settle(other);
    await closing;

    expect(received.closed).toEqual({ code: 1001, reason: 'server going away' });
  });
});
