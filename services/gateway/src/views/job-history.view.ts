// A job's history (who changed what, when, from → to, why) and its deadline negotiation thread.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const ProposalView = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    proposedBy: Type.String(),
    side: Type.String({ description: 'assignee | dispatcher' }),
    proposedDueAt: Nullable(Timestamp()),
    message: Nullable(Type.String()),
    state: Type.String({ description: 'open | accepted | countered | superseded' }),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'Proposal' },
);

export const HistoryEntryView = Type.Object(
  {
    id: Type.String(),
    at: Nullable(Timestamp()),
    actorId: Nullable(Type.String({ description: 'null for the system (form, VoIP, delay check)' })),
    kind: Type.String({ description: 'created | updated | status_changed | assigned | accepted | rejected | ...' }),
    fromStatus: Nullable(Type.String()),
    toStatus: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    changes: Type.Array(
      Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() }, { description: 'field changes' }),
    ),
    proposalId: Nullable(Type.String()),
    proposedDueAt: Nullable(Timestamp()),
  },
  { $id: 'HistoryEntry' },
);

export const JobHistoryView = Type.Object({
  items: Type.Array(Type.Ref('HistoryEntry'), { description: 'oldest first' }),
  proposals: Type.Array(Type.Ref('Proposal'), { description: 'the deadline negotiation thread' }),
});

/** The JSON the service encoded, or the text as it is when it is not JSON (never a failure). */
function decoded(json: string): unknown {
  if (json === '') return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

export function toProposalView(p: jobs.Proposal) {
  return {
    id: p.id,
    jobId: p.jobId,
    proposedBy: p.proposedBy,
    side: p.side,
    proposedDueAt: iso(p.proposedDueAt),
    message: orNull(p.message),
    state: p.state,
    createdAt: iso(p.createdAt),
  };
}

export function toJobHistoryView(res: jobs.GetJobHistoryResponse) {
  return {
    items: res.entries.map((e) => ({
      id: e.id,
      at: iso(e.at),
      actorId: orNull(e.actorId),
      kind: e.kind,
      fromStatus: orNull(e.fromStatus),
      toStatus: orNull(e.toStatus),
      reason: orNull(e.reason),
      changes: e.changes.map((c) => ({ field: c.field, from: decoded(c.fromJson), to: decoded(c.toJson) })),
      proposalId: orNull(e.proposalId),
      proposedDueAt: iso(e.proposedDueAt),
    })),
    proposals: res.proposals.map(toProposalView),
  };
}
