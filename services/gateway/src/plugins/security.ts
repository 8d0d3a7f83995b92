// CORS from configuration and helmet's security headers, with a CSP that still lets /docs (swagger-ui) run.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export type SecurityOptions = { corsOrigins: string[] };

export const security = fp(
  async (app: FastifyInstance, opts: SecurityOptions) => {
    await app.register(cors, {
      // No origins configured means no CORS headers at all: browsers on other sites are refused.
      origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
      maxAge: 600,
    });
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // swagger-ui's bundle and stylesheet are served from /docs/static; it renders images as data: URLs.
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      // The API is called from other origins (CORS above); helmet's same-origin default would block reading it.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
  },
  { name: 'fieldline-security' },
);
