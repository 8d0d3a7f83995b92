// ListJobs through gRPC: filters, every sort both ways, keyset pages stable under concurrent inserts,
// full-text search on title, description and number, and bad queries.

import type { Caller } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, input, list, startHarness, Tenant } from './harness.js';

let h: Harness;
let t: Tenant;
let worker: Caller;
let customerId: string;
const made: jobs.Job[] = [];

const day = (d: number) => new Date(Date.UTC(2031, 2, d, 12));
const query = (q: Partial<jobs.ListJobsRequest>, caller: Caller = t.admin) =>
  h.api.jobs.listJobs(jobs.ListJobsRequest.fromPartial(q), { caller });
const ids = (res: jobs.ListJobsResponse) => res.jobs.map((j) => j.id);

/** Every job of the query, page by page. */
async function all(
  q: Partial<jobs.ListJobsRequest>,
  limit: number,
  between?: () => Promise<unknown>,
): Promise<jobs.Job[]> {
  const out: jobs.Job[] = [];
  let cursor = '';
  for (let i = 0; i < 100; i++) {
    const res = await query({ ...q, page: { limit, cursor } });
    out.push(...res.jobs);
    if (!res.page?.nextCursor) return out;
    cursor = res.page.nextCursor;
    await between?.();
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  h = await startHarness('list');
  t = await Tenant.create(h);
  worker = await t.user('coworker');
  customerId = (await t.customer('LST')).id;
  const specs: Partial<jobs.JobInput>[] = [
    { title: 'Boiler leaking in basement', priority: 'high', category: 'Repair', dueAt: day(3), tags: list(['Gas']) },
    {
      title: 'Annual inspection',
      description: 'Check the boiler pressure',
      priority: 'low',
      dueAt: day(1),
      customerId,
    },
    { title: 'Install heat pump', priority: 'normal', assigneeIds: list([worker.userId]), dueAt: day(2), customerId },
    { title: 'Paint the fence', priority: 'low', category: 'Maintenance', tags: list(['outdoor', 'gas']) },
    { title: 'Replace thermostat', priority: 'high', dueAt: day(5) },
  ];
  for (const s of specs) {
    made.push(
      await h.api.jobs.createJob(
        { job: input({ startAt: day(1), ...s, dueAt: s.dueAt }), source: '', idempotencyKey: '' },
        { caller: t.admin },
      ),
    );
  }
});
afterAll(async () => {
  await h?.stop();
});

describe('ListJobs filters', () => {
  it.each([
    ['status', { statuses: ['assigned'] }, [2]],
    ['several statuses', { statuses: ['assigned', 'not_started'] }, [0, 1, 2, 3, 4]],
    ['assignee', { assigneeId: 'WORKER' }, [2]],
    ['customer', { customerId: 'CUSTOMER' }, [1, 2]],
    ['category, any case', { category: 'repair' }, [0]],
    ['priority', { priority: 'low' }, [1, 3]],
    ['tag, any case', { tag: 'GAS' }, [0, 3]],
    ['due range', { dueAfter: day(2), dueBefore: day(4) }, [0, 2]],
    ['a title word prefix', { q: 'boil' }, [0, 1]],
    ['two words', { q: 'boiler pressure' }, [1]],
    ['a description word', { q: 'pressure' }, [1]],
    ['not delayed', { delayed: 'false' }, [0, 1, 2, 3, 4]],
  ])('filters by %s', async (_what, q, expected) => {
    const filled = JSON.parse(
      JSON.stringify(q).replace('WORKER', worker.userId).replace('CUSTOMER', customerId),
      (k, v) => (k === 'dueAfter' || k === 'dueBefore' ? new Date(v) : v),
    );

    const res = await query(filled);

    expect(ids(res).sort()).toEqual(expected.map((i) => made[i].id).sort());
  });

  it('finds a job by its number or number prefix', async () => {
    const target = made[3];

    expect(ids(await query({ q: target.number }))).toEqual([target.id]);
    expect(ids(await query({ q: 'JOB-TASK' })).length).toBe(3);
    expect(ids(await query({ q: 'LST-TASK' })).sort()).toEqual([made[1].id, made[2].id].sort());
  });

  it('treats search text literally', async () => {
    expect(ids(await query({ q: "' or 1=1 --" }))).toEqual([]);
    expect(ids(await query({ q: '%' }))).toEqual([]);
  });
});

describe('ListJobs sorting and pages', () => {
  it.each([
    ['created_at', [0, 1, 2, 3, 4]],
    ['-created_at', [4, 3, 2, 1, 0]],
    ['number', [0, 1, 2, 3, 4]],
    ['-number', [4, 3, 2, 1, 0]],
    ['due_at', [1, 2, 0, 4, 3]],
    ['-due_at', [3, 4, 0, 2, 1]],
    ['priority', [1, 3, 2, 0, 4]],
    ['-priority', [4, 0, 2, 3, 1]],
  ])('sorts by %s across pages of 2', async (sort, order) => {
    const got = await all({ sort }, 2);

    expect(got.map((j) => j.id)).toEqual(order.map((i) => made[i].id));
  });

  it('neither repeats nor skips a job when others are created between pages', async () => {
    const fresh = await Tenant.create(h);
    const create = (title: string) =>
      h.api.jobs.createJob({ job: input({ title }), source: '', idempotencyKey: '' }, { caller: fresh.admin });
    const first: string[] = [];
    for (let i = 0; i < 9; i++) first.push((await create(`first ${i}`)).id);

    const seen: string[] = [];
    let cursor = '';
    let n = 0;
    do {
      const res = await h.api.jobs.listJobs(
        jobs.ListJobsRequest.fromPartial({ sort: '-created_at', page: { limit: 2, cursor } }),
        {
          caller: fresh.admin,
        },
      );
      seen.push(...ids(res));
      cursor = res.page?.nextCursor ?? '';
      await Promise.all([create(`between ${n}a`), create(`between ${n}b`)]);
      n++;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => first.includes(id))).toEqual([...first].reverse());
  });

  it.each([
    ['an unknown status', { statuses: ['open'] }, 'statuses[0]'],
    ['an unknown sort', { sort: 'title' }, 'sort'],
    ['a limit over 200', { page: { limit: 500, cursor: '' } }, 'limit'],
    ['a made-up cursor', { page: { limit: 10, cursor: 'abc' } }, 'cursor'],
    ['delayed=yes', { delayed: 'yes' }, 'delayed'],
    ['an unknown priority', { priority: 'urgent' }, 'priority'],
  ])('refuses %s', async (_what, q, field) => {
    expect(await failure(query(q as Partial<jobs.ListJobsRequest>))).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('refuses a cursor made for another sort', async () => {
    const res = await query({ sort: 'due_at', page: { limit: 1, cursor: '' } });

    expect(
      await failure(query({ sort: 'number', page: { limit: 1, cursor: res.page?.nextCursor ?? '' } })),
    ).toMatchObject({ field: 'cursor' });
  });
});
