// Typed clients for the jobs service: promise clients for its unary calls, the raw client for the streamed
// attachment upload and download, and its grpc.health.v1 check, over one address.
import { type Caller, callerToMetadata, createGrpcClient, type PromiseClient } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import { type ClientReadableStream, type ClientWritableStream, credentials, type ServiceError } from '@grpc/grpc-js';
import { createHealthCheck } from './grpc-health.js';

export type JobsClients = {
  jobs: PromiseClient<jobs.JobsServiceClient>;
  jobTypes: PromiseClient<jobs.JobTypesServiceClient>;
  activity: PromiseClient<jobs.JobActivityServiceClient>;
  intake: PromiseClient<jobs.PublicIntakeServiceClient>;
  /** Client-streamed upload: write the metadata, then the chunks, then end; `done` settles with the answer. */
  uploadAttachment(caller: Caller): {
    call: ClientWritableStream<jobs.UploadAttachmentRequest>;
    done: Promise<jobs.Attachment>;
  };
  /** Server-streamed download: the metadata message first, then the chunks. */
  attachmentContent(caller: Caller, id: string): ClientReadableStream<jobs.AttachmentChunk>;
  health(deadlineMs: number): Promise<string>;
  close(): void;
};

// The same channel options as createGrpcClient's, so the raw client shares its connection (grpc-js pools them).
const CHANNEL_OPTIONS = { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 };

export function createJobsClients(
  address: string,
  opts: { deadlineMs: number; streamDeadlineMs: number },
): JobsClients {
  const unary = { deadlineMs: opts.deadlineMs };
  const health = createHealthCheck(address);
  const clients = {
    jobs: createGrpcClient(jobs.JobsServiceClient, address, unary),
    jobTypes: createGrpcClient(jobs.JobTypesServiceClient, address, unary),
    activity: createGrpcClient(jobs.JobActivityServiceClient, address, unary),
    intake: createGrpcClient(jobs.PublicIntakeServiceClient, address, unary),
  };
  const streams = new jobs.JobActivityServiceClient(address, credentials.createInsecure(), CHANNEL_OPTIONS);
  const deadline = () => ({ deadline: Date.now() + opts.streamDeadlineMs });
  return {
    ...clients,
    uploadAttachment: (caller) => {
      let call!: ClientWritableStream<jobs.UploadAttachmentRequest>;
      const done = new Promise<jobs.Attachment>((resolve, reject) => {
        call = streams.uploadAttachment(callerToMetadata(caller), deadline(), (err: ServiceError | null, res) =>
          err ? reject(err) : resolve(res),
        );
      });
      // The call's outcome arrives through `done`; a write racing the end of a failed call must not crash us.
      call.on('error', () => {});
      return { call, done };
    },
    attachmentContent: (caller, id) => streams.getAttachmentContent({ id }, callerToMetadata(caller), deadline()),
    health: (ms) => health.check(ms),
    close: () => {
      for (const c of Object.values(clients)) c.close();
      streams.close();
      health.close();
    },
  };
}
