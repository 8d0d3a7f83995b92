// Unit tests of the /v1/me batcher: one call per turn, answers routed to the right waiters, failures to all.

import type { accounts } from '@fieldline/proto';
import { describe, expect, it } from '@jest/globals';
import { MeBatcher } from './me-batcher.js';

const tenant = (id: string): accounts.Tenant => ({ id, slug: id, name: id, createdAt: undefined });
const user = (tenantId: string, id: string) => ({ id, tenantId }) as accounts.User;

/** An identity client that knows users `usr_*` of tenants `t_*`, except ids containing "gone", and logs its calls. */
function fakeIdentity() {
  const calls: accounts.MeLookup[][] = [];
  let failWith: Error | undefined;
  return {
    calls,
    failNext(err: Error) {
      failWith = err;
    },
    batchGetMe: async (req: accounts.BatchGetMeRequest): Promise<accounts.BatchGetMeResponse> => {
      calls.push(req.lookups);
      if (failWith) {
        const err = failWith;
        failWith = undefined;
        throw err;
      }
      return {
        results: req.lookups.map((l) =>
          l.userId.includes('gone')
            ? { user: undefined, tenant: undefined }
            : { user: user(l.tenantId, l.userId), tenant: tenant(l.tenantId) },
        ),
      };
    },
  };
}

describe('MeBatcher', () => {
  it('sends the lookups of one turn as one call, each user once, and answers each waiter its own user', async () => {
    const identity = fakeIdentity();
    const batcher = new MeBatcher(identity);

    const answers = await Promise.all([
      batcher.get({ tenantId: 't_1', userId: 'usr_a' }),
      batcher.get({ tenantId: 't_2', userId: 'usr_b' }),
      batcher.get({ tenantId: 't_1', userId: 'usr_a' }),
      batcher.get({ tenantId: 't_1', userId: 'usr_gone' }),
    ]);

    expect(identity.calls).toEqual([
      [
        { tenantId: 't_1', userId: 'usr_a' },
        { tenantId: 't_2', userId: 'usr_b' },
        { tenantId: 't_1', userId: 'usr_gone' },
      ],
    ]);
    expect(answers.map((a) => a && [a.tenant.id, a.user.id])).toEqual([
      ['t_1', 'usr_a'],
      ['t_2', 'usr_b'],
      ['t_1', 'usr_a'],
      undefined,
    ]);
  });

  it('keeps the same user id in two tenants apart', async () => {
    const identity = fakeIdentity();
    const batcher = new MeBatcher(identity);

    const [one, two] = await Promise.all([
      batcher.get({ tenantId: 't_1', userId: 'usr_same' }),
      batcher.get({ tenantId: 't_2', userId: 'usr_same' }),
    ]);

    expect(identity.calls[0]).toHaveLength(2);
    expect([one?.tenant.id, two?.tenant.id]).toEqual(['t_1', 't_2']);
  });

  it('sends a full batch at once and the rest of the turn at its end', async () => {
    const identity = fakeIdentity();
    const batcher = new MeBatcher(identity, 2);

    const answers = ['a', 'b', 'c', 'd', 'e'].map((id) => batcher.get({ tenantId: 't_1', userId: `usr_${id}` }));
    // Two full batches went out while the turn was still running; the fifth lookup waits for its end.
    expect(identity.calls.map((c) => c.length)).toEqual([2, 2]);
    await Promise.all(answers);

    expect(identity.calls.map((c) => c.length)).toEqual([2, 2, 1]);
  });

  it('starts a new batch in the next turn', async () => {
    const identity = fakeIdentity();
    const batcher = new MeBatcher(identity);

    await batcher.get({ tenantId: 't_1', userId: 'usr_a' });
    await batcher.get({ tenantId: 't_1', userId: 'usr_b' });

    expect(identity.calls).toHaveLength(2);
  });

  it('fails every waiter of a batch whose call failed, and recovers on the next', async () => {
    const identity = fakeIdentity();
    const batcher = new MeBatcher(identity);
    identity.failNext(new Error('accounts unavailable'));

    const failed = await Promise.allSettled([
      batcher.get({ tenantId: 't_1', userId: 'usr_a' }),
      batcher.get({ tenantId: 't_1', userId: 'usr_b' }),
    ]);

    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await batcher.get({ tenantId: 't_1', userId: 'usr_a' }))?.user.id).toBe('usr_a');
  });
});
