// The activity tests' view of the shared harness (harness.ts: real accounts and jobs, one NATS prefix):
// activity, intake and streaming clients, a ready tenant with every role, upload/download helpers.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Caller, callerToMetadata, createGrpcClient } from '@fieldline/platform';
import { accounts, jobs } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { credentials } from '@grpc/grpc-js';
import type { JobsDeps } from '../src/grpc/deps.js';
import { type EventTap, type Harness, Tenant as HarnessTenant, startHarness } from './harness.js';

export { failure } from './harness.js';

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
  /** The shared harness's tenant, for settings changes that wait for the directory. */
  base: HarnessTenant;
}

export interface Activity {
  harness: Harness;
  accounts: Harness['accounts'] & { apiKeys: ReturnType<typeof apiKeysClient> };
  jobs: ReturnType<typeof activityClients>;
  deps: JobsDeps;
  events: EventTap;
  blobDir: string;
  newTenant(name?: string): Promise<Tenant>;
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

function activityClients(address: string, base: Harness['api']) {
  return {
    jobs: base.jobs,
    activity: createGrpcClient(jobs.JobActivityServiceClient, address),
    intake: createGrpcClient(jobs.PublicIntakeServiceClient, address),
    streams: new jobs.JobActivityServiceClient(address, credentials.createInsecure()),
  };
}

const apiKeysClient = (address: string) => createGrpcClient(accounts.ApiKeysServiceClient, address);

export async function startActivity(label: string): Promise<Activity> {
  const h = await startHarness(label);
  const { deps } = h.service;
  const api = activityClients(`127.0.0.1:${h.service.port}`, h.api);
  const apiKeys = apiKeysClient(deps.config.accountsAddr);
  const blobDir = deps.config.blobDir;
  let tenants = 0;

  const newTenant = async (name = `Activity ${++tenants}`): Promise<Tenant> => {
    const base = await HarnessTenant.create(h, name);
    const n = ++tenants;
    const [dispatcher, worker, outsider] = await Promise.all([
      base.user('dispatcher', { name: 'Dina Dispatcher' }),
      base.user('coworker', { name: 'Wes Worker' }),
      base.user('coworker', { name: 'Otto Outsider' }),
    ]);
    const customer = await base.customer(`C${n}A`, { coworkers: [worker] });
    const otherCustomer = await base.customer(`C${n}B`);
    const [client, guest, otherClient] = await Promise.all([
      base.user('client', { name: 'Cleo Client', customerId: customer.id }),
      base.user('guest', { name: 'Gus Guest', customerId: customer.id }),
      base.user('client', { name: 'Olga Other', customerId: otherCustomer.id }),
    ]);
    // Phones are what VoIP calls are matched by.
    const withPhone = await h.accounts.customers.updateCustomer(
      accounts.UpdateCustomerRequest.fromPartial({ id: customer.id, phone: '+1 555 0100' }),
      { caller: base.admin },
    );
    await h.accounts.customers.updateCustomer(
      accounts.UpdateCustomerRequest.fromPartial({ id: otherCustomer.id, phone: '+1 555 0200' }),
      { caller: base.admin },
    );
    const settings = await h.accounts.settings.getSettings({}, { caller: base.admin });
    // Jobs learns people and customers from accounts events; tests start once its copy has them all.
    const people = [dispatcher, worker, outsider, client, guest, otherClient];
    await waitFor(
      async () => {
        const users = await deps.directory.users(
          base.id,
          people.map((p) => p.userId),
        );
        const copy = await deps.directory.customer(base.id, customer.id);
        return users.size === people.length && (copy?.version ?? 0) >= withPhone.version;
      },
      { what: 'the directory copy of the tenant', timeoutMs: 20_000 },
    );
    return {
      tenantId: base.id,
      admin: base.admin,
      dispatcher,
      worker,
      outsider,
      customer: withPhone,
      client,
      guest,
      otherCustomer,
      otherClient,
      formKey: settings.formKey,
      base,
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
    const entries = await readdir(blobDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(blobDir.length + 1));
  };

  return {
    harness: h,
    accounts: { ...h.accounts, apiKeys },
    jobs: api,
    deps,
    events: h.events,
    blobDir,
    newTenant,
    newJob,
    upload,
    download,
    blobFiles,
    stop: async () => {
      api.activity.close();
      api.intake.close();
      api.streams.close();
      apiKeys.close();
      await h.stop();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/** A request with every field at its default but the given ones. */
export const activityReq = {
  addNote: (r: Partial<jobs.AddNoteRequest>) => jobs.AddNoteRequest.fromPartial(r),
  addTimeLog: (r: Partial<jobs.AddTimeLogRequest>) => jobs.AddTimeLogRequest.fromPartial(r),
  siteVisit: (r: Partial<jobs.RecordSiteVisitRequest>) => jobs.RecordSiteVisitRequest.fromPartial(r),
  setReminder: (r: Partial<jobs.SetReminderRequest>) => jobs.SetReminderRequest.fromPartial(r),
  updateSettings: (r: Partial<accounts.UpdateSettingsRequest>) => accounts.UpdateSettingsRequest.fromPartial(r),
  createApiKey: (r: Partial<accounts.CreateApiKeyRequest>) => accounts.CreateApiKeyRequest.fromPartial(r),
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
