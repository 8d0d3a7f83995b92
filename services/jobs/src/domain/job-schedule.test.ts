import { describe, expect, it } from '@jest/globals';
import type { Job } from './job.js';
import { conflictsOf, describeConflicts, overlaps } from './job-schedule.js';

const t = (h: number) => new Date(Date.UTC(2025, 2, 10, h));

describe('schedules', () => {
  it('treats windows as half-open', () => {
    expect(overlaps({ start: t(8), end: t(10) }, { start: t(10), end: t(12) })).toBe(false);
    expect(overlaps({ start: t(8), end: t(11) }, { start: t(10), end: t(12) })).toBe(true);
    expect(overlaps({ start: t(9), end: t(10) }, { start: t(8), end: t(12) })).toBe(true);
  });

  it('names the conflicting job', () => {
    const other = {
      id: 'job_2',
      number: 'ACME-TASK-2',
      assigneeIds: ['w1', 'w2'],
      scheduledStart: t(9),
      scheduledEnd: t(11),
    } as Job;
    const conflicts = conflictsOf(['w1', 'w3'], { start: t(10), end: t(12) }, [other]);

    expect(conflicts).toEqual([
      { workerId: 'w1', jobId: 'job_2', jobNumber: 'ACME-TASK-2', scheduledStart: t(9), scheduledEnd: t(11) },
    ]);
    expect(describeConflicts(conflicts)).toMatch(/worker w1 is already on job ACME-TASK-2/);
  });
});
