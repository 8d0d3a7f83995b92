// gRPC door of public intake: the tenant's request form (no login; the gateway rate-limits it and checks the
// honeypot) and the VoIP webhook (API key). Both create jobs through createJobInTx, like CreateJob does.
import { type Caller, fromGrpcError, type Logger, NotFound, PermissionDenied, unary } from '@fieldline/platform';
import type { accounts, jobs } from '@fieldline/proto';
import { createDirectoryClient, type DirectoryClient } from '../clients/directory.js';
import { customerFromProto, settingsFromProto } from '../clients/directory-from-proto.js';
import type { DirCustomer, DirSettings } from '../domain/directory.js';
import { isDispatcher } from '../domain/directory.js';
import { DirectoryUnavailable } from '../domain/errors.js';
import { createJobInTx } from '../domain/job-commands.js';
import { formKey, incomingCall, publicRequest } from '../domain/public-intake.js';
import type { JobRecord } from '../store/job-access.js';
import { isUniqueViolation, JobsStore } from '../store/jobs.store.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { toProtoJob } from './job-to-proto.js';

export function publicIntakeHandlers(deps: JobsDeps): jobs.PublicIntakeServiceServer {
  const { log } = deps;
  const intake = accountsIntake(deps);

  return {
    getPublicForm: unary(log, async (req) => {
      const key = formKey(req.formKey);
      const { tenant, settings } = await intake.resolveFormKey(key);
      return {
        formKey: key,
        tenantName: tenant.name,
        primaryColor: settings.formPrimaryColor,
        logoUrl: settings.formLogoUrl,
        categories: [...settings.categories],
      };
    }),

    submitPublicRequest: unary(log, async (req) => {
      const key = formKey(req.formKey);
      const { tenant, settings } = await intake.resolveFormKey(key);
      const request = publicRequest(req, settings.categories);
      // A code that matches nothing (or an inactive customer) is not an error: the dispatcher sorts it out.
      const byCode = request.customerCode
        ? await deps.directory.customerByCode(tenant.id, request.customerCode)
        : undefined;
      const customer = byCode?.active ? byCode : undefined;
      const job = await deps.db.transaction().execute((tx) =>
        createJobInTx(tx, deps, {
          tenantId: tenant.id,
          actor: { system: 'form' },
          source: 'form',
          input: {
            title: request.title,
            description: request.description,
            category: request.category,
            customerId: customer?.id,
            contact: request.contact,
            site: request.address ? { address: request.address } : undefined,
          },
        }),
      );
      log.info({ tenantId: tenant.id, jobId: job.id, customerId: customer?.id }, 'public request received');
      return { jobId: job.id, number: job.number };
    }),

    createJobFromCall: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      if (!isDispatcher(actor.role)) {
        throw new PermissionDenied(
          'calls are reported by an integration key of an admin or dispatcher',
          'VOIP_FORBIDDEN',
        );
      }
      const call = incomingCall(req);
      // The same call reported twice (webhook retries) is the same job.
      const idempotencyKey = `voip:${call.callId}`;
      const earlier = await new JobsStore(deps.db).byIdempotencyKey(actor.tenantId, idempotencyKey);
      if (earlier) return toProtoJob(earlier, actor);

      const customer = await intake.findCustomerByPhone(ctx.caller(), call.from);
      const create = () =>
        deps.db.transaction().execute((tx) =>
          createJobInTx(tx, deps, {
            tenantId: actor.tenantId,
            actor: { system: 'voip' },
            source: 'voip',
            idempotencyKey,
            input: {
              title: call.title,
              description: `Phone call from ${call.from}${call.to ? ` to ${call.to}` : ''} (call id ${call.callId}).`,
              customerId: customer?.id,
              contact: { name: customer?.name ?? '', phone: call.from },
            },
          }),
        );
      let job: JobRecord;
      try {
        job = await create();
      } catch (err) {
        // Two deliveries of one call racing: the loser's insert hits the key; the winner's job is the answer.
        if (!isUniqueViolation(err, 'jobs_idempotency')) throw err;
        const winner = await new JobsStore(deps.db).byIdempotencyKey(actor.tenantId, idempotencyKey);
        if (!winner) throw err;
        job = winner;
      }
      log.info(
        { tenantId: actor.tenantId, jobId: job.id, customerId: customer?.id, callId: call.callId },
        'job from call',
      );
      return toProtoJob(job, actor);
    }),
  };
}

interface IntakeDirectory {
  /** The tenant of a form key and its settings; NOT_FOUND FORM_NOT_FOUND otherwise. */
  resolveFormKey(formKey: string): Promise<{ tenant: accounts.Tenant; settings: DirSettings }>;
  /** The customer whose phone (or a contact's) matches, asked on behalf of the caller; undefined if none. */
  findCustomerByPhone(via: Caller, phone: string): Promise<DirCustomer | undefined>;
}

/**
 * Accounts' DirectoryService calls intake needs beyond the shared Directory (form keys, phone numbers).
 * Its own channel for now: these two belong in clients/directory.ts beside the other lookups.
 */
function accountsIntake(deps: Pick<JobsDeps, 'config' | 'directory' | 'log'>): IntakeDirectory {
  let client: DirectoryClient | undefined;
  const accountsClient = () => {
    client ??= createDirectoryClient(deps.config.accountsAddr);
    return client;
  };
  return {
    async resolveFormKey(key) {
      const res = await accountsClient()
        .resolveFormKey({ formKey: key })
        .catch((err: unknown) => notFoundOrThrow(err, deps.log));
      // Not remembered here: a public page view should not write; the directory reads settings through.
      if (!res?.tenant || !res.settings) throw new NotFound('FORM_NOT_FOUND', 'no such form');
      return { tenant: res.tenant, settings: settingsFromProto(res.settings) };
    },
    async findCustomerByPhone(via, phone) {
      try {
        const customer = await accountsClient().findCustomerByPhone({ phone }, { caller: via });
        if (customer.tenantId !== via.tenantId) return undefined;
        await deps.directory.remember({ customers: [customer] });
        return customerFromProto(customer);
      } catch (err) {
        // A number accounts will not even search (too few digits, e.g. a short code) matches nobody either.
        if (fromGrpcError(err)?.kind === 'invalid_argument') return undefined;
        return notFoundOrThrow(err, deps.log);
      }
    },
  };
}

/** Undefined for NOT_FOUND; the caller's own refusals pass through; anything else is an outage. */
function notFoundOrThrow(err: unknown, log: Logger): undefined {
  const domain = fromGrpcError(err);
  if (domain?.kind === 'not_found') return undefined;
  if (domain && (domain.kind === 'unauthenticated' || domain.kind === 'permission_denied')) throw domain;
  log.warn({ err }, 'accounts directory call failed');
  throw new DirectoryUnavailable();
}
