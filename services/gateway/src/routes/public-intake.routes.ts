// Jobs from outside: the tenant's public request form (no login, rate limited per IP, honeypot) as an
// embeddable page, its JSON configuration and the post it sends; and the VoIP call webhook (API key).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toHttpFailure, ValidationFailed } from '../http/http-error.js';
import { SECURED } from '../plugins/openapi.js';
import { perMinute } from '../plugins/rate-limits.js';
import { errorResponses } from '../views/common.js';
import { toJobView } from '../views/job.view.js';
import { formPage, messagePage, type Page } from '../views/public-form.page.js';
import { toPublicFormView } from '../views/public-form.view.js';
import { as, type RouteDeps } from './route-deps.js';

const FormParams = Type.Object(
  { formKey: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
const FormQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('json')], { default: 'html' })) },
  { additionalProperties: false },
);
// An HTML form sends every input, empty or not: optional fields accept "".
const RequestBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'an e-mail or a phone is needed' })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    category: Type.Optional(Type.String({ maxLength: 60, description: "one of the tenant's categories" })),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    customerCode: Type.Optional(Type.String({ maxLength: 40, description: 'links the job to that customer' })),
    website: Type.Optional(Type.String({ maxLength: 2000, description: 'leave empty (spam trap)' })),
  },
  { additionalProperties: false },
);
const Received = Type.Object(
  { status: Type.Literal('received') },
  { description: 'the same answer whether or not a job was made (spam gets no hint)' },
);
const CallBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 40, description: "the caller's number; finds their customer" }),
    to: Type.Optional(Type.String({ maxLength: 40 })),
    callId: Type.String({ minLength: 1, maxLength: 200, description: 'the same call reported twice is one job' }),
  },
  { additionalProperties: false },
);

const FORM_MEDIA = 'application/x-www-form-urlencoded';

function sendPage(reply: FastifyReply, status: number, page: Page): FastifyReply {
  // helmet's defaults forbid framing; this page is made to be framed, under its own CSP.
  reply.removeHeader('x-frame-options');
  return reply
    .code(status)
    .header('content-security-policy', page.csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/** A browser posting the form wants a page back; scripts posting JSON want JSON. */
const wantsPage = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').startsWith(FORM_MEDIA) &&
  (request.headers.accept ?? '').includes('text/html');

/** application/x-www-form-urlencoded → a plain object of strings; a repeated field is refused, naming it. */
function parseForm(body: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(form, key)) throw new ValidationFailed(`${key} is given twice`, key);
    // defineProperty: a field named __proto__ stays a field (and is refused as unknown), never a prototype.
    Object.defineProperty(form, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return form;
}

export async function publicIntakeRoutes(app: FastifyInstance, { jobs, config }: RouteDeps) {
  const limited = { public: true, ...perMinute(config.publicRateLimitPerMinute) };

  app.get<{ Params: Static<typeof FormParams>; Querystring: Static<typeof FormQuery> }>(
    '/v1/public/forms/:formKey',
    {
      config: limited,
      schema: {
        tags: ['public'],
        summary: "The tenant's embeddable request form (HTML), or its configuration with ?format=json",
        description: 'No login. Embed it with `<iframe src=".../v1/public/forms/{formKey}">`.',
        params: FormParams,
        querystring: FormQuery,
        response: {
          200: {
            description: 'the form page, or its configuration',
            content: { 'text/html': { schema: Type.String() }, 'application/json': { schema: Type.Ref('PublicForm') } },
          },
          ...errorResponses(400, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const { formKey } = request.params;
      const form = toPublicFormView(await jobs.intake.getPublicForm({ formKey }));
      if (request.query.format === 'json') return form;
      return sendPage(reply, 200, formPage(form, `/v1/public/requests/${encodeURIComponent(formKey)}`));
    },
  );

  // Its own context: only this route also reads HTML form posts.
  await app.register(async (forms) => {
    forms.addContentTypeParser(FORM_MEDIA, { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });

    forms.post<{ Params: Static<typeof FormParams>; Body: Static<typeof RequestBody> }>(
      '/v1/public/requests/:formKey',
      {
        config: limited,
        // A browser's post gets its refusal as a page, so the problem is validated in the handler's hands.
        attachValidation: true,
        schema: {
          tags: ['public'],
          summary: "Send a request through the tenant's public form (JSON or an HTML form post)",
          description:
            'No login; rate limited per client IP. Answers 202 `{"status":"received"}` (an HTML page to a browser). ' +
            'The field `website` is a spam trap: when it is filled the answer is the same and nothing is created.',
          consumes: ['application/json', FORM_MEDIA],
          params: FormParams,
          body: RequestBody,
          response: {
            202: {
              description: 'received (an HTML page when a browser posted the form)',
              content: { 'application/json': { schema: Received }, 'text/html': { schema: Type.String() } },
            },
            ...errorResponses(400, 404, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        const page = wantsPage(request);
        const back = `/v1/public/forms/${encodeURIComponent(request.params.formKey ?? '')}`;
        try {
          if (request.validationError) throw request.validationError;
          const { website, ...fields } = request.body;
          // Filled by a bot: the same answer as a real request, and nothing sent on.
          if (website?.trim()) {
            request.log.info({ formKey: request.params.formKey }, 'public request dropped by the honeypot');
          } else {
            await jobs.intake.submitPublicRequest({
              formKey: request.params.formKey,
              name: fields.name,
              email: fields.email ?? '',
              phone: fields.phone ?? '',
              title: fields.title,
              description: fields.description ?? '',
              category: fields.category ?? '',
              address: fields.address ?? '',
              customerCode: fields.customerCode ?? '',
            });
          }
        } catch (err) {
          if (!page) throw err;
          const failure = toHttpFailure(err);
          if (!failure.expected || failure.status >= 500) throw err;
          return sendPage(
            reply,
            failure.status,
            messagePage('Your request was not sent', failure.body.error.message, back),
          );
        }
        if (page) {
          return sendPage(
            reply,
            202,
            messagePage('Thank you', 'Your request has been received. We will get back to you soon.'),
          );
        }
        reply.code(202);
        return { status: 'received' as const };
      },
    );
  });

  app.post<{ Body: Static<typeof CallBody> }>(
    '/v1/integrations/voip/calls',
    {
      // A phone system reports calls with an integration's API key; a person's token has no business here.
      config: { action: 'integrations:voip', principals: ['api_key'] },
      schema: {
        tags: ['public'],
        summary: "A phone call: creates a job for the caller's customer (API key only)",
        description: 'The same callId reported again answers with the same job.',
        security: SECURED,
        body: CallBody,
        response: { 201: Type.Ref('Job'), ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const { from, to, callId } = request.body;
      const job = await jobs.intake.createJobFromCall({ from, to: to ?? '', callId }, as(request));
      reply.code(201);
      return toJobView(job);
    },
  );
}
