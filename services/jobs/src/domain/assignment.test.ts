import { describe, expect, it } from '@jest/globals';
import { assignWorkers } from './assignment.js';
import type { Job, JobStatus } from './job.js';

const job = (status: JobStatus, assigneeIds: string[] = []) => ({ id: 'job_1', status, assigneeIds }) as Job;

describe('assigning workers', () => {
  it.each([
    ['not_started', [], ['w1'], 'assigned'],
    ['rejected', ['w1'], ['w2'], 'assigned'],
    ['accepted', ['w1'], ['w2'], 'assigned'],
    ['accepted', ['w1'], ['w1'], 'accepted'],
    ['assigned', ['w1'], ['w2'], 'assigned'],
    ['in_progress', ['w1'], ['w2'], 'in_progress'],
    ['assigned', ['w1'], [], 'not_started'],
  ] as const)('a %s job with %j given %j becomes %s', (status, before, workers, after) => {
    expect(assignWorkers(job(status, [...before]), workers).next.status).toBe(after);
  });

  it('adds to the crew with add, replaces it without', () => {
    expect(assignWorkers(job('assigned', ['w1']), ['w2'], { add: true })).toMatchObject({
      next: { assigneeIds: ['w1', 'w2'] },
      added: ['w2'],
      removed: [],
    });
    expect(assignWorkers(job('assigned', ['w1']), ['w2'])).toMatchObject({ added: ['w2'], removed: ['w1'] });
  });

  it('refuses closed jobs', () => {
    expect(() => assignWorkers(job('done'), ['w1'])).toThrow(
      expect.objectContaining({ code: 'JOB_INVALID_TRANSITION' }),
    );
  });
});
