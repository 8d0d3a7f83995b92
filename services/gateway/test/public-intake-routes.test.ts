// The public request form through the gateway: the page (escaped, styled, CSP, embeddable), its JSON, the post
// (JSON or a browser's form), the honeypot that answers like a real request and calls nothing, the per-IP limit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { type FakeJobs, startFakeJobs } from './fake-jobs.js';
import { testGateway } from './gateway-fixture.js';

let fake: FakeJobs;
let app: FastifyInstance;

beforeAll(async () => {
  fake = await startFakeJobs();
  app = await testGateway({ jobsAddr: fake.address, publicRateLimitPerMinute: 1000 });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});
beforeEach(() => fake.reset());

const request = { name: 'Ann', email: 'ann@example.com', title: 'Leaking tap', description: 'Kitchen' };
const post = (body: string, contentType: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/public/requests/key_1',
    payload: body,
    headers: { 'content-type': contentType, ...headers },
  });

describe('GET /v1/public/forms/{formKey}', () => {
  it('serves an accessible form page with every outside value escaped', async () => {
    const res = await app.inject({ url: '/v1/public/forms/key_1' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Acme &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Sons');
    expect(html).toContain('<option value="Repair &#60;b&#62;now&#60;/b&#62;">');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('action="/v1/public/requests/key_1"');
    for (const id of ['name', 'email', 'phone', 'title', 'description', 'category', 'address', 'customerCode']) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/<div class="hp" aria-hidden="true">[\s\S]*name="website" tabindex="-1"/);
    expect(html).toContain('src="https://cdn.example.com/logo.png?a=1&#38;b=%222%22"');
  });

  it("styles the page in the tenant's colour with readable text", async () => {
    const html = (await app.inject({ url: '/v1/public/forms/key_1' })).body;

    expect(html).toContain('background:#ffcc00;color:#000000');
  });

  it('allows only what the page needs and lets any site frame it', async () => {
    const res = await app.inject({ url: '/v1/public/forms/key_1' });

    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain('img-src https://cdn.example.com');
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain('frame-ancestors *');
    expect(csp).not.toContain('script-src');
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  it('drops a logo URL that is not http(s)', async () => {
    const res = await app.inject({ url: '/v1/public/forms/evil' });

    expect(res.body).not.toContain('javascript:');
    expect(res.body).not.toContain('<img');
    expect(res.headers['content-security-policy']).toContain("img-src 'none'");
  });

  it('answers the configuration as JSON with ?format=json', async () => {
    const res = await app.inject({ url: '/v1/public/forms/evil?format=json' });

    expect(res.json()).toEqual({
      formKey: 'evil',
      tenantName: 'Acme <script>alert("x")</script> & Sons',
      primaryColor: '#ffcc00',
      logoUrl: null,
      categories: ['Maintenance', 'Repair <b>now</b>'],
    });
  });

  it('answers an unknown form with 404 and a malformed key with 400', async () => {
    expect((await app.inject({ url: '/v1/public/forms/unknown' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/public/forms/a%3Cb' })).json().error.field).toBe('formKey');
  });
});

describe('POST /v1/public/requests/{formKey}', () => {
  it('passes a JSON request on and answers 202', async () => {
    const res = await post(JSON.stringify(request), 'application/json');

    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'received' });
    expect(fake.callsOf('submitPublicRequest')[0].request).toEqual({
      formKey: 'key_1',
      name: 'Ann',
      email: 'ann@example.com',
      phone: '',
      title: 'Leaking tap',
      description: 'Kitchen',
      category: '',
      address: '',
      customerCode: '',
    });
    expect(fake.callsOf('submitPublicRequest')[0].caller).toBeUndefined();
  });

  it('answers a filled honeypot exactly like a real request, and calls nothing', async () => {
    const real = await post(JSON.stringify(request), 'application/json');
    fake.reset();

    const spam = await post(JSON.stringify({ ...request, website: 'http://spam.example' }), 'application/json');

    expect(spam.statusCode).toBe(real.statusCode);
    expect(spam.body).toBe(real.body);
    expect(fake.calls).toEqual([]);
  });

  it("takes a browser's form post and answers with a page, also for the honeypot", async () => {
    const form = new URLSearchParams({ ...request, phone: '', category: '', website: '' }).toString();

    const res = await post(form, 'application/x-www-form-urlencoded', { accept: 'text/html,*/*' });
    const spam = await post(`${form}&website=x`.replace('website=&', ''), 'application/x-www-form-urlencoded', {
      accept: 'text/html',
    });

    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Thank you');
    expect(spam.statusCode).toBe(202);
    expect(spam.body).toBe(res.body);
    expect(fake.callsOf('submitPublicRequest')).toHaveLength(1);
  });

  it('shows a browser its mistake as a page, naming it, and a script as JSON', async () => {
    const page = await post('name=Ann&title=', 'application/x-www-form-urlencoded', { accept: 'text/html' });
    const json = await post('name=Ann&title=', 'application/x-www-form-urlencoded');

    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('title must not be empty');
    expect(page.body).toContain('href="/v1/public/forms/key_1"');
    expect(json.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'title' });
    expect(fake.calls).toEqual([]);
  });

  it.each<[string, string, string, number, string | undefined]>([
    ['a missing name', JSON.stringify({ title: 't' }), 'application/json', 400, 'name'],
    ['an unknown field', JSON.stringify({ ...request, admin: true }), 'application/json', 400, 'admin'],
    ['a repeated form field', 'name=a&name=b&title=t', 'application/x-www-form-urlencoded', 400, 'name'],
    ['a __proto__ form field', '__proto__=x&name=a&title=t', 'application/x-www-form-urlencoded', 400, '__proto__'],
    ['malformed JSON', '{"name":', 'application/json', 400, undefined],
    ['another media type', 'name=a', 'text/plain', 415, undefined],
  ])('refuses %s with %i and no call', async (_, body, type, status, field) => {
    const res = await post(body, type);

    expect(res.statusCode).toBe(status);
    expect(res.json().error.field).toBe(field);
    expect(fake.calls).toEqual([]);
  });

  it('limits each client IP: 429 with Retry-After', async () => {
    const limited = await testGateway({ jobsAddr: fake.address, publicRateLimitPerMinute: 2 });
    try {
      const send = () =>
        limited.inject({ method: 'POST', url: '/v1/public/requests/key_1', payload: { ...request, website: 'x' } });
      await send();
      await send();

      const res = await send();

      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.json().error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
