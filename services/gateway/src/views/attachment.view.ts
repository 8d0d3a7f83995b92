// A file attached to a job as the API shows it (its bytes are at GET /v1/attachments/{id}/content).
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const ATTACHMENT_CATEGORIES = ['photo', 'document', 'video', 'other'] as const;
export const AttachmentCategory = Type.Union(
  ATTACHMENT_CATEGORIES.map((c) => Type.Literal(c)),
  { description: ATTACHMENT_CATEGORIES.join(' | ') },
);

export const AttachmentView = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    fileName: Type.String(),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    category: AttachmentCategory,
    description: Nullable(Type.String()),
    active: Type.Boolean(),
    viewCount: Type.Integer({ description: 'how many times the content was downloaded' }),
    uploadedBy: Type.String(),
    sha256: Type.String({ description: 'hex digest of the content' }),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'Attachment' },
);

export function toAttachmentView(a: jobs.Attachment | undefined) {
  if (!a) throw new Error('jobs answered without an attachment');
  return {
    id: a.id,
    jobId: a.jobId,
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    category: a.category,
    description: orNull(a.description),
    active: a.active,
    viewCount: a.viewCount,
    uploadedBy: a.uploadedBy,
    sha256: a.sha256,
    createdAt: iso(a.createdAt),
  };
}
