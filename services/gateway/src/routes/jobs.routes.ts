// Jobs: create, list and filter, read, change (versioned), and every move of their life: assignment, the
// assignee's answer and the deadline negotiation, status transitions, completion, auto-assign, participants,
// history, and a worker's schedule.
import type { jobs } from '@fieldline/proto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationFailed } from '../http/http-error.js';
import { callerOf } from '../plugins/authentication.js';
import { SECURED } from '../plugins/openapi.js';
import {
  errorResponses,
  Id,
  IdParams,
  iso,
  Nullable,
  nextCursor,
  Page,
  PageQuery,
  Timestamp,
} from '../views/common.js';
import { JOB_STATUSES, JobPriority, JobStatus, toJobView } from '../views/job.view.js';
import { JobHistoryView, toJobHistoryView } from '../views/job-history.view.js';
import { toWorkerScheduleView, WorkerScheduleView } from '../views/worker-schedule.view.js';
import { CreateJobBody, refuseReadOnlyFields, toJobInput, UpdateJobBody } from './job-input.js';
import { as, type RouteDeps } from './route-deps.js';

// API sort keys are the JSON field names; the jobs service names the columns.
const SORTS = {
  createdAt: 'created_at',
  dueAt: 'due_at',
  priority: 'priority',
  number: 'number',
  updatedAt: 'updated_at',
};
const SORT_VALUES = Object.keys(SORTS).flatMap((k) => [k, `-${k}`]);

const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Array(JobStatus, { maxItems: JOB_STATUSES.length, description: 'repeat or comma-separate: any of them' }),
    ),
    assigneeId: Type.Optional(Id()),
    customerId: Type.Optional(Id()),
    category: Type.Optional(Type.String({ maxLength: 60 })),
    priority: Type.Optional(JobPriority),
    delayed: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'full-text search in number, title, description' })),
    tag: Type.Optional(Type.String({ maxLength: 40 })),
    dueBefore: Type.Optional(Timestamp('due strictly before this time')),
    dueAfter: Type.Optional(Timestamp('due at or after this time')),
    sort: Type.Optional(
      Type.Union(
        SORT_VALUES.map((s) => Type.Literal(s)),
        { description: 'a field, `-` first for descending; default -createdAt' },
      ),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'retrying a create with the same key returns the first job instead of a second one',
    }),
  ),
});
const ProposalParams = Type.Object({ id: Id(), pid: Id('the proposal') }, { additionalProperties: false });
const Reason = (description?: string) => Type.String({ maxLength: 1000, description });

const AssignBody = Type.Object(
  {
    workerIds: Type.Array(Id(), { minItems: 1, maxItems: 20, uniqueItems: true }),
    scheduledStart: Type.Optional(Timestamp()),
    scheduledEnd: Type.Optional(Timestamp()),
    force: Type.Optional(Type.Boolean({ description: 'assign into an overlapping window; the job is flagged' })),
    add: Type.Optional(Type.Boolean({ description: 'keep the current assignees and add these' })),
  },
  { additionalProperties: false },
);
const RejectBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
    proposedDueAt: Type.Optional(Timestamp('a due date the assignee can meet')),
  },
  { additionalProperties: false },
);
const CounterBody = Type.Object(
  { proposedDueAt: Timestamp(), message: Type.Optional(Reason()) },
  { additionalProperties: false },
);
const TransitionBody = Type.Object({ to: JobStatus, reason: Type.Optional(Reason()) }, { additionalProperties: false });
const CompleteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 10_000 })) },
  { additionalProperties: false, default: {} },
);
const AutoAssignBody = Type.Object(
  { scheduledStart: Type.Optional(Timestamp()), scheduledEnd: Type.Optional(Timestamp()) },
  { additionalProperties: false, default: {} },
);
const ParticipantsBody = Type.Object(
  { userIds: Type.Array(Id(), { minItems: 1, maxItems: 100, uniqueItems: true }) },
  { additionalProperties: false },
);
const ScheduleQuery = Type.Object(
  { from: Timestamp('start of the window'), to: Timestamp('end of the window') },
  { additionalProperties: false },
);

const ConflictView = Type.Object({
  workerId: Type.String(),
  jobId: Type.String(),
  jobNumber: Type.String(),
  scheduledStart: Nullable(Timestamp()),
  scheduledEnd: Nullable(Timestamp()),
});
const AssignResponse = Type.Object({
  job: Type.Ref('Job'),
  conflicts: Type.Array(ConflictView, { description: 'overlaps accepted with force' }),
});
const AutoAssignResponse = Type.Object({
  job: Type.Ref('Job'),
  workerId: Type.String(),
  rule: Type.String({ description: 'customer_coworker | nearest_available' }),
  reason: Type.String({ description: 'why this worker, in words' }),
  distanceM: Nullable(Type.Number({ description: 'for nearest_available' })),
});

const at = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

/** preValidation of the list: `status=a,b&status=c` → [a, b, c], an unknown one refused as `status`. */
async function statusList(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  if (query.status === undefined) return;
  const raw = Array.isArray(query.status) ? query.status : [query.status];
  const statuses = raw
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = statuses.find((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw new ValidationFailed(
      `status must be one of: ${JOB_STATUSES.join(', ')} (got "${unknown.slice(0, 40)}")`,
      'status',
    );
  }
  query.status = [...new Set(statuses)];
}

export async function jobsRoutes(app: FastifyInstance, { jobs }: RouteDeps) {
  const one = { 200: Type.Ref('Job'), ...errorResponses(400, 401, 403, 404, 409) };

  app.post<{ Body: Static<typeof CreateJobBody>; Headers: Static<typeof IdempotencyHeaders> }>(
    '/v1/jobs',
    {
      config: { action: 'jobs:create' },
      preValidation: refuseReadOnlyFields,
      schema: {
        tags: ['jobs'],
        summary: 'Create a job',
        description:
          'Numbered from the tenant sequence. startAt defaults to now, dueAt to startAt + the customer SLA hours. ' +
          'Clients create requests for their own customer with the portal fields; guests cannot create jobs, and an ' +
          'admin may block other roles in settings.',
        security: SECURED,
        headers: IdempotencyHeaders,
        body: CreateJobBody,
        response: { 201: Type.Ref('Job'), ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const job = await jobs.jobs.createJob(
        {
          job: toJobInput(request.body),
          // The service picks dashboard or portal from the role; an integration's key marks its jobs.
          source: callerOf(request).kind === 'api_key' ? 'api' : '',
          idempotencyKey: request.headers['idempotency-key'] ?? '',
        },
        as(request),
      );
      reply.code(201);
      return toJobView(job);
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/jobs',
    {
      config: { action: 'jobs:list' },
      preValidation: statusList,
      schema: {
        tags: ['jobs'],
        summary: 'List the jobs visible to the caller, filtered, searched and sorted',
        description:
          "Admins and dispatchers see every job; co-workers the jobs they are on; clients their customer's; " +
          'guests the ones they were added to. Cursor pagination is stable under concurrent inserts.',
        security: SECURED,
        querystring: ListQuery,
        response: { 200: Page(Type.Ref('Job')), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const sort = q.sort ?? '-createdAt';
      const descending = sort.startsWith('-');
      const column = SORTS[(descending ? sort.slice(1) : sort) as keyof typeof SORTS];
      const res = await jobs.jobs.listJobs(
        {
          page: { limit: q.limit ?? 50, cursor: q.cursor ?? '' },
          statuses: q.status ?? [],
          assigneeId: q.assigneeId ?? '',
          customerId: q.customerId ?? '',
          category: q.category ?? '',
          priority: q.priority ?? '',
          delayed: q.delayed === undefined ? '' : String(q.delayed),
          q: q.q ?? '',
          sort: `${descending ? '-' : ''}${column}`,
          dueBefore: at(q.dueBefore),
          dueAfter: at(q.dueAfter),
          tag: q.tag ?? '',
        },
        as(request),
      );
      return { items: res.jobs.map(toJobView), nextCursor: nextCursor(res.page) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id',
    {
      config: { action: 'jobs:read' },
      schema: {
        tags: ['jobs'],
        summary: 'One job (clients and guests: without prices, hours and internal fields)',
        security: SECURED,
        params: IdParams,
        response: one,
      },
    },
    async (request) => toJobView(await jobs.jobs.getJob({ id: request.params.id }, as(request))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateJobBody> }>(
    '/v1/jobs/:id',
    {
      config: { action: 'jobs:update' },
      preValidation: refuseReadOnlyFields,
      schema: {
        tags: ['jobs'],
        summary: 'Change a job: only the fields sent; null clears one; version is required',
        description:
          'A stale version is 409 STALE_VERSION (reload and retry). Co-workers on the job change the work fields ' +
          '(description, progress, hours, mileage, expenses, tags, custom fields, contact, site). Status changes ' +
          'through /transition, /accept, /reject and /complete; participants through /participants.',
        security: SECURED,
        params: IdParams,
        body: UpdateJobBody,
        response: one,
      },
    },
    async (request) => {
      const { version, ...fields } = request.body;
      const job = await jobs.jobs.updateJob({ id: request.params.id, job: toJobInput(fields), version }, as(request));
      return toJobView(job);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof AssignBody> }>(
    '/v1/jobs/:id/assign',
    {
      config: { action: 'jobs:assign' },
      schema: {
        tags: ['jobs'],
        summary: 'Assign workers, optionally in a scheduled window',
        description:
          "Overlapping one of a worker's other scheduled jobs is 409 SCHEDULE_CONFLICT naming that job, unless " +
          'force (then the job is flagged scheduleConflict and the overlaps are listed).',
        security: SECURED,
        params: IdParams,
        body: AssignBody,
        response: { 200: AssignResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const b = request.body;
      const res = await jobs.jobs.assignJob(
        {
          id: request.params.id,
          workerIds: b.workerIds,
          scheduledStart: at(b.scheduledStart),
          scheduledEnd: at(b.scheduledEnd),
          force: b.force ?? false,
          add: b.add ?? false,
        },
        as(request),
      );
      return { job: toJobView(res.job), conflicts: res.conflicts.map(toConflictView) };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/accept',
    {
      config: { action: 'jobs:accept' },
      schema: {
        tags: ['jobs'],
        summary: 'Accept an assignment (an assignee of the job)',
        security: SECURED,
        params: IdParams,
        response: one,
      },
    },
    async (request) => toJobView(await jobs.jobs.acceptJob({ id: request.params.id }, as(request))),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RejectBody> }>(
    '/v1/jobs/:id/reject',
    {
      config: { action: 'jobs:reject' },
      schema: {
        tags: ['jobs'],
        summary: 'Reject an assignment with a reason, optionally proposing a due date (an assignee of the job)',
        description: 'A proposed due date opens the negotiation: dispatch accepts it or counters.',
        security: SECURED,
        params: IdParams,
        body: RejectBody,
        response: one,
      },
    },
    async (request) => {
      const { reason, proposedDueAt } = request.body;
      const job = await jobs.jobs.rejectJob(
        { id: request.params.id, reason, proposedDueAt: at(proposedDueAt) },
        as(request),
      );
      return toJobView(job);
    },
  );

  app.post<{ Params: Static<typeof ProposalParams> }>(
    '/v1/jobs/:id/proposals/:pid/accept',
    {
      config: { action: 'jobs:accept-proposal' },
      schema: {
        tags: ['jobs'],
        summary: 'Accept an open proposal of the other side: the due date moves and the job is accepted',
        description: "Dispatch accepts an assignee's proposal; an assignee accepts dispatch's counter.",
        security: SECURED,
        params: ProposalParams,
        response: one,
      },
    },
    async (request) =>
      toJobView(
        await jobs.jobs.acceptProposal({ jobId: request.params.id, proposalId: request.params.pid }, as(request)),
      ),
  );

  app.post<{ Params: Static<typeof ProposalParams>; Body: Static<typeof CounterBody> }>(
    '/v1/jobs/:id/proposals/:pid/counter',
    {
      config: { action: 'jobs:counter-proposal' },
      schema: {
        tags: ['jobs'],
        summary: 'Answer an open proposal of the other side with another due date',
        security: SECURED,
        params: ProposalParams,
        body: CounterBody,
        response: one,
      },
    },
    async (request) => {
      const { proposedDueAt, message } = request.body;
      const job = await jobs.jobs.counterProposal(
        {
          jobId: request.params.id,
          proposalId: request.params.pid,
          proposedDueAt: new Date(proposedDueAt),
          message: message ?? '',
        },
        as(request),
      );
      return toJobView(job);
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TransitionBody> }>(
    '/v1/jobs/:id/transition',
    {
      config: { action: 'jobs:transition' },
      schema: {
        tags: ['jobs'],
        summary: 'Move a job to another status',
        description:
          'A move the status machine does not allow is 409 JOB_INVALID_TRANSITION naming both states. Workers on ' +
          'the job move the work (in_progress, waiting_on_customer, done); cancelling, reopening and putting back ' +
          'are for admins and dispatchers.',
        security: SECURED,
        params: IdParams,
        body: TransitionBody,
        response: one,
      },
    },
    async (request) => {
      const { to, reason } = request.body;
      return toJobView(await jobs.jobs.transitionJob({ id: request.params.id, to, reason: reason ?? '' }, as(request)));
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CompleteBody> }>(
    '/v1/jobs/:id/complete',
    {
      config: { action: 'jobs:complete' },
      schema: {
        tags: ['jobs'],
        summary: 'Complete a job: status done, completed now, 100 %; starts billing',
        description: 'The body is optional.',
        security: SECURED,
        params: IdParams,
        body: CompleteBody,
        response: one,
      },
    },
    async (request) =>
      toJobView(await jobs.jobs.completeJob({ id: request.params.id, note: request.body.note ?? '' }, as(request))),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof AutoAssignBody> }>(
    '/v1/jobs/:id/auto-assign',
    {
      config: { action: 'jobs:auto-assign' },
      schema: {
        tags: ['jobs'],
        summary: 'Let the rules choose and assign a worker, and say which rule chose whom',
        description:
          "Rules in order: the customer's assigned co-workers free in the window, then the nearest available " +
          'eligible worker (once the location service runs). No one eligible: 409 NO_ELIGIBLE_WORKER. The body is ' +
          'optional.',
        security: SECURED,
        params: IdParams,
        body: AutoAssignBody,
        response: { 200: AutoAssignResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const res = await jobs.jobs.autoAssignJob(
        {
          id: request.params.id,
          scheduledStart: at(request.body.scheduledStart),
          scheduledEnd: at(request.body.scheduledEnd),
        },
        as(request),
      );
      return {
        job: toJobView(res.job),
        workerId: res.workerId,
        rule: res.rule,
        reason: res.reason,
        distanceM: res.rule === 'nearest_available' ? res.distanceM : null,
      };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/v1/jobs/:id/history',
    {
      config: { action: 'jobs:history' },
      schema: {
        tags: ['jobs'],
        summary: "The job's history (who, when, from → to, why, field changes) and its negotiation thread",
        security: SECURED,
        params: IdParams,
        response: { 200: JobHistoryView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => toJobHistoryView(await jobs.jobs.getJobHistory({ id: request.params.id }, as(request))),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ParticipantsBody> }>(
    '/v1/jobs/:id/participants',
    {
      config: { action: 'jobs:add-participants' },
      schema: {
        tags: ['jobs'],
        summary: 'Add people to a job (anyone on the job may); they see its whole history',
        security: SECURED,
        params: IdParams,
        body: ParticipantsBody,
        response: one,
      },
    },
    async (request) =>
      toJobView(await jobs.jobs.addParticipants({ id: request.params.id, userIds: request.body.userIds }, as(request))),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ScheduleQuery> }>(
    '/v1/workers/:id/schedule',
    {
      config: { action: 'workers:schedule' },
      schema: {
        tags: ['jobs'],
        summary: "A worker's scheduled jobs in a window, overlaps flagged",
        security: SECURED,
        params: IdParams,
        querystring: ScheduleQuery,
        response: { 200: WorkerScheduleView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const res = await jobs.jobs.getWorkerSchedule(
        { workerId: request.params.id, from: new Date(from), to: new Date(to) },
        as(request),
      );
      return toWorkerScheduleView(res);
    },
  );
}

function toConflictView(c: jobs.ScheduleConflict) {
  return {
    workerId: c.workerId,
    jobId: c.jobId,
    jobNumber: c.jobNumber,
    scheduledStart: iso(c.scheduledStart),
    scheduledEnd: iso(c.scheduledEnd),
  };
}
