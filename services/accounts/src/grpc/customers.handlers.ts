// gRPC door of customers: create, list and read what the caller may see, update, assign coworkers.
import { InvalidArgument, newId, unary } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import { type Customer, type CustomerInput, type IdSource, newCustomer, updateCustomer } from '../domain/customer.js';
import { customerScope, ensureCanSee } from '../domain/customer-visibility.js';
import { notFound, StaleVersion } from '../domain/errors.js';
import { id, optionalText } from '../domain/fields.js';
import { page, pageOf } from '../domain/pagination.js';
import { customerEvent } from '../events/accounts-events.js';
import { inTransaction, stores } from '../store/stores.js';
import { actorOf } from './caller.js';
import type { AccountsDeps } from './deps.js';
import { customerToProto } from './to-proto.js';

const ids: IdSource = { site: () => newId('site'), contact: () => newId('con') };

const MAX_COWORKERS = 500;

export function customersHandlers(deps: AccountsDeps): accounts.CustomersServiceServer {
  const { log } = deps;
  return {
    createCustomer: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'customers:create');
      const input = newCustomer(
        {
          code: req.code,
          name: req.name,
          slaHours: req.slaHours,
          email: req.email,
          phone: req.phone,
          sites: req.sites,
          contacts: req.contacts,
        },
        ids,
      );
      const now = deps.clock();
      const customer: Customer = {
        ...input,
        id: newId('cus'),
        tenantId: actor.tenantId,
        coworkerIds: [],
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await inTransaction(deps.db, async (s) => {
        await s.customers.insert(customer);
        await deps.outbox.add(s.db, customerEvent('customer_created', customer));
      });
      log.info({ tenantId: actor.tenantId, customerId: customer.id, by: actor.userId }, 'customer created');
      return customerToProto(customer);
    }),

    listCustomers: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'customers:list');
      const p = page(req.page);
      const q = optionalText('q', req.q) || undefined;
      const rows = await stores(deps.db).customers.list(actor.tenantId, customerScope(actor), q, p);
      const { items, nextCursor } = pageOf(rows, p);
      return { customers: items.map(customerToProto), page: { nextCursor } };
    }),

    getCustomer: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'customers:read');
      const customer = await stores(deps.db).customers.get(actor.tenantId, id('id', req.id));
      return customerToProto(ensureCanSee(actor, customer));
    }),

    updateCustomer: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'customers:update');
      const customerId = id('id', req.id);
      const patch: CustomerInput = {
        code: req.code,
        name: req.name,
        slaHours: req.slaHours,
        email: req.email,
        phone: req.phone,
        active: req.active,
        sites: req.sites?.sites,
        contacts: req.contacts?.contacts,
        version: req.version,
      };
      const now = deps.clock();
      const customer = await inTransaction(deps.db, async (s) => {
        const current = ensureCanSee(actor, await s.customers.get(actor.tenantId, customerId, { forUpdate: true }));
        const { next, changed } = updateCustomer(current, patch, ids, now);
        if (!changed) return current;
        if (!(await s.customers.save(next, current.version))) throw new StaleVersion('customer', current.version);
        await deps.outbox.add(s.db, customerEvent('customer_updated', next));
        return next;
      });
      return customerToProto(customer);
    }),

    setCustomerCoworkers: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx, 'customers:assign-coworkers');
      const customerId = id('id', req.id);
      if (req.userIds.length > MAX_COWORKERS) {
        throw new InvalidArgument('userIds', `at most ${MAX_COWORKERS} coworkers per customer`);
      }
      const wanted = [...new Set(req.userIds.map((u, i) => id(`userIds[${i}]`, u)))].sort();
      const now = deps.clock();
      const customer = await inTransaction(deps.db, async (s) => {
        const current = await s.customers.get(actor.tenantId, customerId, { forUpdate: true });
        if (!current) throw notFound.customer();
        const valid = new Set(await s.users.activeCoworkers(actor.tenantId, wanted));
        const invalid = wanted.filter((u) => !valid.has(u));
        if (invalid.length > 0) {
          throw new InvalidArgument('userIds', `not active coworkers of this tenant: ${invalid.join(', ')}`);
        }
        if (JSON.stringify(wanted) === JSON.stringify([...current.coworkerIds].sort())) return current;
        const next: Customer = { ...current, coworkerIds: wanted, version: current.version + 1, updatedAt: now };
        if (!(await s.customers.saveCoworkers(next, current.version))) {
          throw new StaleVersion('customer', current.version);
        }
        await deps.outbox.add(s.db, customerEvent('customer_coworkers_changed', next));
        return next;
      });
      log.info(
        { tenantId: actor.tenantId, customerId, coworkers: customer.coworkerIds.length },
        'customer coworkers set',
      );
      return customerToProto(customer);
    }),
  };
}
