// Starts real accounts and real jobs (fresh PostgreSQL databases, one private NATS prefix, gRPC on 127.0.0.1,
// a temporary blob directory) for the activity tests, with typed clients, stream helpers and a ready tenant.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Caller,
  callerToMetadata,
  createGrpcClient,
  createLogger,
  dlqStreamName,
  eventsStreamName,
} from '@fieldline/platform';
import { type accounts, jobs } from '@fieldline/proto';
import { freshDatabase, testNatsUrl, uniquePrefix, waitFor } from '@fieldline/testing';
import { credentials } from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startAccounts } from '../../accounts/src/app.js';
import { clients as accountsClients, callerOf, EventTap, req } from '../../accounts/test/harness.js';
import { startJobs } from '../src/app.js';
import type { JobsConfig } from '../src/config.js';
import type { JobsDeps } from '../src/grpc/deps.js';

export { failure } from '../../accounts/test/harness.js';

export interface Tenant {
  tenantId: string;
  admin: Caller;
  dispatcher: Caller;
  /** A coworker assigned to `customer`, put on the jobs the tests create. */
  worker: Caller;
  /** A coworker on no job. */
  outsider: Caller;
  customer: accounts.Customer;
  /** A client and a guest of `customer`; the guest is on the notify list of the jobs the tests create. */
  client: Caller;
  guest: Caller;
  otherCustomer: accounts.Customer;
  otherClient: Caller;
  formKey: string;
}

export interface Activity {
  accounts: ReturnType<typeof accountsClients>;
  jobs: ReturnType<typeof jobsClients>;
  deps: JobsDeps;
  events: EventTap;
  blobDir: string;
  newTenant(label?: string): Promise<Tenant>;
  /** A job of `t.customer` with the worker assigned and the guest notified, created by the dispatcher. */
  newJob(t: Tenant, over?: Partial<jobs.JobInput>): Promise<jobs.Job>;
  upload(
    caller: Caller,
    meta: Partial<jobs.AttachmentMeta>,
    chunks: Buffer[],
    opts?: UploadOpts,
  ): Promise<jobs.Attachment>;
  download(caller: Caller, id: string): Promise<{ meta: jobs.Attachment; bytes: Buffer; messages: number }>;
  /** Every file in the blob directory (temp files included), relative. */
  blobFiles(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface UploadOpts {
  /** Cancel the call after writing this many chunks (and once `beforeCancel` resolves), instead of finishing it. */
  cancelAfter?: number;
  beforeCancel?: () => Promise<unknown>;
  /** Send this instead of the metadata as the first message. */
  firstMessage?: jobs.UploadAttachmentRequest;
}

function jobsClients(address: string) {
  return {
    jobs: createGrpcClient(jobs.JobsServiceClient, address),
    activity: createGrpcClient(jobs.JobActivityServiceClient, address),
    intake: createGrpcClient(jobs.PublicIntakeServiceClient, address),
    streams: new jobs.JobActivityServiceClient(address, credentials.createInsecure()),
  };
}

const JWT_SECRET = 'test-secret-for-jobs-activity-0123456789';

export async function startActivity(label: string): Promise<Activity> {
  const natsUrl = await testNatsUrl();
  const prefix = uniquePrefix();
  const silent = createLogger('test', (process.env.FIELDLINE_TEST_LOG as 'silent' | undefined) ?? 'silent');
  const accountsDb = await freshDatabase(`acc_${label}`);
  const accountsService = await startAccounts({
    config: {
      grpcPort: 0,
      databaseUrl: accountsDb.url,
      databaseName: accountsDb.name,
      natsUrl,
      natsPrefix: prefix,
      jwtSecret: JWT_SECRET,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      invitationTtlHours: 72,
    },
    log: silent,
  });
  const accountsAddr = `127.0.0.1:${accountsService.port}`;
  const jobsDb = await freshDatabase(`jobs_${label}`);
  const blobDir = await mkdtemp(join(tmpdir(), 'fl-jobs-blobs-'));
  const config: JobsConfig = {
    grpcPort: 0,
    databaseUrl: jobsDb.url,
    databaseName: jobsDb.name,
    natsUrl,
    natsPrefix: prefix,
    accountsAddr,
    locationAddr: '',
    delayCheckIntervalMs: 60_000,
    blobDriver: 'local',
    blobDir,
    s3Endpoint: '',
    s3Bucket: '',
    s3Region: 'us-east-1',
    s3AccessKeyId: '',
    s3SecretAccessKey: '',
    s3ForcePathStyle: true,
  };
  const jobsService = await startJobs({ config, log: silent, accountsAddr, delayChecker: false });
  const acc = accountsClients(accountsAddr);
  const api = jobsClients(`127.0.0.1:${jobsService.port}`);
  const events = await EventTap.start(natsUrl, prefix);
  const { deps } = jobsService;
  let tenants = 0;

  /** Waits until jobs' local directory has copied what accounts announced (the consumer runs async). */
  const copied = (tenantId: string, userIds: string[], customerIds: string[]) =>
    waitFor(
      async () => {
        const users = await deps.db.selectFrom('dir_users').select('id').where('tenant_id', '=', tenantId).execute();
        const customers = await deps.db
          .selectFrom('dir_customers')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .execute();
        const settings = await deps.db
          .selectFrom('dir_settings')
          .select('tenant_id')
          .where('tenant_id', '=', tenantId)
          .execute();
        const have = new Set([...users, ...customers].map((r) => r.id));
        return settings.length === 1 && [...userIds, ...customerIds].every((id) => have.has(id));
      },
      { what: 'the directory copy of the tenant', timeoutMs: 20_000 },
    );

  const newTenant = async (name = `Activity ${++tenants}`): Promise<Tenant> => {
    const email = `admin-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const signed = await acc.identity.signup({
      companyName: name,
      name: 'Ada Admin',
      email,
      password: 'correct horse',
    });
    const admin = callerOf(signed.user!);
    const as = { caller: admin };
    const customer = await acc.customers.createCustomer(
      req.createCustomer({ code: `C${tenants}A`, name: 'Acme Boilers', phone: '+1 555 0100' }),
      as,
    );
    const otherCustomer = await acc.customers.createCustomer(
      req.createCustomer({ code: `C${tenants}B`, name: 'Other Corp', phone: '+1 555 0200' }),
      as,
    );
    const user = (name: string, role: string, customerId = '') =>
      acc.users.createUser(req.createUser({ name, role, customerId }), as).then(callerOf);
    const dispatcher = await user('Dina Dispatcher', 'dispatcher');
    const worker = await user('Wes Worker', 'coworker');
    const outsider = await user('Otto Outsider', 'coworker');
    const client = await user('Cleo Client', 'client', customer.id);
    const guest = await user('Gus Guest', 'guest', customer.id);
    const otherClient = await user('Olga Other', 'client', otherCustomer.id);
    await acc.customers.setCustomerCoworkers({ id: customer.id, userIds: [worker.userId] }, as);
    const settings = await acc.settings.getSettings({}, as);
    const people = [admin, dispatcher, worker, outsider, client, guest, otherClient].map((c) => c.userId);
    await copied(admin.tenantId, people, [customer.id, otherCustomer.id]);
    // The coworker assignment arrives in a later event than the customer itself.
    await waitFor(
      async () =>
        (
          await deps.db
            .selectFrom('dir_customers')
            .select('coworker_ids')
            .where('tenant_id', '=', admin.tenantId)
            .where('id', '=', customer.id)
            .executeTakeFirst()
        )?.coworker_ids.includes(worker.userId),
      { what: 'the customer coworkers copy' },
    );
    return {
      tenantId: admin.tenantId,
      admin,
      dispatcher,
      worker,
      outsider,
      customer,
      client,
      guest,
      otherCustomer,
      otherClient,
      formKey: settings.formKey,
    };
  };

  const newJob = (t: Tenant, over: Partial<jobs.JobInput> = {}) =>
    api.jobs.createJob(
      jobs.CreateJobRequest.fromPartial({
        job: {
          title: 'Boiler service',
          customerId: t.customer.id,
          assigneeIds: { values: [t.worker.userId] },
          notifyIds: { values: [t.guest.userId] },
          ...over,
        },
      }),
      { caller: t.dispatcher },
    );

  const upload = (caller: Caller, meta: Partial<jobs.AttachmentMeta>, chunks: Buffer[], opts: UploadOpts = {}) =>
    new Promise<jobs.Attachment>((resolve, reject) => {
      const call = api.streams.uploadAttachment(
        callerToMetadata(caller),
        { deadline: Date.now() + 15_000 },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      call.on('error', () => {}); // the callback gets the status
      call.write(opts.firstMessage ?? { part: { $case: 'meta', value: jobs.AttachmentMeta.fromPartial(meta) } });
      chunks.forEach((chunk, i) => {
        if (opts.cancelAfter !== undefined && i >= opts.cancelAfter) return;
        call.write({ part: { $case: 'chunk', value: chunk } });
      });
      if (opts.cancelAfter !== undefined) {
        // Hang up mid-upload, once the test has seen the server at work.
        void (opts.beforeCancel ?? (async () => {}))().finally(() => call.cancel());
        return;
      }
      call.end();
    });

  const download = (caller: Caller, id: string) =>
    new Promise<{ meta: jobs.Attachment; bytes: Buffer; messages: number }>((resolve, reject) => {
      const call = api.streams.getAttachmentContent({ id }, callerToMetadata(caller), {
        deadline: Date.now() + 15_000,
      });
      let meta: jobs.Attachment | undefined;
      const parts: Buffer[] = [];
      let messages = 0;
      call.on('data', (m: jobs.AttachmentChunk) => {
        messages++;
        if (m.part?.$case === 'meta') meta = m.part.value;
        else if (m.part?.$case === 'chunk') parts.push(m.part.value);
      });
      call.on('error', reject);
      call.on('end', () =>
        meta ? resolve({ meta, bytes: Buffer.concat(parts), messages }) : reject(new Error('no metadata message')),
      );
    });

  const blobFiles = async () => {
    const entries = await readdir(blobDir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(blobDir.length + 1));
  };

  return {
    accounts: acc,
    jobs: api,
    deps,
    events,
    blobDir,
    newTenant,
    newJob,
    upload,
    download,
    blobFiles,
    stop: async () => {
      for (const client of Object.values(acc)) client.close();
      api.jobs.close();
      api.activity.close();
      api.intake.close();
      api.streams.close();
      await events.stop();
      await jobsService.stop();
      await accountsService.stop();
      await jobsDb.drop();
      await accountsDb.drop();
      await rm(blobDir, { recursive: true, force: true });
      const nc = await connect({ servers: natsUrl });
      const jsm = await jetstreamManager(nc);
      for (const stream of [eventsStreamName(prefix), dlqStreamName(prefix)])
        await jsm.streams.delete(stream).catch(() => {});
      await nc.close();
    },
  };
}

/** A request with every field at its default but the given ones. */
export const activityReq = {
  addNote: (r: Partial<jobs.AddNoteRequest>) => jobs.AddNoteRequest.fromPartial(r),
  addTimeLog: (r: Partial<jobs.AddTimeLogRequest>) => jobs.AddTimeLogRequest.fromPartial(r),
  siteVisit: (r: Partial<jobs.RecordSiteVisitRequest>) => jobs.RecordSiteVisitRequest.fromPartial(r),
  setReminder: (r: Partial<jobs.SetReminderRequest>) => jobs.SetReminderRequest.fromPartial(r),
};

export const PNG_HEAD = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

/** A plausible PNG of `size` bytes: the real signature, then filler. */
export function png(size: number): Buffer {
  const out = Buffer.alloc(size, 0x5a);
  PNG_HEAD.copy(out, 0, 0, Math.min(size, PNG_HEAD.length));
  return out;
}

/** A Windows program's first bytes (DOS header with its NUL-padded fields). */
export function exe(size: number): Buffer {
  const out = Buffer.alloc(size, 0);
  out.write('MZ', 0, 'latin1');
  out.writeUInt32LE(0x80, 0x3c);
  out.write('PE\u0000\u0000', 0x80, 'latin1');
  return out;
}

/** Splits `buf` into chunks of `size` bytes. */
export function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}
