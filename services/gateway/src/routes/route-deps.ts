// What route plugins are given: the downstream clients and the call options that carry the caller.
import type { CallOpts } from '@fieldline/platform';
import type { FastifyRequest } from 'fastify';
import type { CredentialCache } from '../auth/credential-cache.js';
import type { AccountsClients } from '../clients/accounts-clients.js';
import type { JobsClients } from '../clients/jobs-clients.js';
import type { LocationClients } from '../clients/location-clients.js';
import type { MeBatcher } from '../clients/me-batcher.js';
import type { NatsLink } from '../clients/nats-link.js';
import type { GatewayConfig } from '../config.js';
import type { LiveHub } from '../live/live-hub.js';
import { callerOf } from '../plugins/authentication.js';

export type RouteDeps = {
  accounts: AccountsClients;
  /** Users' GET /v1/me lookups, gathered per event-loop turn into one accounts call. */
  meBatcher: MeBatcher;
  jobs: JobsClients;
  location: LocationClients;
  /** The NATS connection of the live feed (opened on first use). */
  nats: NatsLink;
  live: LiveHub;
  cache: CredentialCache;
  config: GatewayConfig;
};

/** gRPC call options for a protected route: the caller travels in metadata so the service can re-check it. */
export const as = (request: FastifyRequest): CallOpts => ({ caller: callerOf(request) });
