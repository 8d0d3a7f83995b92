import { describe, expect, it } from '@jest/globals';
import { InvalidTransition } from './errors.js';
import { JOB_STATUSES, type JobStatus } from './job.js';
import { allowedMoves, canMove, checkTransition, isDispatchOnlyMove, nextStatus } from './job-status.js';

// The table as the README states it: every pair not listed here is refused.
const EXPECTED: Record<JobStatus, JobStatus[]> = {
  not_started: ['assigned', 'in_progress', 'cancelled', 'waiting_on_customer'],
  assigned: ['accepted', 'rejected', 'in_progress', 'not_started', 'cancelled'],
  accepted: ['in_progress', 'waiting_on_customer', 'assigned', 'cancelled', 'done'],
  rejected: ['assigned', 'accepted', 'not_started', 'cancelled'],
  in_progress: ['waiting_on_customer', 'done', 'accepted', 'cancelled'],
  waiting_on_customer: ['in_progress', 'done', 'cancelled'],
  done: ['in_progress'],
  cancelled: ['not_started'],
};

const pairs = JOB_STATUSES.flatMap((from) => JOB_STATUSES.map((to) => [from, to] as const));

describe('job status machine', () => {
  it.each(pairs)('%s → %s is allowed exactly when the table says so', (from, to) => {
    const expected = EXPECTED[from].includes(to);

    expect(canMove(from, to)).toBe(expected);
    if (expected) expect(nextStatus(from, to)).toBe(to);
    else expect(() => nextStatus(from, to)).toThrow(InvalidTransition);
  });

  it('names both states when it refuses', () => {
    const err = (() => {
      try {
        nextStatus('cancelled', 'done');
      } catch (e) {
        return e as InvalidTransition;
      }
    })();

    expect(err).toMatchObject({ code: 'JOB_INVALID_TRANSITION', kind: 'failed_precondition' });
    expect(err?.message).toBe('a job cannot go from cancelled to done');
  });

  it('never lets a status move to itself', () => {
    for (const s of JOB_STATUSES) expect(allowedMoves(s)).not.toContain(s);
  });

  it.each([
    ['done', 'in_progress'],
    ['cancelled', 'not_started'],
    ['in_progress', 'cancelled'],
    ['assigned', 'not_started'],
    ['rejected', 'assigned'],
  ] as const)('lets only dispatch make %s → %s', (from, to) => {
    expect(isDispatchOnlyMove(from, to)).toBe(true);
    expect(checkTransition(from, to, true)).toBe(to);
    expect(() => checkTransition(from, to, false)).toThrow(/only admins and dispatchers/);
  });

  it.each([
    ['accepted', 'in_progress'],
    ['in_progress', 'waiting_on_customer'],
    ['waiting_on_customer', 'done'],
    ['in_progress', 'done'],
  ] as const)('lets a worker make the work move %s → %s', (from, to) => {
    expect(checkTransition(from, to, false)).toBe(to);
  });

  it('refuses an illegal move before asking who makes it', () => {
    expect(() => checkTransition('done', 'cancelled', false)).toThrow(InvalidTransition);
  });
});
