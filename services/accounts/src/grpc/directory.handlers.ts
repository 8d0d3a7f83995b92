// gRPC door other services use to fill their local copies of users, customers and settings (they also
// follow the accounts events), resolve a public form key, and find the customer behind a phone number.
import { type CallContext, InvalidArgument, NotFound, Unauthenticated, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { CredentialRevoked } from '../domain/errors.js';
import { CredentialsStore } from '../store/credentials.store.js';
import { stores } from '../store/stores.js';
import type { AccountsDeps } from './deps.js';
import { customerToProto, settingsToProto, tenantToProto, userToProto } from './to-proto.js';

const MAX_IDS = 500;
const TENANT_KEY = 'x-fl-tenant-id';

/**
 * The tenant a directory call is about. A call on behalf of a user (forwarded caller) must still hold a
 * working credential; a service's own call (a consumer, a scheduler) names only the tenant. Backend
 * services are reachable from inside the cluster only (NetworkPolicy): the gateway never forwards
 * client-supplied metadata.
 */
async function tenantOf(deps: AccountsDeps, ctx: CallContext): Promise<string> {
  const caller = ctx.optionalCaller();
  if (caller) {
    const actor = await new CredentialsStore(deps.db).actor(caller);
    if (!actor) throw new CredentialRevoked(caller.kind === 'api_key' ? 'API key' : caller.kind);
    return actor.tenantId;
  }
  const tenantId = ctx.metadata.get(TENANT_KEY)[0]?.toString();
  if (!tenantId) throw new Unauthenticated('a directory call needs a caller or a tenant in its metadata');
  return tenantId;
}

function idList(field: string, ids: string[]): string[] {
  if (ids.length > MAX_IDS) throw new InvalidArgument(field, `at most ${MAX_IDS} ids per call`);
  for (const [i, id] of ids.entries()) {
    if (!id || id.length > 64) throw new InvalidArgument(`${field}[${i}]`, 'must be an id of at most 64 characters');
  }
  return [...new Set(ids)];
}

export function directoryHandlers(deps: AccountsDeps): accounts.DirectoryServiceServer {
  const { log } = deps;
  return {
    lookupDirectory: unary(log, async (req, ctx) => {
      const tenantId = await tenantOf(deps, ctx);
      const userIds = idList('userIds', req.userIds);
      const customerIds = idList('customerIds', req.customerIds);
      const s = stores(deps.db);
      const [users, customers, settings] = await Promise.all([
        s.users.getMany(tenantId, userIds),
        s.customers.getMany(tenantId, customerIds),
        req.includeSettings ? s.settings.get(tenantId) : undefined,
      ]);
      return {
        users: users.map(userToProto),
        customers: customers.map(customerToProto),
        settings: settings && settingsToProto(settings),
      };
    }),

    resolveFormKey: unary(log, async (req) => {
      const formKey = req.formKey?.trim();
      if (!formKey || formKey.length > 128) throw new InvalidArgument('formKey', 'must be a form key');
      const s = stores(deps.db);
      const settings = await s.settings.byFormKey(formKey);
      const tenant = settings && (await s.tenants.get(settings.tenantId));
      if (!settings || !tenant) throw new NotFound('FORM_NOT_FOUND', 'there is no request form with this key');
      return { tenant: tenantToProto(tenant), settings: settingsToProto(settings) };
    }),

    findCustomerByPhone: unary(log, async (req, ctx) => {
      const tenantId = await tenantOf(deps, ctx);
      const digits = (req.phone ?? '').replace(/\D/g, '');
      if (digits.length < 5 || digits.length > 20) {
        throw new InvalidArgument('phone', 'must be a phone number with 5 to 20 digits');
      }
      const customer = await stores(deps.db).customers.findByPhoneDigits(tenantId, digits);
      if (!customer) throw new NotFound('CUSTOMER_NOT_FOUND', 'no customer has this phone number');
      return customerToProto(customer);
    }),
  };
}
