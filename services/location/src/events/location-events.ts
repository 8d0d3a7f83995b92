// The events location publishes (through the outbox, in the flush's transaction): worker_arrived / worker_departed.
import type { OutboxEvent } from '@fieldline/platform';
import { locationEvents } from '@fieldline/proto';
import type { SiteEvent } from '../domain/engine.js';

export const PRODUCER = 'location';
export type LocationEventType = 'worker_arrived' | 'worker_departed';

const typeName = (message: string) => `${locationEvents.protobufPackage}.${message}`;

/** The engine's arrival or departure as an event; `at` is the phone's time of the run that decided it. */
export function siteEvent(e: SiteEvent): OutboxEvent {
  return {
    type: e.kind === 'arrived' ? 'worker_arrived' : 'worker_departed',
    tenantId: e.tenantId,
    payloadType: typeName('WorkerSiteEvent'),
    payload: locationEvents.WorkerSiteEvent.encode({
      workerId: e.workerId,
      deviceId: e.deviceId,
      fenceId: e.fenceId,
      jobId: e.jobId ?? '',
      customerId: e.customerId ?? '',
      siteId: e.siteId ?? '',
      at: new Date(e.at),
      lat: e.lat,
      lng: e.lng,
    }).finish(),
  };
}
