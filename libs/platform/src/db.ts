// PostgreSQL for a service: its own database (created when missing), a pg pool behind Kysely, and
// forward-only SQL migrations applied under an advisory lock so replicas starting together don't race.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';

export type { Kysely, Transaction };
export { sql };

// Timestamps come back as Date, bigint counts as number (ours stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The URL of `database` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates the database when it does not exist yet (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name "${database}"`);
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${database}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04' && err.code !== '23505') throw err; // created meanwhile by another replica
      });
    }
  } finally {
    await client.end();
  }
}

export interface DbOptions {
  url: string;
  maxConnections?: number;
  applicationName?: string;
}

export function createDb<T>(opts: DbOptions): { db: Kysely<T>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    application_name: opts.applicationName,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Same for a checked-out client whose connection dies mid-transaction: its next query fails and
  // rolls back, and pg-pool discards the broken client; without a listener the process would crash.
  pool.on('connect', (client) => client.on('error', () => {}));
  return { db: new Kysely<T>({ dialect: new PostgresDialect({ pool }) }), pool };
}

const MIGRATION_LOCK = 0x666c6d67; // "flmg"

/** Where the platform's own tables (outbox, processed events) are defined; services migrate it first. */
export const PLATFORM_MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

/**
 * Applies the .sql files of `dirs` not applied yet (directory order, then name order), each in its
 * own transaction. File names must be unique across the directories.
 */
// biome-ignore lint/suspicious/noExplicitAny: runs on any service's typed database
export async function migrate(db: Kysely<any>, dirs: string | string[]): Promise<string[]> {
  const files: { name: string; path: string }[] = [];
  for (const dir of [dirs].flat()) {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
    files.push(...names.map((name) => ({ name, path: join(dir, name) })));
  }
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = await sql<{ name: string }>`select name from schema_migrations`.execute(conn);
      const applied = new Set(done.rows.map((r) => r.name));
      const ran: string[] = [];
      for (const file of files.filter((f) => !applied.has(f.name))) {
        const text = await readFile(file.path, 'utf8');
        await conn.transaction().execute(async (tx) => {
          await sql.raw(text).execute(tx);
          await sql`insert into schema_migrations (name) values (${file.name})`.execute(tx);
        });
        ran.push(file.name);
      }
      return ran;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
