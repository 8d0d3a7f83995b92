// gRPC door of tenant settings: read, and change with validation and optimistic concurrency.
import { unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { notFound, StaleVersion } from '../domain/errors.js';
import { type SettingsPatch, updateSettings } from '../domain/settings.js';
import { settingsUpdated } from '../events/accounts-events.js';
import { inTransaction, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { settingsToProto } from './to-proto.js';

function patchOf(req: accounts.UpdateSettingsRequest): SettingsPatch {
  return {
    dispatchEnabled: req.dispatchEnabled,
    autoLoggingEnabled: req.autoLoggingEnabled,
    minOnSiteSeconds: req.minOnSiteSeconds,
    categories: req.categories?.values,
    taskNumberFormat: req.taskNumberFormat,
    allowedUploadTypes: req.allowedUploadTypes?.values,
    maxUploadBytes: req.maxUploadBytes,
    invitationTtlHours: req.invitationTtlHours,
    timezone: req.timezone,
    currency: req.currency,
    jobCreationBlockedRoles: req.jobCreationBlockedRoles?.values,
    positionStaleSeconds: req.positionStaleSeconds,
    formPrimaryColor: req.formPrimaryColor,
    formLogoUrl: req.formLogoUrl,
    soldStatuses: req.soldStatuses?.values,
    version: req.version,
  };
}

export function settingsHandlers(deps: AccountsDeps): accounts.SettingsServiceServer {
  const { log } = deps;
  return {
    getSettings: unary(log, async (_req, ctx) => {
      const actor = await actorOf(deps, ctx, 'settings:read');
      const settings = await stores(deps.db).settings.get(actor.tenantId);
      if (!settings) throw notFound.tenant();
      return settingsToProto(settings);
    }),

    updateSettings: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'settings:update');
      const patch = patchOf(req);
      const now = deps.clock();
      const settings = await inTransaction(deps.db, async (s) => {
        const current = await s.settings.get(actor.tenantId, { forUpdate: true });
        if (!current) throw notFound.tenant();
        const { next, changed, changedFields } = updateSettings(current, patch, now);
        if (!changed) return current;
        if (!(await s.settings.save(next, current.version))) throw new StaleVersion('settings', current.version);
        await deps.outbox.add(s.db, settingsUpdated(next));
        log.info({ tenantId: actor.tenantId, by: actor.userId, changedFields }, 'settings updated');
        return next;
      });
      return settingsToProto(settings);
    }),
  };
}
