// The tenant's settings: read by staff and co-workers, changed by admins.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECURED } from '../plugins/openapi.js';
import { errorResponses, Role } from '../views/common.js';
import { toSettingsView } from '../views/settings.view.js';
import { as, type RouteDeps } from './route-deps.js';

const Strings = (maxItems: number, maxLength: number) =>
  Type.Array(Type.String({ minLength: 1, maxLength }), { maxItems });

const UpdateBody = Type.Object(
  {
    dispatchEnabled: Type.Optional(Type.Boolean()),
    autoLoggingEnabled: Type.Optional(Type.Boolean()),
    minOnSiteSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    categories: Type.Optional(Strings(200, 100)),
    taskNumberFormat: Type.Optional(
      Type.String({ minLength: 1, maxLength: 60, description: 'placeholders {code} {n} {yyyy}, e.g. {code}-TASK-{n}' }),
    ),
    allowedUploadTypes: Type.Optional(Strings(100, 100)),
    maxUploadBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 1024 * 1024 * 1024 })),
    invitationTtlHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 365 })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA name, e.g. Europe/Paris' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3, description: 'ISO 4217' })),
    jobCreationBlockedRoles: Type.Optional(Type.Array(Role, { maxItems: 5 })),
    positionStaleSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    formPrimaryColor: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7 })),
    formLogoUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    soldStatuses: Type.Optional(Strings(50, 50)),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'refuse if stale (409)' })),
  },
  { additionalProperties: false },
);

const list = (values: string[] | undefined) => (values === undefined ? undefined : { values });

export async function settingsRoutes(app: FastifyInstance, { accounts }: RouteDeps) {
  app.get(
    '/v1/settings',
    {
      config: { action: 'settings:read' },
      schema: {
        tags: ['settings'],
        summary: "The tenant's settings",
        security: SECURED,
        response: { 200: Type.Ref('Settings'), ...errorResponses(401, 403) },
      },
    },
    async (request) => toSettingsView(await accounts.settings.getSettings({}, as(request))),
  );

  app.patch<{ Body: Static<typeof UpdateBody> }>(
    '/v1/settings',
    {
      config: { action: 'settings:update' },
      schema: {
        tags: ['settings'],
        summary: 'Change settings (only the fields sent; lists are replaced whole)',
        security: SECURED,
        body: UpdateBody,
        response: { 200: Type.Ref('Settings'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const b = request.body;
      const settings = await accounts.settings.updateSettings(
        {
          ...b,
          categories: list(b.categories),
          allowedUploadTypes: list(b.allowedUploadTypes),
          jobCreationBlockedRoles: list(b.jobCreationBlockedRoles),
          soldStatuses: list(b.soldStatuses),
        },
        as(request),
      );
      return toSettingsView(settings);
    },
  );
}
