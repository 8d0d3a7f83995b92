import { freshDatabase } from '@fieldline/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDb, migrate, PLATFORM_MIGRATIONS_DIR } from '../src/db.js';

describe('platform migrations', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function fresh(label: string) {
    const database = await freshDatabase(label);
    cleanups.push(database.drop);
    const open = () => {
      const { db, pool } = createDb<unknown>({ url: database.url, maxConnections: 2 });
      cleanups.push(() => pool.end());
      return db;
    };
    return { open };
  }

  it('applies the outbox migration once; a second run does nothing', async () => {
    const db = (await fresh('migrate_twice')).open();

    const first = await migrate(db, [PLATFORM_MIGRATIONS_DIR]);
    const second = await migrate(db, [PLATFORM_MIGRATIONS_DIR]);

    expect(first).toEqual(['platform_0001_outbox.sql']);
    expect(second).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name in ('outbox', 'processed_events') order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(['outbox', 'processed_events']);
  });

  it('lets two replicas migrate a fresh database at the same time, each file applied once', async () => {
    const { open } = await fresh('migrate_race');
    const [a, b] = [open(), open()];

    const [ranA, ranB] = await Promise.all([
      migrate(a, [PLATFORM_MIGRATIONS_DIR]),
      migrate(b, [PLATFORM_MIGRATIONS_DIR]),
    ]);

    expect([...ranA, ...ranB]).toEqual(['platform_0001_outbox.sql']);
    const applied = await sql<{ name: string }>`select name from schema_migrations`.execute(a);
    expect(applied.rows.map((r) => r.name)).toEqual(['platform_0001_outbox.sql']);
  });
});
