// The day partitions of track_points: created ahead (and on demand for late pings), dropped past the retention.
import { type Kysely, sql } from 'kysely';
import type { LocationDb } from './schema.js';

const DAY_MS = 24 * 3600_000;
// Replicas create and drop partitions one at a time: DDL on the same parent would otherwise collide.
const PARTITION_LOCK = 0x666c7470; // "fltp"

/** The UTC day (days since the epoch) a time falls in. */
export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

export function partitionName(day: number): string {
  const d = new Date(day * DAY_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `track_points_p${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}

const NAME = /^track_points_p(\d{4})(\d{2})(\d{2})$/;

function dayOfName(name: string): number | undefined {
  const m = NAME.exec(name);
  return m ? dayOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

export class TrackPartitions {
  private readonly known = new Set<number>();

  constructor(
    private readonly db: Kysely<LocationDb>,
    private readonly retentionDays: number,
  ) {}

  /** The first day still kept at `now`: points before it are neither stored nor returned. */
  firstKeptDay(now: number): number {
    return dayOf(now) - this.retentionDays;
  }

  /** Whether a point of this device time is stored at all (younger than the retention). */
  keeps(deviceTime: number, now: number): boolean {
    return dayOf(deviceTime) >= this.firstKeptDay(now);
  }

  /** Makes sure the partitions of these days exist (known ones cost nothing). */
  async ensure(days: Iterable<number>): Promise<void> {
    const missing = [...new Set(days)].filter((d) => !this.known.has(d)).sort((a, b) => a - b);
    if (missing.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`.execute(tx);
      for (const day of missing) {
        const from = new Date(day * DAY_MS).toISOString();
        const to = new Date((day + 1) * DAY_MS).toISOString();
        await sql`create table if not exists ${sql.id(partitionName(day))} partition of track_points
                  for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(tx);
      }
    });
    for (const day of missing) this.known.add(day);
  }

  /**
   * The daily chores: partitions from the first kept day to two days ahead exist, older ones are dropped.
   * Returns the names dropped.
   */
  async maintain(now: number): Promise<string[]> {
    const first = this.firstKeptDay(now);
    const today = dayOf(now);
    const ahead: number[] = [];
    for (let d = Math.max(first, today - 1); d <= today + 2; d++) ahead.push(d);
    await this.ensure(ahead);
    const dropped: string[] = [];
    await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`.execute(tx);
      const rows = await sql<{ name: string }>`
        select c.relname as name from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent
        where p.relname = 'track_points'`.execute(tx);
      for (const { name } of rows.rows) {
        const day = dayOfName(name);
        if (day === undefined || day >= first) continue;
        await sql`drop table if exists ${sql.id(name)}`.execute(tx);
        dropped.push(name);
      }
    });
    for (const day of [...this.known]) if (day < first) this.known.delete(day);
    return dropped;
  }

  /** Forgets what it knows, so the next `ensure` asks the database (after another replica dropped some). */
  forget(): void {
    this.known.clear();
  }

  /** The partitions that exist, by name (tests and operations). */
  async list(): Promise<string[]> {
    const rows = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
      where p.relname = 'track_points' order by 1`.execute(this.db);
    return rows.rows.map((r) => r.name);
  }
}
