// Public intake through the real jobs and accounts services: the tenant's form (styling and categories by
// form key), requests from it becoming jobs, and jobs from VoIP calls (customer by caller id, one job per call).

import type { Caller } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Activity, activityReq, failure, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let other: Tenant;
let voip: Caller;
let otherVoip: Caller;

/** An integration key of the tenant's admin, as the gateway forwards it. */
async function apiKeyCaller(tenant: Tenant): Promise<Caller> {
  const { apiKey } = await h.accounts.apiKeys.createApiKey(
    activityReq.createApiKey({ name: 'PBX', role: 'dispatcher' }),
    {
      caller: tenant.admin,
    },
  );
  return {
    kind: 'api_key',
    tenantId: tenant.tenantId,
    userId: tenant.admin.userId,
    role: 'dispatcher',
    apiKeyId: apiKey!.id,
  };
}

beforeAll(async () => {
  h = await startActivity('intake');
  [t, other] = await Promise.all([h.newTenant('Bright Plumbing'), h.newTenant()]);
  await t.base.settings({ formPrimaryColor: '#ff6600', formLogoUrl: 'https://bright.example/logo.png' });
  [voip, otherVoip] = await Promise.all([apiKeyCaller(t), apiKeyCaller(other)]);
});
afterAll(async () => {
  await h?.stop();
});

const submit = (r: Partial<jobs.SubmitPublicRequestRequest>) =>
  h.jobs.intake.submitPublicRequest(
    jobs.SubmitPublicRequestRequest.fromPartial({
      formKey: t.formKey,
      name: 'Rita Requester',
      email: 'rita@example.com',
      title: 'Leaking tap',
      ...r,
    }),
  );

describe('the public form', () => {
  it('shows the tenant name, colours, logo and categories for its key, without a login', async () => {
    const form = await h.jobs.intake.getPublicForm({ formKey: t.formKey });

    expect(form).toMatchObject({
      formKey: t.formKey,
      tenantName: 'Bright Plumbing',
      primaryColor: '#ff6600',
      logoUrl: 'https://bright.example/logo.png',
    });
    expect(form.categories).toContain('Repair');
  });

  it('answers NOT_FOUND for an unknown key, on the form and on a request', async () => {
    expect(await failure(h.jobs.intake.getPublicForm({ formKey: 'fk_nope' }))).toMatchObject({
      kind: 'not_found',
      code: 'FORM_NOT_FOUND',
    });
    expect(await failure(submit({ formKey: 'fk_nope' }))).toMatchObject({ kind: 'not_found', code: 'FORM_NOT_FOUND' });
    expect(await failure(h.jobs.intake.getPublicForm({ formKey: '' }))).toMatchObject({ field: 'formKey' });
  });
});

describe('public requests', () => {
  it('creates a form job with the contact filled in and no requester', async () => {
    const res = await submit({
      phone: '+49 30 1234567',
      description: 'Kitchen tap drips.\nSince Monday.',
      category: 'repair',
      address: '1 Main Street',
    });

    const job = await h.jobs.jobs.getJob({ id: res.jobId }, { caller: t.admin });

    expect(res.number).toBe(job.number);
    expect(job).toMatchObject({
      tenantId: t.tenantId,
      title: 'Leaking tap',
      description: 'Kitchen tap drips.\nSince Monday.',
      category: 'Repair',
      source: 'form',
      requesterId: '',
      customerId: '',
      contact: { name: 'Rita Requester', email: 'rita@example.com', phone: '+49 30 1234567' },
    });
    expect(job.site?.address).toBe('1 Main Street');
  });

  it('files the request under the customer whose code was given, and ignores an unknown code', async () => {
    const known = await submit({ customerCode: t.customer.code.toLowerCase() });
    const unknown = await submit({ customerCode: 'NO-SUCH' });

    expect((await h.jobs.jobs.getJob({ id: known.jobId }, { caller: t.admin })).customerId).toBe(t.customer.id);
    expect((await h.jobs.jobs.getJob({ id: unknown.jobId }, { caller: t.admin })).customerId).toBe('');
  });

  it.each([
    ['no name', { name: '' }, 'name'],
    ['neither e-mail nor phone', { email: '', phone: '' }, 'email'],
    ['a bad e-mail', { email: 'rita' }, 'email'],
    ['no title', { title: ' ' }, 'title'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
    ['a description over 5000 characters', { description: 'x'.repeat(5001) }, 'description'],
    ['a category the tenant does not have', { category: 'Astrology' }, 'category'],
  ])('refuses %s, naming the field', async (_what, over, field) => {
    expect(await failure(submit(over))).toMatchObject({ kind: 'invalid_argument', field });
  });
});

describe('jobs from phone calls', () => {
  const call = (caller: Caller, r: Partial<jobs.CreateJobFromCallRequest>) =>
    h.jobs.intake.createJobFromCall(jobs.CreateJobFromCallRequest.fromPartial({ to: '+1 555 9999', ...r }), { caller });

  it('creates a voip job for the customer behind the caller id', async () => {
    const job = await call(voip, { from: '+1 (555) 0100', callId: 'call-known' });

    expect(job).toMatchObject({
      source: 'voip',
      title: 'Call from +1 (555) 0100',
      customerId: t.customer.id,
      contact: { phone: '+1 (555) 0100', name: t.customer.name },
    });
  });

  it('creates a job without a customer for an unknown caller', async () => {
    const job = await call(voip, { from: '+44 20 7946 0000', callId: 'call-unknown' });

    expect(job).toMatchObject({ source: 'voip', customerId: '', contact: { phone: '+44 20 7946 0000' } });
  });

  it('answers the same call id with the same job, also when deliveries race', async () => {
    const first = await call(voip, { from: '+1 555 0100', callId: 'call-twice' });
    const again = await call(voip, { from: '+1 555 0100', callId: 'call-twice' });
    const racing = await Promise.all([1, 2, 3, 4].map(() => call(voip, { from: '+1 555 0100', callId: 'call-race' })));

    expect(again.id).toBe(first.id);
    expect(new Set(racing.map((j) => j.id)).size).toBe(1);
  });

  it('keeps call ids per tenant, never answering with another tenant’s job', async () => {
    const ours = await call(voip, { from: '+1 555 0100', callId: 'call-shared' });
    const theirs = await call(otherVoip, { from: '+1 555 0100', callId: 'call-shared' });

    expect(theirs.id).not.toBe(ours.id);
    expect(theirs.tenantId).toBe(other.tenantId);
    expect(theirs.customerId).not.toBe(t.customer.id);
  });

  it('refuses a client and checks the call, naming the field', async () => {
    expect(await failure(call(t.client, { from: '+1 555 0100', callId: 'c' }))).toMatchObject({
      kind: 'permission_denied',
    });
    expect(await failure(call(voip, { from: 'anonymous', callId: 'c' }))).toMatchObject({ field: 'from' });
    expect(await failure(call(voip, { from: '+1 555 0100', callId: '' }))).toMatchObject({ field: 'callId' });
  });
});
