// gRPC door of job types: admins define them (custom field schemas); staff list them.
import { newId, PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { CustomFieldDef } from '../domain/custom-fields.js';
import { notFound, StaleVersion } from '../domain/errors.js';
import { idValue } from '../domain/job-input.js';
import { type JobType, newJobType, updateJobType } from '../domain/job-type.js';
import { JobTypesStore } from '../store/job-types.store.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';

const fieldToProto = (f: CustomFieldDef): jobs.CustomFieldDef => ({
  key: f.key,
  label: f.label,
  type: f.type,
  required: f.required,
  options: [...f.options],
  min: f.min,
  max: f.max,
  maxLength: f.maxLength,
});

export const jobTypeToProto = (t: JobType): jobs.JobType => ({
  id: t.id,
  tenantId: t.tenantId,
  name: t.name,
  description: t.description,
  fields: t.fields.map(fieldToProto),
  active: t.active,
  version: t.version,
  createdAt: t.createdAt,
});

const adminOnly = (role: string) => {
  if (role !== 'admin') throw new PermissionDenied('only admins define job types');
};

export function jobTypesHandlers(deps: JobsDeps): jobs.JobTypesServiceServer {
  const { log } = deps;
  return {
    createJobType: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      adminOnly(actor.role);
      const type = newJobType(
        { name: req.name, description: req.description, fields: req.fields },
        { id: newId('jty'), tenantId: actor.tenantId, now: deps.clock() },
      );
      await new JobTypesStore(deps.db).insert(type);
      log.info({ tenantId: actor.tenantId, jobTypeId: type.id }, 'job type created');
      return jobTypeToProto(type);
    }),

    listJobTypes: unary(log, async (_req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const all = await new JobTypesStore(deps.db).list(actor.tenantId);
      // Clients and guests pick no type (their requests are typed by dispatch): they see none.
      const visible = actor.role === 'client' || actor.role === 'guest' ? [] : all;
      return { jobTypes: visible.map(jobTypeToProto) };
    }),

    updateJobType: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      adminOnly(actor.role);
      const id = idValue('id', req.id);
      const type = await deps.db.transaction().execute(async (tx) => {
        const store = new JobTypesStore(tx);
        const current = await store.get(actor.tenantId, id, { forUpdate: true });
        if (!current) throw notFound.jobType();
        const { next, changed } = updateJobType(
          current,
          { name: req.name, description: req.description, fields: req.fields?.fields, active: req.active },
          deps.clock(),
        );
        if (!changed) return current;
        if (!(await store.save(next, current.version))) throw new StaleVersion(current.version, 'job type');
        return next;
      });
      return jobTypeToProto(type);
    }),
  };
}
