import { describe, expect, it } from '@jest/globals';
import type { Job } from './job.js';
import {
  acceptAssignment,
  checkCanAnswer,
  jobWithAcceptedProposal,
  proposedDueAt,
  rejectAssignment,
  sideOf,
} from './negotiation.js';
import type { Proposal } from './proposal.js';

const job = {
  id: 'job_1',
  tenantId: 't',
  status: 'assigned',
  assigneeIds: ['usr_w'],
  startAt: new Date('2025-03-01T00:00:00Z'),
  dueAt: new Date('2025-03-02T00:00:00Z'),
} as Job;
const worker = { userId: 'usr_w', role: 'coworker' as const };
const other = { userId: 'usr_x', role: 'coworker' as const };
const dispatcher = { userId: 'usr_d', role: 'dispatcher' as const };
const proposal = (side: Proposal['side'], state: Proposal['state'] = 'open'): Proposal => ({
  id: 'prp_1',
  tenantId: 't',
  jobId: 'job_1',
  proposedBy: side === 'assignee' ? 'usr_w' : 'usr_d',
  side,
  proposedDueAt: new Date('2025-03-04T00:00:00Z'),
  message: '',
  state,
  createdAt: new Date(),
});

describe('acceptance and negotiation', () => {
  it('lets only an assignee accept or reject', () => {
    expect(acceptAssignment(job, worker)).toBe('accepted');
    expect(rejectAssignment(job, worker)).toBe('rejected');
    expect(() => acceptAssignment(job, other)).toThrow(expect.objectContaining({ kind: 'permission_denied' }));
    expect(() => rejectAssignment(job, dispatcher)).toThrow(expect.objectContaining({ code: 'NOT_ASSIGNEE' }));
  });

  it.each(['not_started', 'accepted', 'in_progress', 'waiting_on_customer', 'done', 'cancelled'] as const)(
    'refuses to accept a %s job',
    (status) => {
      expect(() => acceptAssignment({ ...job, status }, worker)).toThrow(
        expect.objectContaining({ code: 'JOB_INVALID_TRANSITION' }),
      );
    },
  );

  it('lets an assignee who rejected change their mind', () => {
    expect(acceptAssignment({ ...job, status: 'rejected' }, worker)).toBe('accepted');
  });

  it("has dispatch answer the assignee's proposal and the assignee answer dispatch's", () => {
    expect(checkCanAnswer(job, proposal('assignee'), dispatcher)).toBe('dispatcher');
    expect(checkCanAnswer(job, proposal('dispatcher'), worker)).toBe('assignee');
    expect(() => checkCanAnswer(job, proposal('assignee'), worker)).toThrow(
      expect.objectContaining({ kind: 'permission_denied' }),
    );
    expect(() => checkCanAnswer(job, proposal('dispatcher'), other)).toThrow(
      expect.objectContaining({ kind: 'permission_denied' }),
    );
  });

  it('answers only open proposals', () => {
    expect(() => checkCanAnswer(job, proposal('assignee', 'countered'), dispatcher)).toThrow(
      expect.objectContaining({ code: 'PROPOSAL_NOT_OPEN' }),
    );
  });

  it('moves the due date and accepts the job when a proposal is accepted', () => {
    const next = jobWithAcceptedProposal({ ...job, status: 'rejected' }, proposal('assignee'));

    expect(next).toMatchObject({ status: 'accepted', dueAt: new Date('2025-03-04T00:00:00Z') });
  });

  it('refuses a proposed due date before the start', () => {
    expect(() => proposedDueAt(job, new Date('2025-02-01T00:00:00Z'))).toThrow(
      expect.objectContaining({ field: 'proposedDueAt' }),
    );
  });

  it('puts admins and dispatchers on the dispatch side, assignees on theirs, others nowhere', () => {
    expect([sideOf(job, dispatcher), sideOf(job, worker), sideOf(job, other)]).toEqual([
      'dispatcher',
      'assignee',
      undefined,
    ]);
  });
});
