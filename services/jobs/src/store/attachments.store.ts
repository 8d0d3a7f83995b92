// SQL for attachment records (table job_attachments); the bytes are in the blob store.
import type { Kysely } from 'kysely';
import type { Attachment, AttachmentCategory } from '../domain/attachments.js';
import type { JobsDb } from './schema.js';

export interface JobAttachmentsTable {
  id: string;
  tenant_id: string;
  job_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  category: string;
  description: string;
  active: boolean;
  view_count: number;
  sha256: string;
  blob_key: string;
  uploaded_by: string;
  created_at: Date;
}

type AttachmentsDb = JobsDb & { job_attachments: JobAttachmentsTable };

const toAttachment = (r: JobAttachmentsTable): Attachment => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  fileName: r.file_name,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
  category: r.category as AttachmentCategory,
  description: r.description,
  active: r.active,
  viewCount: r.view_count,
  sha256: r.sha256,
  blobKey: r.blob_key,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
});

export class AttachmentsStore {
  private readonly db: Kysely<AttachmentsDb>;

  constructor(db: Kysely<JobsDb>) {
    this.db = db.withTables<{ job_attachments: JobAttachmentsTable }>();
  }

  async insert(a: Attachment): Promise<void> {
    await this.db
      .insertInto('job_attachments')
      .values({
        id: a.id,
        tenant_id: a.tenantId,
        job_id: a.jobId,
        file_name: a.fileName,
        content_type: a.contentType,
        size_bytes: a.sizeBytes,
        category: a.category,
        description: a.description,
        active: a.active,
        view_count: a.viewCount,
        sha256: a.sha256,
        blob_key: a.blobKey,
        uploaded_by: a.uploadedBy,
        created_at: a.createdAt,
      })
      .execute();
  }

  async get(tenantId: string, id: string): Promise<Attachment | undefined> {
    const row = await this.db
      .selectFrom('job_attachments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAttachment(row);
  }

  async list(tenantId: string, jobId: string): Promise<Attachment[]> {
    const rows = await this.db
      .selectFrom('job_attachments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toAttachment);
  }

  /** Counts one more read of the content (atomic, so concurrent downloads all count) and returns the record. */
  async countView(tenantId: string, id: string): Promise<Attachment | undefined> {
    const row = await this.db
      .updateTable('job_attachments')
      .set((eb) => ({ view_count: eb('view_count', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toAttachment(row);
  }
}
