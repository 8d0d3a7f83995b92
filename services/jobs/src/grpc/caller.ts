// Re-establishes who calls on every call: the caller from metadata, checked still active in the directory.
import type { CallContext } from '@fieldline/platform';
import type { Actor } from '../domain/actor.js';
import type { JobsDeps } from './deps.js';

/** The caller as an Actor (today's role, still active), else UNAUTHENTICATED. */
export function actorOf(deps: Pick<JobsDeps, 'directory'>, ctx: CallContext): Promise<Actor> {
  return deps.directory.authenticate(ctx.caller());
}
