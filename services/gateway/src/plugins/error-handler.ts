// Every failure, ours or a downstream's, leaves as the API's error shape; unknown routes are 404 JSON too.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { toHttpFailure } from '../http/http-error.js';

export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (err, request, reply) => {
      const failure = toHttpFailure(err);
      if (!failure.expected) request.log.error({ err }, 'request failed');
      else if (failure.status >= 500) request.log.warn({ err, code: failure.body.error.code }, 'downstream failure');
      else request.log.info({ code: failure.body.error.code, status: failure.status }, 'request refused');
      if (failure.status === 401) reply.header('www-authenticate', 'Bearer');
      // @fastify/rate-limit sets its own; a downstream resource_exhausted gets a conservative minute.
      if (failure.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
      return reply.code(failure.status).type('application/json; charset=utf-8').send(failure.body);
    });

    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).send({
        error: {
          code: 'ROUTE_NOT_FOUND',
          message: `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`,
        },
      }),
    );
  },
  { name: 'fieldline-error-handler' },
);
