import { describe, expect, it } from '@jest/globals';
import type { Job } from './job.js';
import { delayCauses, remainingDelayCauses } from './job-delays.js';

const now = new Date('2025-03-10T12:00:00Z');
const earlier = new Date('2025-03-10T11:00:00Z');
const later = new Date('2025-03-10T13:00:00Z');
const base = { status: 'assigned', delayCauses: [] } as unknown as Job;

describe('delays', () => {
  it('is past due when open after its due date', () => {
    expect(delayCauses({ ...base, dueAt: earlier }, now)).toEqual(['past_due']);
    expect(delayCauses({ ...base, dueAt: later }, now)).toEqual([]);
    expect(delayCauses({ ...base, dueAt: earlier, status: 'done' }, now)).toEqual([]);
  });

  it('is a late start when the window began and nobody arrived', () => {
    const job = { ...base, scheduledStart: earlier, scheduledEnd: later };

    expect(delayCauses(job, now)).toEqual(['late_start']);
    expect(delayCauses({ ...job, arrivedAt: earlier }, now)).toEqual([]);
    expect(delayCauses({ ...job, status: 'in_progress' }, now)).toEqual([]);
  });

  it('drops a recorded cause once it no longer holds', () => {
    const job = { ...base, dueAt: later, delayCauses: ['past_due', 'late_start'] } as Job;

    expect(remainingDelayCauses(job, now)).toEqual([]);
  });
});
