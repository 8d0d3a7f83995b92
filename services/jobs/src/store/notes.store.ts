// SQL for job notes (table job_notes of migrations/0002_activity.sql).
import type { Kysely } from 'kysely';
import type { Note } from '../domain/notes.js';
import type { JobsDb } from './schema.js';

export interface JobNotesTable {
  id: string;
  tenant_id: string;
  job_id: string;
  author_id: string;
  body: string;
  internal: boolean;
  created_at: Date;
}

type NotesDb = JobsDb & { job_notes: JobNotesTable };

const toNote = (r: JobNotesTable): Note => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  authorId: r.author_id,
  body: r.body,
  internal: r.internal,
  createdAt: r.created_at,
});

export class NotesStore {
  private readonly db: Kysely<NotesDb>;

  constructor(db: Kysely<JobsDb>) {
    this.db = db.withTables<{ job_notes: JobNotesTable }>();
  }

  async insert(note: Note): Promise<void> {
    await this.db
      .insertInto('job_notes')
      .values({
        id: note.id,
        tenant_id: note.tenantId,
        job_id: note.jobId,
        author_id: note.authorId,
        body: note.body,
        internal: note.internal,
        created_at: note.createdAt,
      })
      .execute();
  }

  /** The job's notes, oldest first; internal ones only when asked (the caller's role decides). */
  async list(tenantId: string, jobId: string, opts: { includeInternal: boolean }): Promise<Note[]> {
    let q = this.db.selectFrom('job_notes').selectAll().where('tenant_id', '=', tenantId).where('job_id', '=', jobId);
    if (!opts.includeInternal) q = q.where('internal', '=', false);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toNote);
  }
}
