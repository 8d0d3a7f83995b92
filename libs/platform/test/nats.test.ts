import { testNatsUrl, uniquePrefix } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, dlqStreamName, ensureEventStreams, eventsStreamName, type NatsConnection } from '../src/nats.js';

describe('event streams', () => {
  let nc: NatsConnection;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    nc = await connectNats(await testNatsUrl(), 'streams-test');
  });

  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    for (const name of [eventsStreamName(prefix), dlqStreamName(prefix)])
      await jsm.streams.delete(name).catch(() => {});
    await nc.close();
  });

  it('names streams after the prefix', () => {
    expect(eventsStreamName('fl')).toBe('FL_EVENTS');
    expect(dlqStreamName('fl.staging')).toBe('FL_STAGING_DLQ');
  });

  it('can be ensured by every replica at once, and later with new limits', async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => ensureEventStreams(nc, { prefix })));
    await ensureEventStreams(nc, { prefix, maxAgeMs: 3600_000 });

    const jsm = await jetstreamManager(nc);
    const events = await jsm.streams.info(eventsStreamName(prefix));
    const dlq = await jsm.streams.info(dlqStreamName(prefix));
    expect(replicas[0]).toEqual({ events: `${prefix.toUpperCase()}_EVENTS`, dlq: `${prefix.toUpperCase()}_DLQ` });
    expect(events.config).toMatchObject({
      subjects: [`${prefix}.>`],
      storage: 'file',
      duplicate_window: 120e9,
      max_age: 3600e9,
    });
    expect(dlq.config.subjects).toEqual([`${prefix}_dlq.>`]);
  });
});
