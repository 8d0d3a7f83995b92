// Per-IP, per-route request limits for the routes that guess or mint credentials (login, signup, refresh, accept).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../http/http-error.js';

export const rateLimits = fp(
  async (app: FastifyInstance) => {
    await app.register(rateLimit, {
      // Only routes that opt in (config.rateLimit) are limited; each gets its own counters, keyed by client IP.
      global: false,
      errorResponseBuilder: (_request, context) =>
        new HttpError(context.statusCode, 'RATE_LIMITED', `too many requests: retry in ${context.after}`),
    });
  },
  { name: 'fieldline-rate-limits' },
);

/** Route config for a limited route: `max` requests per minute per client IP. */
export const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
