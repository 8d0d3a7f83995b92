// gRPC door of devices: register a worker's phone (its token shown once), list, revoke.
import { newDeviceUniqueId, newOpaqueToken } from '@fieldline/auth';
import { InvalidArgument, newId, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { type Device, newDevice } from '../domain/device.js';
import { DeviceIdTaken, notFound } from '../domain/errors.js';
import { id, optionalId } from '../domain/fields.js';
import { page, pageOf } from '../domain/pagination.js';
import { deviceEvent } from '../events/accounts-events.js';
import { inTransaction, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { deviceToProto } from './to-proto.js';

export function devicesHandlers(deps: AccountsDeps): accounts.DevicesServiceServer {
  const { log } = deps;
  return {
    createDevice: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'devices:create');
      const input = newDevice(req);
      const token = newOpaqueToken('fld');
      const now = deps.clock();
      const device = await inTransaction(deps.db, async (s) => {
        const worker = await s.users.get(actor.tenantId, input.workerId);
        if (!worker?.active) throw new InvalidArgument('workerId', 'workerId is not an active user of this tenant');
        const created: Device = {
          id: newId('dev'),
          tenantId: actor.tenantId,
          workerId: worker.id,
          name: input.name,
          uniqueId: input.uniqueId ?? newDeviceUniqueId(),
          revoked: false,
          createdAt: now,
        };
        await s.devices.insert(created, token.hash);
        await deps.outbox.add(s.db, deviceEvent('device_created', created));
        return created;
      }).catch((err: unknown) => {
        // ~79 random bits make a clash of generated ids practically impossible; a chosen one is the caller's.
        if (err instanceof DeviceIdTaken && !input.uniqueId) log.error('generated device unique id clashed');
        throw err;
      });
      log.info({ tenantId: actor.tenantId, deviceId: device.id, workerId: device.workerId }, 'device created');
      return { device: deviceToProto(device), token: token.token };
    }),

    listDevices: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'devices:list');
      const p = page(req.page);
      const rows = await stores(deps.db).devices.list(actor.tenantId, optionalId('workerId', req.workerId), p);
      const { items, nextCursor } = pageOf(rows, p);
      return { devices: items.map(deviceToProto), page: { nextCursor } };
    }),

    revokeDevice: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'devices:revoke');
      const deviceId = id('id', req.id);
      const now = deps.clock();
      const device = await inTransaction(deps.db, async (s) => {
        const revoked = await s.devices.revoke(actor.tenantId, deviceId, now);
        if (!revoked) throw notFound.device();
        if (revoked.changed) await deps.outbox.add(s.db, deviceEvent('device_revoked', revoked.device));
        return revoked.device;
      });
      log.info({ tenantId: actor.tenantId, deviceId, by: actor.userId }, 'device revoked');
      return deviceToProto(device);
    }),
  };
}
