import { describe, expect, it } from '@jest/globals';
import { pickCustomerCoworker, pickNearest } from './auto-assign.js';

const c = (id: string, openJobs: number, over: Partial<{ eligible: boolean; busy: boolean }> = {}) => ({
  id,
  name: id.toUpperCase(),
  openJobs,
  eligible: true,
  busy: false,
  ...over,
});

describe('auto-assign', () => {
  it("picks the customer's free coworker with the fewest open jobs", () => {
    const pick = pickCustomerCoworker([
      c('a', 3),
      c('b', 1),
      c('c', 0, { busy: true }),
      c('d', 0, { eligible: false }),
    ]);

    expect(pick).toMatchObject({ workerId: 'b', rule: 'customer_coworker' });
    expect(pick?.reason).toMatch(/B is assigned to this customer.*1 open job/);
  });

  it('breaks ties by id, so the choice is stable', () => {
    expect(pickCustomerCoworker([c('z', 1), c('m', 1)])?.workerId).toBe('m');
  });

  it('finds nobody when all are busy or inactive', () => {
    expect(pickCustomerCoworker([c('a', 0, { busy: true }), c('b', 0, { eligible: false })])).toBeUndefined();
  });

  it('picks the nearest available eligible worker with the distance', () => {
    const pick = pickNearest([
      { id: 'far', name: 'Far', distanceM: 900, eligible: true, busy: false },
      { id: 'near', name: 'Near', distanceM: 100, eligible: true, busy: true },
      { id: 'mid', name: 'Mid', distanceM: 400, eligible: true, busy: false },
    ]);

    expect(pick).toMatchObject({ workerId: 'mid', rule: 'nearest_available', distanceM: 400 });
  });
});
