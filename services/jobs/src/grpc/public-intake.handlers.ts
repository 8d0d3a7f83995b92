// gRPC door of public intake: the tenant's request form (no login; the gateway rate-limits it and checks the
// honeypot) and the VoIP webhook (API key). Both create jobs through createJobInTx, like CreateJob does; form
// keys and phone numbers are asked of accounts through the shared directory.
import { PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import { isDispatcher } from '../domain/directory.js';
import { createJobInTx } from '../domain/job-commands.js';
import { formKey, incomingCall, publicRequest } from '../domain/public-intake.js';
import type { JobRecord } from '../store/job-access.js';
import { isUniqueViolation, JobsStore } from '../store/jobs.store.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { toProtoJob } from './job-to-proto.js';

export function publicIntakeHandlers(deps: JobsDeps): jobs.PublicIntakeServiceServer {
  const { log, directory } = deps;

  return {
    getPublicForm: unary(log, async (req) => {
      const key = formKey(req.formKey);
      const { tenant, settings } = await directory.resolveFormKey(key);
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
      const { tenant, settings } = await directory.resolveFormKey(key);
      const request = publicRequest(req, settings.categories);
      // A code that matches nothing (or an inactive customer) is not an error: the dispatcher sorts it out.
      const byCode = request.customerCode ? await directory.customerByCode(tenant.id, request.customerCode) : undefined;
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

      const customer = await directory.findCustomerByPhone(actor.tenantId, call.from, ctx.caller());
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
