// Unit tests of the job view: proto → the API's JSON, nulls for what is absent or hidden from the caller.
import { describe, expect, it } from '@jest/globals';
import { sampleJob } from '../../test/fake-jobs.js';
import { toJobView } from './job.view.js';

describe('toJobView', () => {
  it('shows a full job with times as RFC 3339, empty strings as null and delayed from its causes', () => {
    const view = toJobView(sampleJob({ delayCauses: ['past_due'], completedAt: undefined, typeId: '' }));

    expect(view).toMatchObject({
      startAt: '2030-01-01T09:00:00.000Z',
      completedAt: null,
      typeId: null,
      regardingUserId: null,
      delayed: true,
      delayCauses: ['past_due'],
      contact: { name: 'Ann', email: null, phone: '+33 1 23' },
      price: { amount: 12000, currency: 'EUR' },
      expenses: null,
      estimatedHours: 2,
      customFields: { serial: 'X1' },
    });
  });

  it('shows the hidden fields of a restricted view as null, not as zero', () => {
    const view = toJobView(
      sampleJob({
        restrictedView: true,
        price: undefined,
        estimatedHours: 0,
        billableHours: 0,
        billable: false,
        quantity: 0,
        customFields: undefined,
      }),
    );

    expect(view).toMatchObject({
      price: null,
      estimatedHours: null,
      billableHours: null,
      billable: null,
      billed: null,
      quantity: null,
      mileage: null,
      customFields: null,
    });
    expect(view.title).toBe('Fix boiler');
  });

  it('leaves the coordinates of a site without them null', () => {
    const view = toJobView(
      sampleJob({ site: { siteId: 'site_1', address: 'Dock 4', lat: 0, lng: 0, radiusM: 50, hasCoordinates: false } }),
    );

    expect(view.site).toEqual({ siteId: 'site_1', address: 'Dock 4', lat: null, lng: null, radiusM: 50 });
  });
});
