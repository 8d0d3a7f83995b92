// Devices: a worker's phone, known by a token (our apps) or a typed unique id (Traccar Client).
import { InvalidArgument } from '@fieldline/platform';
import { id, requiredText } from './fields.js';

export interface Device {
  id: string;
  tenantId: string;
  workerId: string;
  name: string;
  uniqueId: string;
  revoked: boolean;
  createdAt: Date;
}

// What Traccar Client lets a person type, bounded so that it cannot be guessed when short.
const UNIQUE_ID = /^[A-Za-z0-9._-]{4,64}$/;

export function newDevice(input: { workerId?: string; name?: string; uniqueId?: string }): {
  workerId: string;
  name: string;
  uniqueId?: string;
} {
  const uniqueId = (input.uniqueId ?? '').trim();
  if (uniqueId !== '' && !UNIQUE_ID.test(uniqueId)) {
    throw new InvalidArgument('uniqueId', 'uniqueId must be 4 to 64 letters, digits, dots, dashes or underscores');
  }
  return {
    workerId: id('workerId', input.workerId),
    name: requiredText('name', input.name),
    uniqueId: uniqueId === '' ? undefined : uniqueId,
  };
}
