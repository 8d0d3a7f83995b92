// A stand-in jobs gRPC server for gateway tests: real gRPC on loopback, answering the calls the tests make with
// canned jobs and recording every call (method, request, caller) so a test can show what reached it, or not.
import {
  type Caller,
  callerFromMetadata,
  createLogger,
  DomainError,
  type RunningGrpcServer,
  startGrpcServer,
  toGrpcError,
  unary,
} from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import type { ServerReadableStream, ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';

export type RecordedCall = { method: string; request: unknown; caller: Caller | undefined };
export type RecordedUpload = {
  meta: jobs.AttachmentMeta | undefined;
  chunkSizes: number[];
  /** refused: by the service's own rule; aborted: by the gateway (a second metadata message). */
  outcome: 'stored' | 'cancelled' | 'refused' | 'aborted' | 'running';
};

export type FakeJobs = {
  address: string;
  calls: RecordedCall[];
  uploads: RecordedUpload[];
  /** Calls of one method, e.g. 'submitPublicRequest'. */
  callsOf(method: string): RecordedCall[];
  reset(): void;
  stop(): Promise<void>;
};

const T0 = new Date('2030-01-01T09:00:00Z');

export function sampleJob(overrides: Partial<jobs.Job> = {}): jobs.Job {
  return {
    id: 'job_1',
    tenantId: 't_1',
    number: 'ACME-TASK-1',
    title: 'Fix boiler',
    description: '',
    category: '',
    priority: 'normal',
    status: 'not_started',
    customerId: 'cus_1',
    site: { siteId: '', address: '1 Main St', lat: 48.85, lng: 2.35, radiusM: 100, hasCoordinates: true },
    startAt: T0,
    dueAt: new Date('2030-01-02T09:00:00Z'),
    scheduledStart: undefined,
    scheduledEnd: undefined,
    completedAt: undefined,
    percentComplete: 0,
    estimatedHours: 2,
    billableHours: 1.5,
    billable: true,
    billed: false,
    quantity: 1,
    price: { amount: 12_000, currency: 'EUR' },
    mileage: 0,
    expenses: undefined,
    contact: { name: 'Ann', email: '', phone: '+33 1 23' },
    assigneeIds: [],
    notifyIds: ['usr_n'],
    participantIds: [],
    requesterId: 'usr_1',
    tags: ['boiler'],
    relatedJobIds: [],
    customFields: { serial: 'X1' },
    typeId: '',
    notifyClientOnChange: false,
    notifyClientOnComplete: true,
    delayCauses: [],
    scheduleConflict: false,
    source: 'dashboard',
    regardingUserId: '',
    createdBy: 'usr_1',
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    restrictedView: false,
    ...overrides,
  };
}

export function sampleAttachment(overrides: Partial<jobs.Attachment> = {}): jobs.Attachment {
  return {
    id: 'att_1',
    jobId: 'job_1',
    fileName: 'photo.png',
    contentType: 'image/png',
    sizeBytes: 0,
    category: 'photo',
    description: '',
    active: true,
    viewCount: 0,
    uploadedBy: 'usr_1',
    createdAt: T0,
    sha256: '',
    ...overrides,
  };
}

/** Files the fake serves at GetAttachmentContent, by attachment id. */
export type FakeJobsOptions = { files?: Record<string, { fileName: string; contentType: string; content: Buffer }> };

export async function startFakeJobs(options: FakeJobsOptions = {}): Promise<FakeJobs> {
  const log = createLogger('fake-jobs', 'silent');
  const calls: RecordedCall[] = [];
  const uploads: RecordedUpload[] = [];
  const record = (method: string, request: unknown, caller: Caller | undefined) =>
    calls.push({ method, request, caller });
  // A unary handler answering `answer(request)` after recording the call.
  const recorded = <Req, Res>(method: string, answer: (req: Req) => Res) =>
    unary(log, async (req: Req, ctx) => {
      record(method, req, ctx.optionalCaller());
      return answer(req);
    });

  const jobsImpl: Partial<jobs.JobsServiceServer> = {
    createJob: recorded('createJob', () => sampleJob()),
    getJob: recorded('getJob', (req: jobs.GetJobRequest) => {
      if (req.id === 'job_missing') throw new DomainError('not_found', 'JOB_NOT_FOUND', 'no such job');
      return sampleJob({ id: req.id });
    }),
    listJobs: recorded('listJobs', () => ({ jobs: [sampleJob()], page: { nextCursor: 'next' } })),
    updateJob: recorded('updateJob', () => sampleJob({ version: 2 })),
    assignJob: recorded('assignJob', () => ({ job: sampleJob({ status: 'assigned' }), conflicts: [] })),
    acceptJob: recorded('acceptJob', () => sampleJob({ status: 'accepted' })),
    completeJob: recorded('completeJob', () => sampleJob({ status: 'done' })),
    autoAssignJob: recorded('autoAssignJob', () => ({
      job: sampleJob(),
      workerId: 'usr_w',
      rule: 'customer_coworker',
      reason: 'assigned to the customer',
      distanceM: 0,
    })),
    getJobHistory: recorded('getJobHistory', () => ({ entries: [], proposals: [] })),
  };
  const intakeImpl: Partial<jobs.PublicIntakeServiceServer> = {
    getPublicForm: recorded('getPublicForm', (req: jobs.GetPublicFormRequest) => {
      if (req.formKey === 'unknown') throw new DomainError('not_found', 'FORM_NOT_FOUND', 'no such form');
      return {
        formKey: req.formKey,
        tenantName: 'Acme <script>alert("x")</script> & Sons',
        primaryColor: '#ffcc00',
        logoUrl: req.formKey === 'evil' ? 'javascript:alert(1)' : 'https://cdn.example.com/logo.png?a=1&b="2"',
        categories: ['Maintenance', 'Repair <b>now</b>'],
      };
    }),
    submitPublicRequest: recorded('submitPublicRequest', () => ({ jobId: 'job_9', number: 'TASK-9' })),
    createJobFromCall: recorded('createJobFromCall', () => sampleJob({ source: 'voip' })),
  };
  const activityImpl: Partial<jobs.JobActivityServiceServer> = {
    listNotes: recorded('listNotes', () => ({ notes: [] })),
    uploadAttachment: (call: ServerReadableStream<jobs.UploadAttachmentRequest, jobs.Attachment>, callback) => {
      const upload: RecordedUpload = { meta: undefined, chunkSizes: [], outcome: 'running' };
      uploads.push(upload);
      record('uploadAttachment', undefined, callerFromMetadata(call.metadata));
      call.on('cancelled', () => {
        if (upload.outcome === 'running') upload.outcome = 'cancelled';
      });
      call.on('data', (message: jobs.UploadAttachmentRequest) => {
        const part = message.part;
        if (part?.$case === 'meta' && upload.meta) {
          // Like the real service: a second metadata message breaks the protocol; nothing is stored.
          if (upload.outcome === 'running') {
            upload.outcome = 'aborted';
            callback(toGrpcError(new DomainError('invalid_argument', 'INVALID_ARGUMENT', 'only chunks', 'chunk')));
          }
        } else if (part?.$case === 'meta') {
          upload.meta = part.value;
          // Like the real service: a refused type is answered before any byte is read.
          if (part.value.contentType === 'application/x-msdownload') {
            upload.outcome = 'refused';
            callback(
              toGrpcError(
                new DomainError('invalid_argument', 'UNSUPPORTED_CONTENT_TYPE', 'not accepted here', 'contentType'),
              ),
            );
          }
        } else if (part?.$case === 'chunk') upload.chunkSizes.push(part.value.length);
      });
      call.on('end', () => {
        if (upload.outcome !== 'running') return;
        upload.outcome = 'stored';
        const size = upload.chunkSizes.reduce((a, b) => a + b, 0);
        callback(null, sampleAttachment({ fileName: upload.meta?.fileName, sizeBytes: size }));
      });
    },
    getAttachmentContent: (call: ServerWritableStream<jobs.GetAttachmentContentRequest, jobs.AttachmentChunk>) => {
      record('getAttachmentContent', call.request, callerFromMetadata(call.metadata));
      const file = options.files?.[call.request.id];
      if (!file) {
        call.emit('error', toGrpcError(new DomainError('not_found', 'ATTACHMENT_NOT_FOUND', 'no such attachment')));
        return;
      }
      const meta = sampleAttachment({
        id: call.request.id,
        fileName: file.fileName,
        contentType: file.contentType,
        sizeBytes: file.content.length,
        viewCount: 1,
      });
      call.write({ part: { $case: 'meta', value: meta } });
      for (let i = 0; i < file.content.length; i += 100_000) {
        call.write({ part: { $case: 'chunk', value: file.content.subarray(i, i + 100_000) } });
      }
      call.end();
    },
  };

  const name = (service: string) => `${jobs.protobufPackage}.${service}`;
  const server: RunningGrpcServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    log,
    services: [
      {
        name: name('JobsService'),
        definition: jobs.JobsServiceService,
        implementation: jobsImpl as UntypedServiceImplementation,
      },
      {
        name: name('PublicIntakeService'),
        definition: jobs.PublicIntakeServiceService,
        implementation: intakeImpl as UntypedServiceImplementation,
      },
      {
        name: name('JobActivityService'),
        definition: jobs.JobActivityServiceService,
        implementation: activityImpl as UntypedServiceImplementation,
      },
    ],
  });
  return {
    address: `127.0.0.1:${server.port}`,
    calls,
    uploads,
    callsOf: (method) => calls.filter((c) => c.method === method),
    reset: () => {
      calls.length = 0;
      uploads.length = 0;
    },
    stop: () => server.shutdown(100),
  };
}
