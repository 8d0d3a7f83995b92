// The events jobs publishes (through the outbox, in the transaction of the change): type, tenant, payload.
import type { OutboxEvent } from '@fieldline/platform';
import { jobsEvents } from '@fieldline/proto';
import type { DelayCause, Job, JobStatus } from '../domain/job.js';
import type { Proposal } from '../domain/proposal.js';
import { fullJobToProto } from '../grpc/job-to-proto.js';

const typeName = (message: string) => `${jobsEvents.protobufPackage}.${message}`;

export type JobChangedType =
  | 'job_created'
  | 'job_updated'
  | 'job_assigned'
  | 'job_accepted'
  | 'job_rejected'
  | 'job_proposal_countered'
  | 'job_proposal_accepted'
  | 'job_status_changed'
  | 'job_completed'
  | 'participants_changed';

export interface JobChangedDetails {
  actorId: string;
  fromStatus?: JobStatus;
  reason?: string;
  proposal?: Proposal;
  addedUserIds?: string[];
  removedUserIds?: string[];
}

export function proposalToProto(p: Proposal) {
  return {
    id: p.id,
    jobId: p.jobId,
    proposedBy: p.proposedBy,
    side: p.side,
    proposedDueAt: p.proposedDueAt,
    message: p.message,
    state: p.state,
    createdAt: p.createdAt,
  };
}

export function jobChanged(type: JobChangedType, job: Job, d: JobChangedDetails): OutboxEvent {
  return {
    type,
    tenantId: job.tenantId,
    payloadType: typeName('JobChanged'),
    payload: jobsEvents.JobChanged.encode({
      job: fullJobToProto(job),
      actorId: d.actorId,
      fromStatus: d.fromStatus ?? '',
      reason: d.reason ?? '',
      proposal: d.proposal ? proposalToProto(d.proposal) : undefined,
      addedUserIds: d.addedUserIds ?? [],
      removedUserIds: d.removedUserIds ?? [],
    }).finish(),
  };
}

export function jobDelayed(job: Job, cause: DelayCause, detectedAt: Date): OutboxEvent {
  return {
    type: 'job_delayed',
    tenantId: job.tenantId,
    payloadType: typeName('JobDelayed'),
    payload: jobsEvents.JobDelayed.encode({ job: fullJobToProto(job), cause, detectedAt }).finish(),
  };
}
