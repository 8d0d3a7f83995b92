// The JSON messages of the live feed, made from what arrives on NATS: a LivePosition (core NATS) and a jobs event
// envelope (JetStream-published, read by a plain subscription). Each is decoded once per gateway, whatever the
// number of sockets; the JSON text of each variant is made once too, on first need.
import { decodeEnvelope } from '@fieldline/platform';
import { type jobs, jobsEvents, locationEvents } from '@fieldline/proto';
import { iso } from '../views/common.js';
import { toJobView } from '../views/job.view.js';
import { restrictJob } from './live-visibility.js';

const minusOneAsNull = (n: number): number | null => (n < 0 ? null : n);

export type PositionMessage = {
  type: 'position';
  workerId: string;
  /** The phone the fix came from; null from a location service that does not say. */
  deviceId: string | null;
  lat: number;
  lng: number;
  accuracyM: number | null;
  speedMps: number | null;
  headingDeg: number | null;
  batteryPct: number | null;
  deviceTime: string | null;
};

/** A live position for `tenantId`, or undefined when the payload is unreadable or names another tenant. */
export function positionMessage(tenantId: string, data: Uint8Array): PositionMessage | undefined {
  let p: locationEvents.LivePosition;
  try {
    p = locationEvents.LivePosition.decode(data);
  } catch {
    return undefined;
  }
  if (p.tenantId !== tenantId || !p.workerId) return undefined;
  return {
    type: 'position',
    workerId: p.workerId,
    deviceId: p.deviceId || null,
    lat: p.lat,
    lng: p.lng,
    accuracyM: p.accuracyM > 0 ? p.accuracyM : null,
    speedMps: minusOneAsNull(p.speedMps),
    headingDeg: minusOneAsNull(p.headingDeg),
    batteryPct: minusOneAsNull(p.batteryPct),
    deviceTime: iso(p.deviceTime),
  };
}

// The jobs events whose payload is the job as it now is. Activity events (notes, attachments, time logs) are not
// relayed: an internal note must not reach a client, and their views have rules of their own.
const JOB_PAYLOADS = new Map<string, (bytes: Uint8Array) => jobs.Job | undefined>([
  ['fieldline.jobs.v1.JobChanged', (b) => jobsEvents.JobChanged.decode(b).job],
  ['fieldline.jobs.v1.JobDelayed', (b) => jobsEvents.JobDelayed.decode(b).job],
]);

/** A job event of `tenantId`, with its two JSON texts (full, and restricted for clients and guests) made lazily. */
export class JobEvent {
  private full?: string;
  private restricted?: string;

  constructor(
    readonly event: string,
    readonly occurredAt: string | null,
    readonly job: jobs.Job,
  ) {}

  json(restricted: boolean): string {
    if (restricted) {
      this.restricted ??= this.text(toJobView(restrictJob(this.job)));
      return this.restricted;
    }
    this.full ??= this.text(toJobView(this.job));
    return this.full;
  }

  private text(job: ReturnType<typeof toJobView>): string {
    return JSON.stringify({ type: 'job', event: this.event, occurredAt: this.occurredAt, job });
  }
}

/** A jobs event of `tenantId` worth relaying, or undefined (unreadable, another tenant's, not about a job). */
export function jobEvent(tenantId: string, data: Uint8Array): JobEvent | undefined {
  try {
    const envelope = decodeEnvelope(data);
    const decode = JOB_PAYLOADS.get(envelope.payloadType);
    if (envelope.tenantId !== tenantId || envelope.producer !== 'jobs' || !decode) return undefined;
    const job = decode(envelope.payload);
    if (!job || job.tenantId !== tenantId) return undefined;
    return new JobEvent(envelope.type, iso(envelope.occurredAt), job);
  } catch {
    return undefined;
  }
}
