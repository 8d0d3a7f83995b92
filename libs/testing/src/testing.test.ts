import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { freshDatabase } from './database.js';
import { startNatsServer, uniquePrefix } from './nats.js';
import { freePort, portAccepts } from './ports.js';
import { findNats, findPostgres, START_NATS_COMMAND, START_POSTGRES_COMMAND } from './services.js';
import { waitFor } from './wait-for.js';

describe('test services', () => {
  it('fails loudly, with the command to run, when PostgreSQL or NATS is not there', async () => {
    const port = await freePort();

    const pgUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const natsUrl = `nats://127.0.0.1:${port}`;

    await expect(findPostgres({ FIELDLINE_DATABASE_URL: pgUrl })).rejects.toThrow(
      `PostgreSQL is unreachable at ${pgUrl}. Start it with:\n  ${START_POSTGRES_COMMAND}`,
    );
    await expect(findNats({ FIELDLINE_NATS_URL: natsUrl })).rejects.toThrow(START_NATS_COMMAND);
  });

  it('creates a fresh database and drops it even with a connection still open', async () => {
    const db = await freshDatabase('Testing Lib!');
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {});
    await client.connect();

    await db.drop();

    expect(db.name).toMatch(/^fl_test_testing_lib__[0-9a-f]{8}$/);
    await expect(client.query('select 1')).rejects.toThrow();
  });

  it('runs a private nats-server that can be stopped and started on the same port', async () => {
    const server = await startNatsServer();
    try {
      await server.stop();
      expect(await portAccepts('127.0.0.1', server.port)).toBe(false);
      await server.start();
      expect(await portAccepts('127.0.0.1', server.port)).toBe(true);
    } finally {
      await server.dispose();
    }
  });

  it('gives prefixes usable as subject tokens and stream names', () => {
    expect(uniquePrefix()).toMatch(/^t[0-9a-f]{8}$/);
    expect(uniquePrefix()).not.toBe(uniquePrefix());
  });

  it('waits for a condition and says which one never came', async () => {
    let n = 0;
    await expect(waitFor(() => ++n >= 3 && n, { intervalMs: 1 })).resolves.toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 30, what: 'the moon' })).rejects.toThrow(
      /timed out after 30 ms waiting for the moon/,
    );
  });
});
