// Who may see or change what in the location service: dispatch sees everyone, a co-worker only themself.
import { type Caller, PermissionDenied } from '@fieldline/platform';

const DISPATCH: ReadonlySet<string> = new Set(['admin', 'dispatcher']);

export function isDispatch(caller: Pick<Caller, 'role'>): boolean {
  return DISPATCH.has(caller.role);
}

/** Nearest-worker search is a dispatching tool. */
export function assertMayFindNearest(caller: Caller): void {
  if (!isDispatch(caller)) {
    throw new PermissionDenied('only admins and dispatchers search for the nearest workers', 'NEAREST_FORBIDDEN');
  }
}

/** Whose positions the caller sees: everyone's (dispatch), only their own (a co-worker), or none. */
export function positionsScope(caller: Caller): 'all' | 'self' {
  if (isDispatch(caller)) return 'all';
  if (caller.role === 'coworker') return 'self';
  throw new PermissionDenied('clients and guests do not see worker positions', 'POSITIONS_FORBIDDEN');
}

/** A worker's track: dispatch for anyone of the tenant, a co-worker only their own. */
export function assertMayReadTrack(caller: Caller, workerId: string): void {
  if (isDispatch(caller) || (caller.role === 'coworker' && caller.userId === workerId)) return;
  throw new PermissionDenied('a co-worker sees only their own track', 'TRACK_FORBIDDEN');
}

export function assertMayReadShift(caller: Caller, workerId: string): void {
  if (isDispatch(caller) || (caller.role === 'coworker' && caller.userId === workerId)) return;
  throw new PermissionDenied('a co-worker sees only their own shift', 'SHIFT_FORBIDDEN');
}

/**
 * Dispatch sets anyone's shift and skills; a co-worker may go on or off shift themself but not change their
 * skills (`skillsChange` is whether the request would change them).
 */
export function assertMaySetShift(caller: Caller, workerId: string, skillsChange: boolean): void {
  if (isDispatch(caller)) return;
  if (caller.role === 'coworker' && caller.userId === workerId) {
    if (skillsChange) throw new PermissionDenied('only admins and dispatchers change skills', 'SKILLS_FORBIDDEN');
    return;
  }
  throw new PermissionDenied('a co-worker sets only their own shift', 'SHIFT_FORBIDDEN');
}
