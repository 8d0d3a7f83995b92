// Bodies are JSON or nothing: other media types are 415, and an empty JSON body on a body-less action is fine.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const jsonBody = fp(
  async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      // Many HTTP clients send `Content-Type: application/json` on a POST without a body (e.g. …/revoke);
      // routes that need a body still refuse the missing one through their schema.
      if (body === '') return done(null, undefined);
      parseJson(request, body as string, done);
    });
  },
  { name: 'fieldline-json-body' },
);
