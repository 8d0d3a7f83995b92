// Keeps the local directory current: a durable consumer of accounts' user, customer and settings events that
// writes each into dir_* (newest version wins, so redeliveries and out-of-order events are harmless).
import { type EventEnvelope, eventFilter, type Logger, type NatsConnection, runConsumer } from '@fieldline/platform';
import { accountsEvents } from '@fieldline/proto';
import type { Kysely, Transaction } from 'kysely';
import { customerFromProto, settingsFromProto, userFromProto } from '../clients/directory-from-proto.js';
import { DirectoryStore } from '../store/directory.store.js';
import type { JobsDb } from '../store/schema.js';

export const DIRECTORY_CONSUMER = 'jobs-directory';

const USER_EVENTS = ['user_created', 'user_updated', 'user_deactivated', 'user_activated', 'invitation_accepted'];
const CUSTOMER_EVENTS = ['customer_created', 'customer_updated', 'customer_coworkers_changed'];

/** Applies one accounts event to the directory; events jobs does not copy are acknowledged and skipped. */
export async function applyAccountsEvent(
  tx: Transaction<JobsDb> | Kysely<JobsDb>,
  envelope: EventEnvelope,
  payload: Uint8Array,
  now: Date,
): Promise<void> {
  const store = new DirectoryStore(tx);
  if (USER_EVENTS.includes(envelope.type)) {
    const user =
      envelope.type === 'invitation_accepted'
        ? accountsEvents.InvitationAccepted.decode(payload).user
        : accountsEvents.UserChanged.decode(payload).user;
    if (user && user.tenantId === envelope.tenantId) await store.putUser(userFromProto(user), now);
  } else if (CUSTOMER_EVENTS.includes(envelope.type)) {
    const { customer } = accountsEvents.CustomerChanged.decode(payload);
    if (customer && customer.tenantId === envelope.tenantId) await store.putCustomer(customerFromProto(customer), now);
  } else if (envelope.type === 'settings_updated') {
    const { settings } = accountsEvents.SettingsChanged.decode(payload);
    if (settings && settings.tenantId === envelope.tenantId) await store.putSettings(settingsFromProto(settings), now);
  }
  // tenant_created carries no settings; they are read through on first use.
}

export function startDirectoryConsumer(opts: {
  nc: NatsConnection;
  db: Kysely<JobsDb>;
  prefix: string;
  log: Logger;
  clock: () => Date;
}) {
  return runConsumer({
    nc: opts.nc,
    db: opts.db,
    prefix: opts.prefix,
    durable: DIRECTORY_CONSUMER,
    // One filter for every accounts event: works on servers without multi-filter consumers too.
    filterSubjects: [eventFilter({ prefix: opts.prefix, producer: 'accounts' })],
    handle: (tx, envelope, payload) => applyAccountsEvent(tx as Transaction<JobsDb>, envelope, payload, opts.clock()),
    log: opts.log,
  });
}
