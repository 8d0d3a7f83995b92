// Which roles may call each jobs route at all. Coarse on purpose: the jobs service decides per job (visibility,
// relations, settings); this table only turns away roles that can never succeed. Belongs beside the identity
// actions in libs/auth's policy once that lib takes jobs actions.
import { type Action, can, type Role } from '@fieldline/auth';
import { isLocationAction, type LocationAction, mayPerformLocation } from './location-policy.js';

const everyone = ['admin', 'dispatcher', 'coworker', 'client', 'guest'] as const;
// Staff of the tenant: the people who do or dispatch the work (the jobs service's STAFF_ROLES).
const staff = ['admin', 'dispatcher', 'coworker'] as const;
const dispatch = ['admin', 'dispatcher'] as const;
const adminOnly = ['admin'] as const;

const table = {
  'job-types:list': everyone,
  'job-types:create': adminOnly,
  'job-types:update': adminOnly,
  // Guests only follow jobs they were added to; an admin may block more roles in settings (the service checks).
  'jobs:create': ['admin', 'dispatcher', 'coworker', 'client'],
  'jobs:list': everyone,
  'jobs:read': everyone,
  'jobs:update': staff,
  'jobs:assign': dispatch,
  'jobs:auto-assign': dispatch,
  // An assignee answers; admins and dispatchers can be assignees too, so the service checks who is one.
  'jobs:accept': staff,
  'jobs:reject': staff,
  // Dispatch answers an assignee's proposal; an assignee answers dispatch's counter (the service checks sides).
  'jobs:accept-proposal': staff,
  'jobs:counter-proposal': staff,
  'jobs:transition': staff,
  'jobs:complete': staff,
  'jobs:history': everyone,
  // Anyone on a job may add participants (PRODUCT); the service checks who is on it.
  'jobs:add-participants': everyone,
  'workers:schedule': staff,
  'job-notes:list': everyone,
  'job-notes:create': everyone,
  'job-attachments:list': everyone,
  'job-attachments:create': everyone,
  'attachments:read': everyone,
  'job-time-logs:list': everyone,
  'job-time-logs:create': staff,
  'job-reminders:list': staff,
  'job-reminders:create': staff,
  // An integration's API key reports calls; API keys act as admins or dispatchers.
  'integrations:voip': dispatch,
} as const satisfies Record<string, readonly Role[]>;

export type JobAction = keyof typeof table;
export const JOB_ACTIONS = Object.keys(table) as readonly JobAction[];

/** What a route may declare as `config.action`: an identity action of libs/auth, a jobs or a location action. */
export type RouteAction = Action | JobAction | LocationAction;

const isJobAction = (action: string): action is JobAction => Object.hasOwn(table, action);

/** Whether `role` may perform `action` at all. Unknown actions and roles are refused. */
export function mayPerform(role: Role, action: RouteAction): boolean {
  if (isJobAction(action)) return (table[action] as readonly Role[]).includes(role);
  if (isLocationAction(action)) return mayPerformLocation(role, action);
  return can(role, action);
}

/** The roles that may perform a jobs action (a copy). */
export function jobActionRoles(action: JobAction): Role[] {
  return [...table[action]];
}
