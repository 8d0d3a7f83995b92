// Whether a user is one of the tenant's people: the local copy first (kept by the accounts consumer), and on a
// miss accounts' DirectoryService, whose answer is written into the copy.
import { DomainError, fromGrpcError, type Logger } from '@fieldline/platform';
import { Metadata } from '@grpc/grpc-js';
import type { Kysely } from 'kysely';
import type { LocationDb } from '../store/schema.js';
import { type Worker, WorkersStore } from '../store/workers.store.js';
import type { DirectoryClient } from './accounts.js';

// A service's own directory call names the tenant in this metadata key (accounts' DirectoryService reads it).
const TENANT_KEY = 'x-fl-tenant-id';

export class DirectoryUnavailable extends DomainError {
  constructor() {
    super('unavailable', 'DIRECTORY_UNAVAILABLE', 'the accounts directory cannot be reached; try again');
  }
}

export class WorkersDirectory {
  private readonly local: WorkersStore;

  constructor(
    db: Kysely<LocationDb>,
    private readonly client: DirectoryClient | undefined,
    private readonly log: Logger,
    private readonly clock: () => Date,
  ) {
    this.local = new WorkersStore(db);
  }

  /** The user in this tenant, or undefined when the tenant has no such user. */
  async worker(tenantId: string, workerId: string): Promise<Worker | undefined> {
    const local = await this.local.get(tenantId, workerId);
    if (local || !this.client) return local;
    let users: Awaited<ReturnType<DirectoryClient['lookupDirectory']>>['users'];
    try {
      const metadata = new Metadata();
      metadata.set(TENANT_KEY, tenantId);
      users = (
        await this.client.lookupDirectory(
          { userIds: [workerId], customerIds: [], includeSettings: false },
          { metadata },
        )
      ).users;
    } catch (err) {
      const domain = fromGrpcError(err);
      if (domain?.kind === 'not_found' || domain?.kind === 'invalid_argument') return undefined;
      this.log.warn({ err, tenantId, workerId }, 'directory lookup failed');
      throw new DirectoryUnavailable();
    }
    const user = users.find((u) => u.id === workerId && u.tenantId === tenantId);
    if (!user) return undefined;
    const worker: Worker = { tenantId, workerId, role: user.role, active: user.active, version: user.version };
    await this.local.put(worker, this.clock());
    return worker;
  }
}
