// Arrivals and departures on JetStream: job fences from jobs events (open jobs, for their assignees), customer
// site fences from accounts, the tenant's minimum on-site time and auto-logging switch, device times in events.

import type { location } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { destinationPoint } from '../src/domain/geo.js';
import { DeviceStream, type Harness, type Phone, ping, startHarness, Tenant } from './harness.js';

const SEC = 1000;
const SITE = { lat: 52.5219, lng: 13.4132 };

/**
 * A visit as a phone records it, one fix every 10 s: 1 km out driving in (to 200 m), `dwellS` seconds on site, driving
 * 1 km out and staying there `awayS` seconds. Returns the pings and the times the engine should report.
 */
function visit(site: { lat: number; lng: number }, t0: number, firstSeq: number, dwellS = 180, awayS = 120) {
  const fixes: Array<{ t: number; lat: number; lng: number }> = [];
  let t = t0;
  for (let d = 1000; d >= 200; d -= 100, t += 10 * SEC)
    fixes.push({ t, ...destinationPoint(site.lat, site.lng, 90, d) });
  const arrivedAt = t;
  for (let s = 0; s < dwellS; s += 10, t += 10 * SEC) fixes.push({ t, ...destinationPoint(site.lat, site.lng, 0, 10) });
  let departedAt = 0;
  for (let d = 100; d <= 1000; d += 100, t += 10 * SEC) {
    // 100 m is the edge, up to 150 m the band: the first fix beyond it starts the departure.
    if (departedAt === 0 && d > 150) departedAt = t;
    fixes.push({ t, ...destinationPoint(site.lat, site.lng, 270, d) });
  }
  for (let s = 0; s < awayS; s += 10, t += 10 * SEC)
    fixes.push({ t, ...destinationPoint(site.lat, site.lng, 270, 1000) });
  const pings = fixes.map((f, i) => ping(firstSeq + i, f.t, f.lat, f.lng));
  return { pings, arrivedAt, departedAt, lastSeq: firstSeq + pings.length - 1 };
}

async function stream(h: Harness, phone: Phone, pings: location.Ping[]): Promise<void> {
  const s = DeviceStream.open(h.addresses[0], phone.token);
  for (let i = 0; i < pings.length; i += 25) s.send(pings.slice(i, i + 25));
  await s.waitAcked(Number(pings[pings.length - 1].seq));
  await s.finish();
}

describe('worker_arrived / worker_departed', () => {
  let h: Harness;
  let tenant: Tenant;

  beforeAll(async () => {
    h = await startHarness('events');
    tenant = await Tenant.create(h);
    await tenant.updateSettings({ minOnSiteSeconds: 60 });
    await waitFor(() => h.replicas[0].engine.settings(tenant.id).minOnSiteSeconds === 60, { what: 'settings' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const jobFence = (jobId: string) => h.replicas[0].engine.fence(tenant.id, `job:${jobId}`);

  it('reports the arrival and departure at a job site with the phone’s times, for the job’s assignee', async () => {
    const phone = await tenant.phone();
    const jobId = `job_${phone.worker.id.slice(-8)}`;
    await tenant.publishJob('job_assigned', {
      id: jobId,
      status: 'assigned',
      customerId: 'cus_1',
      assigneeIds: [phone.worker.id],
      site: { siteId: 'site_1', address: 'Alexanderplatz 1', ...SITE, radiusM: 100, hasCoordinates: true },
    });
    await waitFor(() => jobFence(jobId), { what: 'the job fence' });
    const trip = visit(SITE, Date.now() - 3600 * SEC, 1);

    await stream(h, phone, trip.pings);
    const events = await waitFor(
      () => {
        const mine = h.events.siteEvents(tenant.id).filter((e) => e.event.workerId === phone.worker.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'arrival and departure' },
    );

    expect(events.map((e) => e.type)).toEqual(['worker_arrived', 'worker_departed']);
    expect(events[0].event).toMatchObject({
      workerId: phone.worker.id,
      deviceId: phone.deviceId,
      fenceId: `job:${jobId}`,
      jobId,
      customerId: 'cus_1',
      siteId: 'site_1',
      at: new Date(trip.arrivedAt),
    });
    expect(events[1].event).toMatchObject({ jobId, at: new Date(trip.departedAt) });
    expect(events[0].envelope).toMatchObject({ producer: 'location', tenantId: tenant.id });
  });

  it('watches only the job’s assignees, and forgets the fence once the job is done', async () => {
    const assignee = await tenant.phone();
    const bystander = await tenant.phone();
    const jobId = `job_${assignee.worker.id.slice(-8)}`;
    const site = destinationPoint(SITE.lat, SITE.lng, 180, 5000);
    const job = {
      id: jobId,
      assigneeIds: [assignee.worker.id],
      site: { siteId: '', address: 'x', ...site, radiusM: 80, hasCoordinates: true },
    };
    await tenant.publishJob('job_assigned', { ...job, status: 'assigned', version: 1 });
    await waitFor(() => jobFence(jobId), { what: 'the job fence' });
    await tenant.publishJob('job_completed', { ...job, status: 'done', version: 2 });
    await waitFor(() => !jobFence(jobId), { what: 'the fence to go' });

    await stream(h, assignee, visit(site, Date.now() - 3600 * SEC, 1).pings);
    await stream(h, bystander, visit(site, Date.now() - 3600 * SEC, 1).pings);
    // A visit that must be reported, after the two that must not: events come out in order.
    const control = await tenant.phone();
    const depot = destinationPoint(SITE.lat, SITE.lng, 0, 8000);
    const customer = await tenant.customer([{ name: 'Depot', ...depot }]);
    await waitFor(() => h.replicas[0].engine.fence(tenant.id, `site:${customer.id}:${customer.sites[0].id}`), {
      what: 'the customer site fence',
    });
    await stream(h, control, visit(depot, Date.now() - 3600 * SEC, 1).pings);
    await waitFor(() => h.events.siteEvents(tenant.id).some((e) => e.event.workerId === control.worker.id), {
      what: 'the control visit',
    });

    const others = h.events
      .siteEvents(tenant.id)
      .filter((e) => e.event.workerId === assignee.worker.id || e.event.workerId === bystander.worker.id);
    expect(others).toEqual([]);
  });

  it('reports visits to customer sites for every worker, with the customer and site', async () => {
    const phone = await tenant.phone();
    const where = destinationPoint(SITE.lat, SITE.lng, 45, 20_000);
    const customer = await tenant.customer([{ name: 'Warehouse', ...where }]);
    const siteId = customer.sites[0].id;
    await waitFor(() => h.replicas[0].engine.fence(tenant.id, `site:${customer.id}:${siteId}`), { what: 'site fence' });
    const trip = visit(where, Date.now() - 3600 * SEC, 1);

    await stream(h, phone, trip.pings);
    const events = await waitFor(
      () => {
        const mine = h.events.siteEvents(tenant.id).filter((e) => e.event.workerId === phone.worker.id);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: 'site visit' },
    );

    expect(events.map((e) => [e.type, e.event.fenceId, e.event.customerId, e.event.siteId, e.event.jobId])).toEqual([
      ['worker_arrived', `site:${customer.id}:${siteId}`, customer.id, siteId, ''],
      ['worker_departed', `site:${customer.id}:${siteId}`, customer.id, siteId, ''],
    ]);
    expect(events[0].event.at).toEqual(new Date(trip.arrivedAt));
  });

  it('declares no arrival for a stay shorter than the tenant’s minimum on-site time', async () => {
    const phone = await tenant.phone();
    const where = destinationPoint(SITE.lat, SITE.lng, 135, 30_000);
    const customer = await tenant.customer([{ name: 'Kiosk', ...where }]);
    await waitFor(() => h.replicas[0].engine.fence(tenant.id, `site:${customer.id}:${customer.sites[0].id}`), {
      what: 'site fence',
    });

    // 40 s inside with a 60 s minimum, then a 3-minute stay by another worker as the control.
    await stream(h, phone, visit(where, Date.now() - 3600 * SEC, 1, 40).pings);
    const control = await tenant.phone();
    await stream(h, control, visit(where, Date.now() - 3600 * SEC, 1, 180).pings);
    await waitFor(() => h.events.siteEvents(tenant.id).some((e) => e.event.workerId === control.worker.id), {
      what: 'the control visit',
    });

    expect(h.events.siteEvents(tenant.id).filter((e) => e.event.workerId === phone.worker.id)).toEqual([]);
  });
});

describe('auto-logging switched off', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('nolog');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports nothing while the tenant has auto-logging off, and visits again once it is back on', async () => {
    const tenant = await Tenant.create(h);
    const customer = await tenant.customer([{ name: 'Office', ...SITE }]);
    await waitFor(() => h.replicas[0].engine.fence(tenant.id, `site:${customer.id}:${customer.sites[0].id}`), {
      what: 'site fence',
    });
    await tenant.updateSettings({ autoLoggingEnabled: false });
    await waitFor(() => !h.replicas[0].engine.settings(tenant.id).autoLoggingEnabled, { what: 'settings' });
    const off = await tenant.phone();
    await stream(h, off, visit(SITE, Date.now() - 3600 * SEC, 1).pings);

    await tenant.updateSettings({ autoLoggingEnabled: true });
    await waitFor(() => h.replicas[0].engine.settings(tenant.id).autoLoggingEnabled, { what: 'settings' });
    const on = await tenant.phone();
    await stream(h, on, visit(SITE, Date.now() - 3600 * SEC, 1).pings);
    await waitFor(() => h.events.siteEvents(tenant.id).length >= 2, { what: 'the visit with logging on' });

    expect(h.events.siteEvents(tenant.id).map((e) => [e.type, e.event.workerId])).toEqual([
      ['worker_arrived', on.worker.id],
      ['worker_departed', on.worker.id],
    ]);
  });
});
