import { accounts } from '@fieldline/proto';
import { makeGenericClientConstructor, status } from '@grpc/grpc-js';
import { describe, expect, it } from '@jest/globals';
import { service as healthService } from 'grpc-health-check';
import { NotFound } from './errors.js';
import { createGrpcClient } from './grpc-client.js';
import { startGrpcServer, unary } from './grpc-server.js';
import { createLogger } from './logger.js';

const log = createLogger('test', 'silent');

async function startSettingsServer(handler: Parameters<typeof unary>[1]) {
  const impl = {
    getSettings: unary(log, handler),
    updateSettings: unary(log, async () => {
      throw new Error('boom');
    }),
  };
  return startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    log,
    services: [
      {
        name: 'fieldline.accounts.v1.SettingsService',
        definition: accounts.SettingsServiceService,
        implementation: impl,
      },
    ],
  });
}

describe('gRPC server and client helpers', () => {
  it('passes the caller through metadata and maps domain errors back', async () => {
    const server = await startSettingsServer(async (_req, ctx) => {
      const caller = ctx.caller();
      if (caller.tenantId !== 'ten_a') throw new NotFound('SETTINGS_NOT_FOUND', 'no settings');
      return accounts.Settings.fromPartial({ tenantId: caller.tenantId, currency: 'EUR' });
    });
    const client = createGrpcClient(accounts.SettingsServiceClient, `127.0.0.1:${server.port}`);
    try {
      const caller = { kind: 'user', tenantId: 'ten_a', userId: 'usr_1', role: 'admin' } as const;
      await expect(client.getSettings({}, { caller })).resolves.toMatchObject({ tenantId: 'ten_a', currency: 'EUR' });
      await expect(client.getSettings({}, { caller: { ...caller, tenantId: 'ten_b' } })).rejects.toMatchObject({
        code: status.NOT_FOUND,
      });
      await expect(client.getSettings({})).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
      await expect(client.updateSettings({} as accounts.UpdateSettingsRequest, { caller })).rejects.toMatchObject({
        code: status.INTERNAL,
        details: 'internal error',
      });
    } finally {
      client.close();
      await server.shutdown(1000);
    }
  });

  it('serves grpc.health.v1 and reports NOT_SERVING while draining', async () => {
    const server = await startSettingsServer(async () => accounts.Settings.fromPartial({}));
    const Health = makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(`127.0.0.1:${server.port}`, (await import('@grpc/grpc-js')).credentials.createInsecure());
    const check = (service: string) =>
      new Promise<{ status: string }>((resolve, reject) =>
        (
          health as unknown as { check: (r: object, cb: (e: Error | null, r: { status: string }) => void) => void }
        ).check({ service }, (err, res) => (err ? reject(err) : resolve(res))),
      );
    try {
      await expect(check('')).resolves.toMatchObject({ status: 'SERVING' });
      await expect(check('fieldline.accounts.v1.SettingsService')).resolves.toMatchObject({ status: 'SERVING' });
      server.health.setStatus('', 'NOT_SERVING');
      await expect(check('')).resolves.toMatchObject({ status: 'NOT_SERVING' });
    } finally {
      health.close();
      await server.shutdown(1000);
    }
  });
});
