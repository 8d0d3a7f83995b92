// Which roles may call each location route at all. Coarse on purpose, like jobs-policy.ts: the location service
// decides per worker (a co-worker sees and changes only their own positions, track and shift; only dispatch
// changes skills); this table only turns away roles that can never succeed.
import type { Role } from '@fieldline/auth';

const everyone = ['admin', 'dispatcher', 'coworker', 'client', 'guest'] as const;
// The people who carry phones and work shifts (the location service's STAFF_ROLES).
const staff = ['admin', 'dispatcher', 'coworker'] as const;
const dispatch = ['admin', 'dispatcher'] as const;

const table = {
  // A phone's fixes: its worker's role decides (clients and guests carry no tracked phones).
  'location:ingest': staff,
  'workers:nearest': dispatch,
  // Dispatch sees every worker; a co-worker only themself (the service narrows).
  'workers:positions': staff,
  'workers:track': staff,
  'workers:read-shift': staff,
  'workers:update-shift': staff,
  // Everyone gets a live feed; what it carries depends on the role (live/live-visibility.ts).
  'live:subscribe': everyone,
} as const satisfies Record<string, readonly Role[]>;

export type LocationAction = keyof typeof table;
export const LOCATION_ACTIONS = Object.keys(table) as readonly LocationAction[];

export const isLocationAction = (action: string): action is LocationAction => Object.hasOwn(table, action);

/** Whether `role` may perform a location action at all. */
export function mayPerformLocation(role: Role, action: LocationAction): boolean {
  return isLocationAction(action) && (table[action] as readonly Role[]).includes(role);
}

/** The roles that may perform a location action (a copy). */
export function locationActionRoles(action: LocationAction): Role[] {
  return [...table[action]];
}
