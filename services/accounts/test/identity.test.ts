// Signup, login, me, refresh-token rotation and reuse detection, logout, and what deactivation does to sessions.

import { verifyAccessToken } from '@fieldline/auth';
import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, JWT_SECRET, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('identity');
});
afterAll(async () => {
  await h?.stop();
});

describe('signup', () => {
  it('creates a tenant with a slug, its first admin and a working token pair', async () => {
    const res = await h.api.identity.signup({
      companyName: 'Müller & Söhne GmbH',
      name: 'Marta Müller',
      email: 'Marta@Example.com',
      password: 'correct horse',
    });

    expect(res.tenant).toMatchObject({ slug: 'muller-sohne-gmbh', name: 'Müller & Söhne GmbH' });
    expect(res.user).toMatchObject({ role: 'admin', email: 'marta@example.com', active: true, version: 1 });
    const claims = verifyAccessToken(res.tokens!.accessToken, { secret: JWT_SECRET });
    expect(claims).toMatchObject({ sub: res.user!.id, tid: res.tenant!.id, role: 'admin' });
    expect(res.tokens!.refreshToken).toMatch(/^flr_/);
  });

  it('suffixes the slug when the company name is taken', async () => {
    const a = await signup(h.api, 'Acme Plumbing');
    const b = await signup(h.api, 'Acme Plumbing');

    expect(a.tenant!.slug).toBe('acme-plumbing');
    expect(b.tenant!.slug).toBe('acme-plumbing-2');
  });

  it('publishes tenant_created, user_created and settings_updated', async () => {
    const { tenant, user } = await signup(h.api, 'Evented Ltd');

    const created = await h.events.nextEvent(
      'tenant_created',
      accountsEvents.TenantCreated,
      (p) => p.tenant?.id === tenant!.id,
    );
    const userCreated = await h.events.nextEvent(
      'user_created',
      accountsEvents.UserChanged,
      (p) => p.user?.id === user!.id,
    );
    const settings = await h.events.nextEvent(
      'settings_updated',
      accountsEvents.SettingsChanged,
      (p) => p.settings?.tenantId === tenant!.id,
    );

    expect(created.envelope).toMatchObject({ tenantId: tenant!.id, producer: 'accounts' });
    expect(userCreated.payload.user).toMatchObject({ role: 'admin' });
    expect(settings.payload.settings).toMatchObject({ currency: 'USD', invitationTtlHours: 72 });
  });
});

describe('login', () => {
  it('logs in by tenant slug and e-mail in any case, and GetMe returns the user and the tenant', async () => {
    const { tenant, email, password } = await signup(h.api, 'Login Co');

    const res = await h.api.identity.login({ tenantSlug: tenant!.slug, email: email.toUpperCase(), password });
    const me = await h.api.identity.getMe({}, { caller: callerOf(res.user!) });

    expect(res.user!.email).toBe(email);
    expect(me.user!.id).toBe(res.user!.id);
    expect(me.tenant).toMatchObject({ id: tenant!.id, slug: tenant!.slug });
  });

  it('answers a wrong password, an unknown e-mail and an unknown tenant the same way', async () => {
    const { tenant, email } = await signup(h.api, 'Same Answer Co');

    const wrongPassword = await failure(
      h.api.identity.login({ tenantSlug: tenant!.slug, email, password: 'wrong horse' }),
    );
    const unknownEmail = await failure(
      h.api.identity.login({ tenantSlug: tenant!.slug, email: 'nobody@example.com', password: 'correct horse' }),
    );
    const unknownTenant = await failure(
      h.api.identity.login({ tenantSlug: 'no-such-tenant', email, password: 'correct horse' }),
    );

    expect(wrongPassword).toMatchObject({ kind: 'unauthenticated', code: 'INVALID_CREDENTIALS' });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(unknownTenant).toEqual(wrongPassword);
  });

  it('refuses a deactivated user with USER_DEACTIVATED, once the password is right', async () => {
    const { tenant, admin } = await signup(h.api, 'Deactivated Login Co');
    const user = await h.api.users.createUser(
      req.createUser({ name: 'Dora', role: 'dispatcher', email: 'dora@example.com', password: 'dora password' }),
      { caller: admin },
    );
    await h.api.users.deactivateUser({ id: user.id }, { caller: admin });

    const right = await failure(
      h.api.identity.login({ tenantSlug: tenant!.slug, email: 'dora@example.com', password: 'dora password' }),
    );
    const wrong = await failure(
      h.api.identity.login({ tenantSlug: tenant!.slug, email: 'dora@example.com', password: 'nope nope' }),
    );

    expect(right).toMatchObject({ kind: 'unauthenticated', code: 'USER_DEACTIVATED' });
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh gives a new pair and the old refresh token stops working', async () => {
    const { tokens } = await signup(h.api);

    const first = await h.api.identity.refresh({ refreshToken: tokens!.refreshToken });
    const second = await h.api.identity.refresh({ refreshToken: first.tokens!.refreshToken });

    expect(first.tokens!.refreshToken).not.toBe(tokens!.refreshToken);
    expect(second.tokens!.refreshToken).not.toBe(first.tokens!.refreshToken);
    expect(second.user!.role).toBe('admin');
  });

  it('revoke the whole family when a used token is presented again', async () => {
    const { tokens } = await signup(h.api);
    const rotated = await h.api.identity.refresh({ refreshToken: tokens!.refreshToken });

    const reuse = await failure(h.api.identity.refresh({ refreshToken: tokens!.refreshToken }));
    const afterReuse = await failure(h.api.identity.refresh({ refreshToken: rotated.tokens!.refreshToken }));

    expect(reuse).toMatchObject({ kind: 'unauthenticated', code: 'REFRESH_TOKEN_REUSED' });
    expect(afterReuse.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('let only one of two concurrent refreshes with the same token win, and treat the other as reuse', async () => {
    const { tokens } = await signup(h.api);

    const results = await Promise.allSettled([
      h.api.identity.refresh({ refreshToken: tokens!.refreshToken }),
      h.api.identity.refresh({ refreshToken: tokens!.refreshToken }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(await failure(Promise.reject(lost[0].reason))).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    // The reuse revoked the family, the winner's new token included.
    const winner = (won[0] as PromiseFulfilledResult<{ tokens?: { refreshToken: string } }>).value;
    expect((await failure(h.api.identity.refresh({ refreshToken: winner.tokens!.refreshToken }))).code).toBe(
      'REFRESH_TOKEN_REUSED',
    );
  });

  it('leave other sessions of the same user alone when one family is revoked', async () => {
    const { tenant, email, password, tokens } = await signup(h.api);
    const other = await h.api.identity.login({ tenantSlug: tenant!.slug, email, password });
    await h.api.identity.refresh({ refreshToken: tokens!.refreshToken });
    await failure(h.api.identity.refresh({ refreshToken: tokens!.refreshToken }));

    const res = await h.api.identity.refresh({ refreshToken: other.tokens!.refreshToken });

    expect(res.tokens!.refreshToken).toMatch(/^flr_/);
  });

  it('expire after their lifetime', async () => {
    const { tokens } = await signup(h.api);
    h.clock.advance(31 * 24 * 3600 * 1000);

    const res = await failure(h.api.identity.refresh({ refreshToken: tokens!.refreshToken }));

    expect(res).toMatchObject({ kind: 'unauthenticated', code: 'REFRESH_TOKEN_EXPIRED' });
  });

  it('are refused when unknown', async () => {
    const res = await failure(h.api.identity.refresh({ refreshToken: 'flr_made-up' }));

    expect(res).toMatchObject({ kind: 'unauthenticated', code: 'INVALID_REFRESH_TOKEN' });
  });

  it('end with logout: the family is revoked', async () => {
    const { tokens } = await signup(h.api);
    const rotated = await h.api.identity.refresh({ refreshToken: tokens!.refreshToken });

    await h.api.identity.logout({ refreshToken: rotated.tokens!.refreshToken });

    expect((await failure(h.api.identity.refresh({ refreshToken: rotated.tokens!.refreshToken }))).kind).toBe(
      'unauthenticated',
    );
  });
});

describe('deactivation', () => {
  it('cuts access at once, revokes refresh tokens, and activation restores access', async () => {
    const { tenant, admin } = await signup(h.api);
    const worker = await h.api.users.createUser(
      req.createUser({ name: 'Wes', role: 'dispatcher', email: 'wes@example.com', password: 'wes password' }),
      { caller: admin },
    );
    const session = await h.api.identity.login({
      tenantSlug: tenant!.slug,
      email: 'wes@example.com',
      password: 'wes password',
    });
    const wes = callerOf(worker);
    await h.api.identity.getMe({}, { caller: wes });

    await h.api.users.deactivateUser({ id: worker.id }, { caller: admin });

    expect(await failure(h.api.identity.getMe({}, { caller: wes }))).toMatchObject({ kind: 'unauthenticated' });
    expect(await failure(h.api.users.listUsers(req.listUsers(), { caller: wes }))).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(await failure(h.api.identity.refresh({ refreshToken: session.tokens!.refreshToken }))).toMatchObject({
      kind: 'unauthenticated',
    });

    const activated = await h.api.users.activateUser({ id: worker.id }, { caller: admin });

    expect(activated.active).toBe(true);
    expect((await h.api.identity.getMe({}, { caller: wes })).user!.id).toBe(worker.id);
    const again = await h.api.identity.login({
      tenantSlug: tenant!.slug,
      email: 'wes@example.com',
      password: 'wes password',
    });
    expect(again.tokens!.refreshToken).toMatch(/^flr_/);
  });

  it('uses the role in the database, not the one a caller claims', async () => {
    const { admin } = await signup(h.api);
    const dispatcher = await h.api.users.createUser(req.createUser({ name: 'Dee', role: 'dispatcher' }), {
      caller: admin,
    });

    const res = await failure(
      h.api.users.createUser(req.createUser({ name: 'Eve', role: 'admin' }), {
        caller: { ...callerOf(dispatcher), role: 'admin' },
      }),
    );

    expect(res.kind).toBe('permission_denied');
  });
});

describe('BatchGetMe', () => {
  it('answers every lookup in order: the same user twice, a deactivated user and another tenant’s id as empty', async () => {
    const a = await signup(h.api, 'Batch A');
    const b = await signup(h.api, 'Batch B');
    const gone = await h.api.users.createUser(
      req.createUser({ name: 'Gone', role: 'dispatcher', email: 'gone@example.com', password: 'gone password' }),
      { caller: a.admin },
    );
    await h.api.users.deactivateUser({ id: gone.id }, { caller: a.admin });

    const res = await h.api.identity.batchGetMe({
      lookups: [
        { tenantId: a.tenant!.id, userId: a.user!.id },
        { tenantId: b.tenant!.id, userId: b.user!.id },
        { tenantId: a.tenant!.id, userId: a.user!.id },
        { tenantId: a.tenant!.id, userId: gone.id },
        // b's admin asked for under a's tenant: must not be found.
        { tenantId: a.tenant!.id, userId: b.user!.id },
        { tenantId: a.tenant!.id, userId: 'usr_unknown' },
      ],
    });

    expect(res.results.map((r) => [r.user?.id, r.tenant?.id])).toEqual([
      [a.user!.id, a.tenant!.id],
      [b.user!.id, b.tenant!.id],
      [a.user!.id, a.tenant!.id],
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(res.results[1]!.tenant).toMatchObject({ slug: b.tenant!.slug, name: 'Batch B' });
  });

  it('answers an empty list with an empty list', async () => {
    expect((await h.api.identity.batchGetMe({ lookups: [] })).results).toEqual([]);
  });

  it('refuses an empty id or too many lookups, naming the field', async () => {
    const { tenant, user } = await signup(h.api, 'Batch Bad');
    expect(
      await failure(
        h.api.identity.batchGetMe({
          lookups: [
            { tenantId: tenant!.id, userId: user!.id },
            { tenantId: tenant!.id, userId: '' },
          ],
        }),
      ),
    ).toMatchObject({ kind: 'invalid_argument', field: 'lookups[1].user_id' });
    expect(await failure(h.api.identity.batchGetMe({ lookups: [{ tenantId: '', userId: user!.id }] }))).toMatchObject({
      kind: 'invalid_argument',
      field: 'lookups[0].tenant_id',
    });
    const many = Array.from({ length: 501 }, () => ({ tenantId: tenant!.id, userId: user!.id }));
    expect(await failure(h.api.identity.batchGetMe({ lookups: many }))).toMatchObject({
      kind: 'invalid_argument',
      field: 'lookups',
    });
  });
});
