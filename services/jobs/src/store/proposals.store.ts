// SQL for deadline proposals: the negotiation thread of a job, one open proposal at a time.
import type { Kysely, Selectable } from 'kysely';
import type { Proposal, ProposalSide, ProposalState } from '../domain/proposal.js';
import type { JobProposalsTable, JobsDb } from './schema.js';

export class ProposalsStore {
  constructor(private readonly db: Kysely<JobsDb>) {}

  async insert(p: Proposal): Promise<void> {
    await this.db
      .insertInto('job_proposals')
      .values({
        id: p.id,
        tenant_id: p.tenantId,
        job_id: p.jobId,
        proposed_by: p.proposedBy,
        side: p.side,
        proposed_due_at: p.proposedDueAt,
        message: p.message,
        state: p.state,
        created_at: p.createdAt,
      })
      .execute();
  }

  async setState(p: Proposal, state: ProposalState): Promise<Proposal> {
    await this.db
      .updateTable('job_proposals')
      .set({ state })
      .where('tenant_id', '=', p.tenantId)
      .where('id', '=', p.id)
      .execute();
    return { ...p, state };
  }

  /** Every open proposal of the job becomes superseded (reassigned, cancelled, completed). */
  async supersedeOpen(tenantId: string, jobId: string): Promise<number> {
    const res = await this.db
      .updateTable('job_proposals')
      .set({ state: 'superseded' })
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .where('state', '=', 'open')
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async get(tenantId: string, jobId: string, id: string): Promise<Proposal | undefined> {
    const row = await this.db
      .selectFrom('job_proposals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async forJob(tenantId: string, jobId: string): Promise<Proposal[]> {
    const rows = await this.db
      .selectFrom('job_proposals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }
}

function fromRow(r: Selectable<JobProposalsTable>): Proposal {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    jobId: r.job_id,
    proposedBy: r.proposed_by,
    side: r.side as ProposalSide,
    proposedDueAt: r.proposed_due_at,
    message: r.message,
    state: r.state as ProposalState,
    createdAt: r.created_at,
  };
}
