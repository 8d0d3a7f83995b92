// A fresh, uniquely named database per test file on the test PostgreSQL server, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { databaseUrl } from '@fieldline/platform';
import pg from 'pg';
import { testPostgresUrl } from './services.js';

export interface FreshDatabase {
  name: string;
  url: string;
  /** Drops the database, ending whatever connections are still open to it. */
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const serverUrl = await testPostgresUrl();
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 30);
  const name = `fl_test_${clean}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, (c) => c.query(`create database ${name}`));
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: () =>
      onServer(serverUrl, async (c) => {
        await c.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [name],
        );
        await c.query(`drop database if exists ${name}`);
      }),
  };
}
