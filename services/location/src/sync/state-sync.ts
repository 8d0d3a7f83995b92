// Keeps the engine's settings, fences, shifts, busy flags and workers equal to the database on every replica:
// everything at start and after a lost LISTEN connection, then one row per NOTIFY (sent on commit by whoever changed it).
import type { Logger } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { LocationEngine } from '../domain/engine.js';
import { BusyBook, type JobSite, jobFence, jobFenceId } from '../domain/job-fences.js';
import { siteFence, siteFenceId } from '../domain/site-fences.js';
import { DeviceStateStore } from '../store/device-state.store.js';
import { JobSitesStore } from '../store/job-sites.store.js';
import type { LocationDb } from '../store/schema.js';
import { SiteFencesStore } from '../store/site-fences.store.js';
import { parseChange, STATE_CHANNEL, type StateChange } from '../store/state-changes.js';
import { TenantSettingsStore } from '../store/tenant-settings.store.js';
import { WorkerShiftsStore } from '../store/worker-shifts.store.js';
import { WorkersStore } from '../store/workers.store.js';

export class StateSync {
  private readonly busy = new Map<string, BusyBook>();
  /** Fences this replica put into the engine, per tenant: a full reload removes those no longer wanted. */
  private readonly fences = new Map<string, Set<string>>();
  private readonly inactive = new Set<string>();
  private running = false;
  private client?: pg.Client;
  private listening?: Promise<void>;
  private wake: () => void = () => {};

  constructor(
    private readonly db: Kysely<LocationDb>,
    private readonly engine: LocationEngine,
    private readonly log: Logger,
    private readonly databaseUrl: string,
  ) {}

  /** Whether the worker was deactivated: their pings and positions are refused. */
  isInactive(tenantId: string, workerId: string): boolean {
    return this.inactive.has(`${tenantId}\u0000${workerId}`);
  }

  /** LISTENs first, then loads everything, so no change committed in between is missed. */
  async start(): Promise<void> {
    this.running = true;
    await new Promise<void>((resolve, reject) => {
      this.listening = this.listen(resolve, reject);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.client?.end().catch(() => {});
    await this.listening;
  }

  /** Everything from the database: settings, site and job fences, busy workers, shifts, workers, positions. */
  async loadAll(): Promise<void> {
    for (const { tenantId, settings } of await new TenantSettingsStore(this.db).all()) {
      this.engine.setTenantSettings(tenantId, settings);
    }
    const wanted = new Map<string, Set<string>>();
    const want = (tenantId: string, fenceId: string) => {
      let s = wanted.get(tenantId);
      if (!s) {
        s = new Set();
        wanted.set(tenantId, s);
      }
      s.add(fenceId);
    };
    for (const site of await new SiteFencesStore(this.db).allActive()) {
      if (this.upsertFence(siteFence(site))) want(site.tenantId, siteFenceId(site.customerId, site.siteId));
    }
    this.busy.clear();
    for (const job of await new JobSitesStore(this.db).allOpen()) {
      const fence = jobFence(job);
      if (fence && this.upsertFence(fence)) want(job.tenantId, fence.id);
      this.putBusy(job);
    }
    for (const [tenantId, ids] of this.fences) {
      for (const id of ids) if (!wanted.get(tenantId)?.has(id)) this.engine.removeFence(tenantId, id);
    }
    this.fences.clear();
    for (const [tenantId, ids] of wanted) this.fences.set(tenantId, ids);
    for (const s of await new WorkerShiftsStore(this.db).all()) {
      this.engine.setShift(s.tenantId, s.workerId, { onShift: s.onShift, skills: s.skills });
    }
    this.inactive.clear();
    for (const w of await new WorkersStore(this.db).inactive()) {
      this.inactive.add(`${w.tenantId}\u0000${w.workerId}`);
      this.engine.removeWorker(w.tenantId, w.workerId);
    }
    for (const { tenantId, position } of await new DeviceStateStore(this.db).latestPositions()) {
      if (!this.isInactive(tenantId, position.workerId)) this.engine.observePosition(tenantId, position);
    }
  }

  /** Reloads what one change names and applies it (also called right after a local commit). */
  async apply(change: StateChange): Promise<void> {
    const { tenantId } = change;
    switch (change.kind) {
      case 'settings': {
        const settings = await new TenantSettingsStore(this.db).get(tenantId);
        if (settings) this.engine.setTenantSettings(tenantId, settings);
        return;
      }
      case 'customer': {
        for (const site of await new SiteFencesStore(this.db).ofCustomer(tenantId, change.id)) {
          const id = siteFenceId(site.customerId, site.siteId);
          if (site.active && this.upsertFence(siteFence(site))) this.remember(tenantId, id);
          else this.removeFence(tenantId, id);
        }
        return;
      }
      case 'job': {
        const job = await new JobSitesStore(this.db).get(tenantId, change.id);
        if (!job) return;
        const fence = jobFence(job);
        if (fence && this.upsertFence(fence)) this.remember(tenantId, fence.id);
        else this.removeFence(tenantId, jobFenceId(job.jobId));
        this.putBusy(job);
        return;
      }
      case 'shift': {
        const s = await new WorkerShiftsStore(this.db).get(tenantId, change.id);
        if (s) this.engine.setShift(tenantId, s.workerId, { onShift: s.onShift, skills: s.skills });
        return;
      }
      case 'worker': {
        const w = await new WorkersStore(this.db).get(tenantId, change.id);
        if (!w) return;
        const key = `${tenantId}\u0000${w.workerId}`;
        if (!w.active) {
          this.inactive.add(key);
          this.engine.removeWorker(tenantId, w.workerId);
          return;
        }
        if (!this.inactive.delete(key)) return;
        // Back from deactivation: removeWorker forgot the shift and busy flag, so put them back.
        const s = await new WorkerShiftsStore(this.db).get(tenantId, w.workerId);
        if (s) this.engine.setShift(tenantId, s.workerId, { onShift: s.onShift, skills: s.skills });
        this.engine.setBusy(tenantId, w.workerId, this.busy.get(tenantId)?.isBusy(w.workerId) ?? false);
      }
    }
  }

  private putBusy(job: JobSite): void {
    let book = this.busy.get(job.tenantId);
    if (!book) {
      book = new BusyBook();
      this.busy.set(job.tenantId, book);
    }
    for (const [workerId, busy] of book.put(job)) this.engine.setBusy(job.tenantId, workerId, busy);
  }

  /** A fence the engine refuses (bad coordinates from upstream) is logged and skipped, never fatal. */
  private upsertFence(fence: Parameters<LocationEngine['upsertFence']>[0]): boolean {
    try {
      this.engine.upsertFence(fence);
      return true;
    } catch (err) {
      this.log.warn({ err, tenantId: fence.tenantId, fenceId: fence.id }, 'fence refused by the engine; skipped');
      this.engine.removeFence(fence.tenantId, fence.id);
      return false;
    }
  }

  private removeFence(tenantId: string, id: string): void {
    this.engine.removeFence(tenantId, id);
    this.fences.get(tenantId)?.delete(id);
  }

  private remember(tenantId: string, id: string): void {
    let s = this.fences.get(tenantId);
    if (!s) {
      s = new Set();
      this.fences.set(tenantId, s);
    }
    s.add(id);
  }

  /** LISTENs on its own connection; each (re)connection is followed by a full reload (changes may have been missed). */
  private async listen(started: () => void, failed: (err: unknown) => void): Promise<void> {
    let backoff = 250;
    let first = true;
    while (this.running) {
      const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'location-state-listen' });
      this.client = client;
      // One change at a time, in commit order, behind the full load: an older read never lands after a newer one.
      let chain: Promise<void> = Promise.resolve();
      const enqueue = (what: () => Promise<void>) => {
        const run = chain.then(what);
        chain = run.catch(() => {});
        return run;
      };
      try {
        const lost = new Promise<void>((resolve) => {
          client.on('error', (err) => {
            if (this.running) this.log.warn({ err }, 'state LISTEN connection lost; reloading when back');
            resolve();
          });
          client.on('end', () => resolve());
          this.wake = resolve;
        });
        client.on('notification', (msg) => {
          const change = parseChange(msg.payload);
          if (!change) return;
          enqueue(() => this.apply(change)).catch((err) =>
            this.log.error({ err, change }, 'could not apply a state change'),
          );
        });
        await client.connect();
        await client.query(`listen ${STATE_CHANNEL}`);
        await enqueue(() => this.loadAll());
        backoff = 250;
        if (first) {
          first = false;
          started();
        }
        await lost;
      } catch (err) {
        if (first) {
          // The first load failing means the service cannot start: start() says so.
          this.running = false;
          await client.end().catch(() => {});
          failed(err);
          return;
        }
        if (!this.running) break;
        this.log.warn({ err, retryInMs: backoff }, 'state LISTEN failed; retrying');
      }
      await chain;
      await client.end().catch(() => {});
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
}
