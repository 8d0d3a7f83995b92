import { describe, expect, it } from '@jest/globals';
import { BusyBook, DEFAULT_JOB_FENCE_RADIUS_M, type JobSite, jobFence } from './job-fences.js';

const job = (over: Partial<JobSite> = {}): JobSite => ({
  tenantId: 't1',
  jobId: 'j1',
  status: 'assigned',
  assigneeIds: ['w1'],
  customerId: 'c1',
  siteId: 's1',
  point: { lat: 52.5, lng: 13.4, radiusM: 80 },
  version: 1,
  ...over,
});

describe('jobFence', () => {
  it('is a circle around the site watching the assignees while the job is open', () => {
    const f = jobFence(job({ assigneeIds: ['w1', 'w2'] }));

    expect(f).toMatchObject({
      id: 'job:j1',
      jobId: 'j1',
      customerId: 'c1',
      siteId: 's1',
      shape: { kind: 'circle', lat: 52.5, lng: 13.4, radiusM: 80 },
    });
    expect(f?.workerIds).toEqual(new Set(['w1', 'w2']));
  });

  it('uses the default radius when the job gives none', () => {
    expect(jobFence(job({ point: { lat: 1, lng: 1, radiusM: 0 } }))?.shape).toMatchObject({
      radiusM: DEFAULT_JOB_FENCE_RADIUS_M,
    });
  });

  it('is absent for closed jobs, jobs without coordinates or assignees, and bad coordinates', () => {
    expect(jobFence(job({ status: 'done' }))).toBeUndefined();
    expect(jobFence(job({ status: 'cancelled' }))).toBeUndefined();
    expect(jobFence(job({ point: undefined }))).toBeUndefined();
    expect(jobFence(job({ assigneeIds: [] }))).toBeUndefined();
    expect(jobFence(job({ point: { lat: 95, lng: 0, radiusM: 50 } }))).toBeUndefined();
  });
});

describe('BusyBook', () => {
  it('makes the assignees of an in-progress job busy and frees them when it moves on', () => {
    const book = new BusyBook();

    expect([...book.put({ jobId: 'j1', status: 'in_progress', assigneeIds: ['w1', 'w2'] })]).toEqual([
      ['w1', true],
      ['w2', true],
    ]);
    expect([...book.put({ jobId: 'j1', status: 'in_progress', assigneeIds: ['w2'] })]).toEqual([
      ['w1', false],
      ['w2', true],
    ]);
    expect([...book.put({ jobId: 'j1', status: 'done', assigneeIds: ['w2'] })]).toEqual([['w2', false]]);
  });

  it('keeps a worker busy while any of their jobs is in progress', () => {
    const book = new BusyBook();
    book.put({ jobId: 'j1', status: 'in_progress', assigneeIds: ['w1'] });
    book.put({ jobId: 'j2', status: 'in_progress', assigneeIds: ['w1'] });

    expect(book.put({ jobId: 'j1', status: 'done', assigneeIds: ['w1'] }).get('w1')).toBe(true);
    expect(book.isBusy('w1')).toBe(true);
    expect(book.put({ jobId: 'j2', status: 'waiting_on_customer', assigneeIds: ['w1'] }).get('w1')).toBe(false);
    expect(book.isBusy('w1')).toBe(false);
  });
});
