// A deadline proposal in the accept/reject negotiation: who proposed which due date, and where it stands.

export const PROPOSAL_SIDES = ['assignee', 'dispatcher'] as const;
export type ProposalSide = (typeof PROPOSAL_SIDES)[number];

/** open: awaiting the other side; accepted: the due date moved; countered: answered with another date;
 *  superseded: made moot (the job was reassigned, completed, or cancelled). */
export type ProposalState = 'open' | 'accepted' | 'countered' | 'superseded';

export interface Proposal {
  id: string;
  tenantId: string;
  jobId: string;
  proposedBy: string;
  side: ProposalSide;
  proposedDueAt: Date;
  message: string;
  state: ProposalState;
  createdAt: Date;
}
