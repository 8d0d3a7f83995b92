// A worker's device as the API shows it.
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

export const DeviceView = Type.Object(
  {
    id: Type.String(),
    workerId: Type.String(),
    name: Type.String(),
    uniqueId: Type.String({ description: 'the device identifier typed into Traccar Client' }),
    revoked: Type.Boolean(),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'Device' },
);

export function toDeviceView(d: accounts.Device | undefined) {
  if (!d) throw new Error('accounts answered without a device');
  return {
    id: d.id,
    workerId: d.workerId,
    name: d.name,
    uniqueId: d.uniqueId,
    revoked: d.revoked,
    createdAt: iso(d.createdAt),
  };
}
