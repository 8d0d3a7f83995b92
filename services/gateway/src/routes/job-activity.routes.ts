// What happens around a job: notes (public or internal), attachments (streamed multipart upload, streamed
// download), time logs and reminders. The jobs service decides per job and role; lists are not paged (a job
// has tens of these, not thousands), so nextCursor is always null.
import multipart from '@fastify/multipart';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import { typeboxValidatorCompiler } from '../plugins/validation.js';
import { sendAttachmentContent } from '../uploads/attachment-download.js';
import { uploadAttachment } from '../uploads/attachment-upload.js';
import { AttachmentCategory, toAttachmentView } from '../views/attachment.view.js';
import { errorResponses, Id, IdParams, Page, Timestamp } from '../views/common.js';
import { toNoteView } from '../views/note.view.js';
import { toReminderView } from '../views/reminder.view.js';
import { toTimeLogView } from '../views/time-log.view.js';
import { as, type RouteDeps } from './route-deps.js';

const NoteBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 10_000 }),
    internal: Type.Optional(Type.Boolean({ description: 'seen by admins and dispatchers only (default false)' })),
  },
  { additionalProperties: false },
);
const TimeLogBody = Type.Object(
  {
    workerId: Type.Optional(Id('whose time; the caller if omitted (co-workers log only their own)')),
    startedAt: Timestamp(),
    endedAt: Type.Optional(Timestamp('or hours')),
    hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24, description: 'or endedAt' })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const ReminderBody = Type.Object(
  { remindAt: Timestamp('in the future'), message: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
// Documents the form for OpenAPI; the route reads the parts itself as they stream in.
const UploadForm = Type.Object(
  {
    category: Type.Optional(AttachmentCategory),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    file: Type.String({ format: 'binary', description: 'the file; its part Content-Type is the declared type' }),
  },
  { required: ['file'], description: 'category and description come before the file part' },
);

const listOf = (ref: string) => ({ 200: Page(Type.Ref(ref)), ...errorResponses(400, 401, 403, 404) });
const createdOf = (ref: string) => ({ 201: Type.Ref(ref), ...errorResponses(400, 401, 403, 404, 413, 415) });

export async function jobActivityRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { jobs } = deps;

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/notes',
    {
      config: { action: 'job-notes:list' },
      schema: {
        tags: ['job-activity'],
        summary: "The job's notes, oldest first (internal ones only for admins and dispatchers)",
        security: SECURED,
        params: IdParams,
        response: listOf('Note'),
      },
    },
    async (request) => {
      const res = await jobs.activity.listNotes({ jobId: request.params.id }, as(request));
      return { items: res.notes.map(toNoteView), nextCursor: null };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof NoteBody> }>(
    '/v1/jobs/:id/notes',
    {
      config: { action: 'job-notes:create' },
      schema: {
        tags: ['job-activity'],
        summary: 'Add a note to a job (internal notes: admins and dispatchers)',
        security: SECURED,
        params: IdParams,
        body: NoteBody,
        response: createdOf('Note'),
      },
    },
    async (request, reply) => {
      const { body, internal } = request.body;
      const note = await jobs.activity.addNote(
        { jobId: request.params.id, body, internal: internal ?? false },
        as(request),
      );
      reply.code(201);
      return toNoteView(note);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/attachments',
    {
      config: { action: 'job-attachments:list' },
      schema: {
        tags: ['job-activity'],
        summary: "The job's attachments (metadata; the bytes are at /v1/attachments/{id}/content)",
        security: SECURED,
        params: IdParams,
        response: listOf('Attachment'),
      },
    },
    async (request) => {
      const res = await jobs.activity.listAttachments({ jobId: request.params.id }, as(request));
      return { items: res.attachments.map(toAttachmentView), nextCursor: null };
    },
  );

  // Its own context: only this route parses multipart/form-data; everywhere else it stays a 415.
  await app.register(async (uploads) => {
    await uploads.register(multipart);
    uploads.post<{ Params: Static<typeof IdParams> }>(
      '/v1/jobs/:id/attachments',
      {
        config: { action: 'job-attachments:create' },
        // The form streams through the handler: only the path is validated up front.
        validatorCompiler: (route) =>
          route.httpPart === 'body'
            ? (data: unknown) => ({ value: data })
            : typeboxValidatorCompiler(route as Parameters<typeof typeboxValidatorCompiler>[0]),
        schema: {
          tags: ['job-activity'],
          summary: 'Upload a file to a job (multipart/form-data, streamed)',
          description:
            `One part named "file" (its Content-Type is checked against the file's first bytes and the tenant's ` +
            `allow-list), optionally preceded by "category" and "description" fields. Larger than the tenant's ` +
            `limit, or than ${deps.config.uploadMaxBytes} bytes whatever the tenant says: 413. Not multipart: 415.`,
          security: SECURED,
          consumes: ['multipart/form-data'],
          params: IdParams,
          body: UploadForm,
          response: createdOf('Attachment'),
        },
      },
      async (request, reply) => {
        const attachment = await uploadAttachment(request, {
          jobs,
          caller: callerOf(request),
          jobId: request.params.id,
          maxBytes: deps.config.uploadMaxBytes,
        });
        reply.code(201);
        return toAttachmentView(attachment);
      },
    );
  });

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/attachments/:id/content',
    {
      config: { action: 'attachments:read' },
      // A HEAD would count as a view without anyone seeing the file.
      exposeHeadRoute: false,
      schema: {
        tags: ['job-activity'],
        summary: "An attachment's content (counts a view); always served as a download",
        security: SECURED,
        params: IdParams,
        response: {
          200: {
            description: 'the bytes, with Content-Type, Content-Length and Content-Disposition',
            content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
          },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => sendAttachmentContent(reply, { jobs, caller: callerOf(request), id: request.params.id }),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/time-logs',
    {
      config: { action: 'job-time-logs:list' },
      schema: {
        tags: ['job-activity'],
        summary: 'Time logged on the job, manual and from geofence visits (not for clients and guests)',
        security: SECURED,
        params: IdParams,
        response: listOf('TimeLog'),
      },
    },
    async (request) => {
      const res = await jobs.activity.listTimeLogs({ jobId: request.params.id }, as(request));
      return { items: res.timeLogs.map(toTimeLogView), nextCursor: null };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TimeLogBody> }>(
    '/v1/jobs/:id/time-logs',
    {
      config: { action: 'job-time-logs:create' },
      schema: {
        tags: ['job-activity'],
        summary: 'Log time on a job: startedAt with endedAt or hours (at most 24 h, not in the future)',
        security: SECURED,
        params: IdParams,
        body: TimeLogBody,
        response: createdOf('TimeLog'),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const log = await jobs.activity.addTimeLog(
        {
          jobId: request.params.id,
          workerId: b.workerId ?? '',
          startedAt: new Date(b.startedAt),
          endedAt: b.endedAt === undefined ? undefined : new Date(b.endedAt),
          hours: b.hours,
          note: b.note ?? '',
        },
        as(request),
      );
      reply.code(201);
      return toTimeLogView(log);
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/reminders',
    {
      config: { action: 'job-reminders:list' },
      schema: {
        tags: ['job-activity'],
        summary: "The job's reminders",
        security: SECURED,
        params: IdParams,
        response: listOf('Reminder'),
      },
    },
    async (request) => {
      const res = await jobs.activity.listReminders({ jobId: request.params.id }, as(request));
      return { items: res.reminders.map(toReminderView), nextCursor: null };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ReminderBody> }>(
    '/v1/jobs/:id/reminders',
    {
      config: { action: 'job-reminders:create' },
      schema: {
        tags: ['job-activity'],
        summary: "Remind the job's people at a future time",
        security: SECURED,
        params: IdParams,
        body: ReminderBody,
        response: createdOf('Reminder'),
      },
    },
    async (request, reply) => {
      const { remindAt, message } = request.body;
      const reminder = await jobs.activity.setReminder(
        { jobId: request.params.id, remindAt: new Date(remindAt), message: message ?? '' },
        as(request),
      );
      reply.code(201);
      return toReminderView(reminder);
    },
  );
}
