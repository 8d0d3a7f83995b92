import { describe, expect, it } from '@jest/globals';
import type { Job } from './job.js';
import {
  COWORKER_FIELDS,
  checkFieldsAllowed,
  diffJobs,
  type JobRefs,
  newJob,
  parseJobInput,
  patchJob,
} from './job-input.js';

const now = new Date('2025-03-01T08:00:00Z');
const refs: JobRefs = { settings: { categories: ['Repair', 'Maintenance'], currency: 'EUR' } };
const facts = {
  id: 'job_1',
  tenantId: 'ten_1',
  seq: 1,
  number: 'JOB-TASK-1',
  now,
  createdBy: 'usr_1',
  source: 'dashboard' as const,
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
}

const create = (input: Parameters<typeof parseJobInput>[0], r: JobRefs = refs) =>
  newJob(parseJobInput(input), r, facts);

describe('a new job', () => {
  it('starts now, normal priority, not started, version 1', () => {
    const job = create({ title: '  Fix boiler ' });

    expect(job).toMatchObject({
      title: 'Fix boiler',
      startAt: now,
      priority: 'normal',
      status: 'not_started',
      version: 1,
    });
    expect(job.dueAt).toBeUndefined();
  });

  it("is due the customer's SLA hours after its start", () => {
    const start = new Date('2025-03-02T10:00:00Z');
    const job = create(
      { title: 'x', startAt: start, customerId: 'cus_1' },
      { ...refs, customer: { id: 'cus_1', slaHours: 24, sites: [] } },
    );

    expect(job.dueAt).toEqual(new Date('2025-03-03T10:00:00Z'));
  });

  it('is assigned when created with assignees', () => {
    expect(create({ title: 'x', assigneeIds: ['usr_2', 'usr_2'] })).toMatchObject({
      status: 'assigned',
      assigneeIds: ['usr_2'],
    });
  });

  it("takes a category in the tenant's spelling and money in the tenant's currency", () => {
    const job = create({ title: 'x', category: 'repair', price: { amount: 1250, currency: '' } });

    expect(job.category).toBe('Repair');
    expect(job.price).toEqual({ amount: 1250, currency: 'EUR' });
  });

  it("fills the site from the customer's site", () => {
    const customer = {
      id: 'cus_1',
      slaHours: 0,
      sites: [{ id: 'sit_1', name: 'HQ', address: '1 Main St', lat: 48.1, lng: 2.2 }],
    };
    const job = create(
      { title: 'x', customerId: 'cus_1', site: { siteId: 'sit_1', radiusM: 50 } },
      { ...refs, customer },
    );

    expect(job.site).toEqual({ siteId: 'sit_1', address: '1 Main St', lat: 48.1, lng: 2.2, radiusM: 50 });
  });

  it.each([
    ['no title', {}, 'title'],
    ['a blank title', { title: '  ' }, 'title'],
    ['a title of 201 characters', { title: 'x'.repeat(201) }, 'title'],
    ['an unknown priority', { title: 'x', priority: 'urgent' }, 'priority'],
    ['a category the tenant lacks', { title: 'x', category: 'Gardening' }, 'category'],
    [
      'due before start',
      { title: 'x', startAt: new Date('2025-03-02T00:00:00Z'), dueAt: new Date('2025-03-01T00:00:00Z') },
      'dueAt',
    ],
    [
      'a window ending at its start',
      { title: 'x', scheduledStart: new Date('2025-03-02T10:00:00Z'), scheduledEnd: new Date('2025-03-02T10:00:00Z') },
      'scheduledEnd',
    ],
    ['half a window', { title: 'x', scheduledStart: new Date('2025-03-02T10:00:00Z') }, 'scheduledEnd'],
    ['percent above 100', { title: 'x', percentComplete: 101 }, 'percentComplete'],
    ['a fractional percent', { title: 'x', percentComplete: 5.5 }, 'percentComplete'],
    ['negative hours', { title: 'x', estimatedHours: -1 }, 'estimatedHours'],
    ['negative billable hours', { title: 'x', billableHours: -0.5 }, 'billableHours'],
    ['fractional cents', { title: 'x', price: { amount: 10.5, currency: 'EUR' } }, 'price.amount'],
    ['negative money', { title: 'x', expenses: { amount: -1, currency: 'EUR' } }, 'expenses.amount'],
    ['a bad currency', { title: 'x', price: { amount: 1, currency: 'euro' } }, 'price.currency'],
    ['a latitude of 91', { title: 'x', site: { lat: 91, lng: 0, hasCoordinates: true } }, 'site.lat'],
    ['a longitude of -181', { title: 'x', site: { lat: 0, lng: -181, hasCoordinates: true } }, 'site.lng'],
    ['51 tags', { title: 'x', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
    ['an empty tag', { title: 'x', tags: ['ok', ' '] }, 'tags[1]'],
    ['a bad contact e-mail', { title: 'x', contact: { email: 'not-mail' } }, 'contact.email'],
    ['a bad phone', { title: 'x', contact: { phone: 'call me' } }, 'contact.phone'],
    ['custom fields without a type', { title: 'x', customFields: { a: 1 } }, 'customFields.a'],
    ['a custom field of an object', { title: 'x', customFields: { a: { b: 1 } } }, 'customFields.a'],
    ['a date in year 3000', { title: 'x', dueAt: new Date('3000-01-01T00:00:00Z') }, 'dueAt'],
    ['an invalid date', { title: 'x', startAt: new Date(Number.NaN) }, 'startAt'],
    ['an unclearable field', { title: 'x', clearedFields: ['title'] }, 'clearedFields[0]'],
    ['an id with spaces', { title: 'x', customerId: 'cus 1' }, 'customerId'],
  ])('refuses %s, naming the field', (_what, input, field) => {
    expect(fieldOf(() => create(input as Parameters<typeof parseJobInput>[0]))).toBe(field);
  });
});

describe('a job patch', () => {
  const base: Job = create({ title: 'Fix', dueAt: new Date('2025-03-05T00:00:00Z'), tags: ['a'] });

  it('changes only what is given and clears what is cleared', () => {
    const next = patchJob(base, parseJobInput({ description: 'leaking', clearedFields: ['dueAt'] }), refs);

    expect(next).toMatchObject({ title: 'Fix', description: 'leaking', tags: ['a'] });
    expect(next.dueAt).toBeUndefined();
    expect(
      diffJobs(base, next)
        .map((c) => c.field)
        .sort(),
    ).toEqual(['description', 'dueAt']);
  });

  it('records old and new values', () => {
    const next = patchJob(base, parseJobInput({ percentComplete: 40 }), refs);

    expect(diffJobs(base, next)).toEqual([{ field: 'percentComplete', from: 0, to: 40 }]);
  });

  it('re-checks due after start when only the start moves', () => {
    expect(fieldOf(() => patchJob(base, parseJobInput({ startAt: new Date('2025-03-06T00:00:00Z') }), refs))).toBe(
      'dueAt',
    );
  });

  it('lets coworkers change work fields only', () => {
    expect(() =>
      checkFieldsAllowed(parseJobInput({ percentComplete: 10, tags: [] }), COWORKER_FIELDS, 'a coworker'),
    ).not.toThrow();
    expect(() => checkFieldsAllowed(parseJobInput({ dueAt: now }), COWORKER_FIELDS, 'a coworker')).toThrow(
      /cannot set dueAt/,
    );
  });
});
