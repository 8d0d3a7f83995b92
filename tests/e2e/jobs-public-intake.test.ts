// Jobs from outside, through the whole platform: the tenant's embeddable form page, a request sent through it
// (a job dispatch sees), the honeypot that creates nothing, the per-IP limit, and the VoIP webhook by API key.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { createJob, errorOf, expectStatus, formKeyOf } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { createCustomer, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let formKey: string;
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform({ gateway: { publicRateLimitPerMinute: 1000 } });
  t = await staffedTenant(platform.api, 'Intake');
  const styled = await api().patch(
    '/v1/settings',
    { formPrimaryColor: '#0a7d33', formLogoUrl: 'https://cdn.intake.test/logo.svg' },
    t.admin.token,
  );
  expectStatus(styled, 200, 'form style');
  formKey = await formKeyOf(api(), t.admin.token);
});
afterAll(() => platform?.stop());

const jobsTitled = async (title: string) =>
  ((await api().get(`/v1/jobs?q=${encodeURIComponent(title)}&limit=100`, t.admin.token)).body.items as Json[]).filter(
    (j) => j.title === title,
  );
const sendRequest = (body: Record<string, string>, key = formKey) =>
  api().post(`/v1/public/requests/${key}`, body, undefined);

describe('the form page', () => {
  it("is served without login in the tenant's colours, with its logo, posting to the request route", async () => {
    const res = await api().get(`/v1/public/forms/${formKey}`);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('background:#0a7d33');
    expect(res.text).toContain('src="https://cdn.intake.test/logo.svg"');
    expect(res.text).toContain(`action="/v1/public/requests/${formKey}"`);
    expect(res.text).toContain('<option value="Maintenance">');
    expect(res.headers.get('content-security-policy')).toContain('img-src https://cdn.intake.test');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('gives its configuration as JSON', async () => {
    const res = await api().get(`/v1/public/forms/${formKey}?format=json`);

    expect(res.body).toMatchObject({
      formKey,
      primaryColor: '#0a7d33',
      logoUrl: 'https://cdn.intake.test/logo.svg',
      categories: expect.arrayContaining(['Maintenance']),
    });
  });

  it('answers an unknown form key with 404', async () => {
    expect((await api().get('/v1/public/forms/no-such-form-key-0000')).status).toBe(404);
  });
});

describe('requests through the form', () => {
  it('creates a job from the form that dispatch sees, linked to the customer by its code', async () => {
    const customer = await createCustomer(api(), t.admin.token, { code: 'FORMCO' });

    const res = await sendRequest({
      name: 'Pat Doe',
      email: 'pat@example.com',
      phone: '',
      title: 'Water heater leaking',
      description: 'In the basement',
      category: 'maintenance',
      address: '12 Elm Street',
      customerCode: 'FORMCO',
      website: '',
    });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'received' });
    const [job] = await jobsTitled('Water heater leaking');
    expect(job).toMatchObject({
      source: 'form',
      customerId: customer.id,
      category: 'Maintenance',
      description: 'In the basement',
      contact: { name: 'Pat Doe', email: 'pat@example.com' },
      site: { address: '12 Elm Street' },
    });
  });

  it('takes a browser form post and answers with a thank-you page', async () => {
    const res = await api().send('POST', `/v1/public/requests/${formKey}`, {
      body: new URLSearchParams({
        name: 'Lee',
        email: 'lee@example.com',
        title: 'Door lock jammed',
        website: '',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });

    expect(res.status).toBe(202);
    expect(res.text).toContain('Thank you');
    expect(await jobsTitled('Door lock jammed')).toHaveLength(1);
  });

  it('answers a filled honeypot exactly as a real request and creates nothing', async () => {
    const real = await sendRequest({ name: 'Real', email: 'r@example.com', title: 'Honest request' });

    const spam = await sendRequest({ name: 'Bot', email: 'b@example.com', title: 'Cheap pills', website: 'http://x' });

    expect(spam.status).toBe(real.status);
    expect(spam.text).toBe(real.text);
    expect(await jobsTitled('Cheap pills')).toEqual([]);
    expect(await jobsTitled('Honest request')).toHaveLength(1);
  });

  it.each<[string, string, Record<string, string>]>([
    ['no way to answer', 'email', { name: 'A', title: 'T' }],
    ['a bad e-mail', 'email', { name: 'A', email: 'nope', title: 'T' }],
    ['an unknown category', 'category', { name: 'A', email: 'a@b.co', title: 'T', category: 'Astrology' }],
    ['no title', 'title', { name: 'A', email: 'a@b.co' }],
  ])('refuses %s, naming %s', async (_, field, body) => {
    expect(errorOf(await sendRequest(body))).toMatchObject({ status: 400, field });
  });

  it('limits each client IP: 429 with Retry-After', async () => {
    const limited = await startPlatform({ gateway: { publicRateLimitPerMinute: 2 } });
    try {
      const send = () => limited.api.post(`/v1/public/requests/${formKey}`, { name: 'A', title: 'T', website: 'x' });
      await send();
      await send();

      const res = await send();

      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });
});

describe('the VoIP webhook', () => {
  let apiKey: string;

  beforeAll(async () => {
    const res = await api().post('/v1/api-keys', { name: 'VoIP bridge' }, t.admin.token);
    expectStatus(res, 201, 'api key');
    apiKey = res.body.key;
  });

  const report = (body: Record<string, string>, credential: string) =>
    api().send('POST', '/v1/integrations/voip/calls', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-api-key': credential },
    });

  it("creates a job for the caller's customer, and the same call again is the same job", async () => {
    const customer = await createCustomer(api(), t.admin.token, { code: 'CALLER', phone: '+1 555 0100' });

    const first = await report({ from: '+1 555 0100', to: '+1 555 0199', callId: 'call-42' }, apiKey);
    const again = await report({ from: '+1 555 0100', to: '+1 555 0199', callId: 'call-42' }, apiKey);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ source: 'voip', customerId: customer.id, contact: { phone: '+1 555 0100' } });
    expect(again.body.id).toBe(first.body.id);
  });

  it("refuses a person's token with 403 and a call without a number with 400", async () => {
    const byUser = await api().post('/v1/integrations/voip/calls', { from: '+1 555', callId: 'c' }, t.admin.token);
    const noNumber = await report({ callId: 'c-2' } as Record<string, string>, apiKey);

    expect(errorOf(byUser)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(errorOf(noNumber)).toMatchObject({ status: 400, field: 'from' });
  });

  it('still lets staff create jobs through the API as usual', async () => {
    expect((await createJob(api(), t.users.dispatcher.token)).source).toBe('dashboard');
  });
});
