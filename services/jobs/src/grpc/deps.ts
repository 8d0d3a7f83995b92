// What every handler, worker and consumer needs: the database, the outbox, the directory, the blob store,
// the clock and the configuration.
import type { Logger, Outbox } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../blob/blob-store.js';
import type { Directory } from '../clients/directory.js';
import type { LocationClient } from '../clients/location.js';
import type { JobsConfig } from '../config.js';
import type { JobsDb } from '../store/schema.js';

export interface JobsDeps {
  db: Kysely<JobsDb>;
  outbox: Outbox;
  /** Users, customers and settings of accounts: the local copy, read through to accounts on a miss. */
  directory: Directory;
  blobStore: BlobStore;
  log: Logger;
  /** Injectable so tests can move time (due dates, delays, reminders). */
  clock: () => Date;
  config: JobsConfig;
  /** The location service, when there is one (auto-assign's nearest-worker rule). */
  location?: LocationClient;
}
