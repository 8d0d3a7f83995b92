// Auto-assign rules, in order: (1) the customer's assigned coworkers who are active and free in the window,
// the least loaded first; (2) the nearest available eligible worker (when a location service exists).
// Pure: the command gathers candidates, load and distances; this picks and says why.

export type AutoAssignRule = 'customer_coworker' | 'nearest_available';

export interface AutoAssignChoice {
  workerId: string;
  rule: AutoAssignRule;
  reason: string;
  distanceM?: number;
}

export interface CoworkerCandidate {
  id: string;
  name: string;
  /** Active coworker of the tenant. */
  eligible: boolean;
  /** Has an overlapping open job in the window. */
  busy: boolean;
  openJobs: number;
}

export function pickCustomerCoworker(candidates: readonly CoworkerCandidate[]): AutoAssignChoice | undefined {
  const free = candidates
    .filter((c) => c.eligible && !c.busy)
    .sort((a, b) => a.openJobs - b.openJobs || a.id.localeCompare(b.id));
  const best = free[0];
  if (!best) return undefined;
  const ties = free.filter((c) => c.openJobs === best.openJobs).length;
  return {
    workerId: best.id,
    rule: 'customer_coworker',
    reason:
      `${best.name} is assigned to this customer, free in the window and has ${best.openJobs} open job(s)` +
      (free.length > 1 ? ` (fewest of ${free.length} free coworkers${ties > 1 ? '; ties broken by id' : ''})` : ''),
  };
}

export interface NearbyCandidate {
  id: string;
  name: string;
  distanceM: number;
  eligible: boolean;
  busy: boolean;
}

export function pickNearest(candidates: readonly NearbyCandidate[]): AutoAssignChoice | undefined {
  const best = [...candidates]
    .filter((c) => c.eligible && !c.busy)
    .sort((a, b) => a.distanceM - b.distanceM || a.id.localeCompare(b.id))[0];
  if (!best) return undefined;
  return {
    workerId: best.id,
    rule: 'nearest_available',
    reason: `${best.name} is the nearest available worker, ${Math.round(best.distanceM)} m from the site`,
    distanceM: best.distanceM,
  };
}
