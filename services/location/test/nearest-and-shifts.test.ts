// Nearest workers with their statuses (on shift, busy from jobs events, stale positions), filters, customer
// sites as the centre; positions and shifts by role; bad input per field; nothing crosses tenants.

import type { Caller } from '@fieldline/platform';
import type { location } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { destinationPoint } from '../src/domain/geo.js';
import { failure, type Harness, type Phone, ping, startHarness, Tenant } from './harness.js';

const P = { lat: 48.8566, lng: 2.3522 };
const MIN = 60_000;

describe('nearest workers, positions and shifts', () => {
  let h: Harness;
  let tenant: Tenant;
  let dispatcher: Caller;
  /** available (plumbing), available, off shift, stale (plumbing), busy (plumbing), far away. */
  let w: Record<'plumber' | 'helper' | 'offShift' | 'stale' | 'busy' | 'far', Phone>;

  const at = async (phone: Phone, distanceM: number, ageMs = 5000) => {
    const p = destinationPoint(P.lat, P.lng, 0, distanceM);
    await h.api[0].ingestPings(
      { pings: [ping(1, Date.now() - ageMs, p.lat, p.lng)], seqLess: false },
      { caller: phone.deviceCaller },
    );
  };
  const shift = (phone: Phone, onShift: boolean, skills: string[] = []) =>
    h.api[0].setShift({ workerId: phone.worker.id, onShift, skills }, { caller: dispatcher });
  const nearest = (req: Partial<location.FindNearestRequest>, caller = dispatcher) =>
    h.api[0].findNearest(
      { customerId: '', siteId: '', radiusM: 10_000, limit: 0, skill: '', availableOnly: false, ...req },
      { caller },
    );

  beforeAll(async () => {
    h = await startHarness('nearest');
    tenant = await Tenant.create(h);
    dispatcher = (await tenant.user('dispatcher')).caller;
    w = {
      plumber: await tenant.phone('Pia Plumber'),
      helper: await tenant.phone('Hal Helper'),
      offShift: await tenant.phone('Otto Off'),
      stale: await tenant.phone('Sam Stale'),
      busy: await tenant.phone('Bea Busy'),
      far: await tenant.phone('Fay Far'),
    };
    await at(w.plumber, 1000);
    await at(w.helper, 2000);
    await at(w.offShift, 3000);
    await at(w.stale, 500, 10 * MIN);
    await at(w.busy, 4000);
    await at(w.far, 600_000);
    await shift(w.plumber, true, ['Plumbing']);
    await shift(w.helper, true);
    await shift(w.stale, true, ['plumbing']);
    await shift(w.busy, true, ['plumbing', 'electrics']);
    await shift(w.far, true);
    await tenant.publishJob('job_status_changed', {
      id: 'job_busy',
      status: 'in_progress',
      assigneeIds: [w.busy.worker.id],
      site: { siteId: '', address: '', lat: 0, lng: 0, radiusM: 0, hasCoordinates: false },
    });
    await waitFor(
      async () => (await nearest(P)).workers.find((n) => n.workerId === w.busy.worker.id)?.status === 'busy',
      { what: 'the busy worker' },
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lists every worker within the radius, nearest first, with distance, status and skills', async () => {
    const res = await nearest({ lat: P.lat, lng: P.lng });

    expect(res.workers.map((n) => [n.workerId, n.status])).toEqual([
      [w.stale.worker.id, 'stale'],
      [w.plumber.worker.id, 'available'],
      [w.helper.worker.id, 'available'],
      [w.offShift.worker.id, 'off_shift'],
      [w.busy.worker.id, 'busy'],
    ]);
    expect(res.workers.map((n) => Math.round(n.distanceM))).toEqual([500, 1000, 2000, 3000, 4000]);
    expect(res.workers[0].position).toMatchObject({
      workerId: w.stale.worker.id,
      deviceId: w.stale.deviceId,
      stale: true,
    });
    expect(res.workers[1].position?.stale).toBe(false);
    expect(res.workers[4].skills).toEqual(['electrics', 'plumbing']);
  });

  it('filters on availability and skill (case-insensitive), and honours the limit and the radius', async () => {
    const available = await nearest({ lat: P.lat, lng: P.lng, availableOnly: true });
    const plumbers = await nearest({ lat: P.lat, lng: P.lng, skill: 'PLUMBING ' });
    const availablePlumbers = await nearest({ lat: P.lat, lng: P.lng, skill: 'plumbing', availableOnly: true });
    const two = await nearest({ lat: P.lat, lng: P.lng, limit: 2 });
    const wide = await nearest({ lat: P.lat, lng: P.lng, radiusM: 500_000, limit: 100 });
    const farAway = await nearest({ ...destinationPoint(P.lat, P.lng, 0, 600_000), radiusM: 1000 });

    expect(available.workers.map((n) => n.workerId)).toEqual([w.plumber.worker.id, w.helper.worker.id]);
    expect(plumbers.workers.map((n) => n.workerId)).toEqual([w.stale.worker.id, w.plumber.worker.id, w.busy.worker.id]);
    expect(availablePlumbers.workers.map((n) => n.workerId)).toEqual([w.plumber.worker.id]);
    expect(two.workers).toHaveLength(2);
    expect(wide.workers.map((n) => n.workerId)).not.toContain(w.far.worker.id);
    expect(farAway.workers.map((n) => n.workerId)).toEqual([w.far.worker.id]);
  });

  it('searches around a customer site given by customer and site ids', async () => {
    const customer = await tenant.customer([{ name: 'Shop', ...destinationPoint(P.lat, P.lng, 0, 2100) }]);
    const siteId = customer.sites[0].id;
    await waitFor(() => h.replicas[0].engine.fence(tenant.id, `site:${customer.id}:${siteId}`), { what: 'site' });

    const res = await nearest({ customerId: customer.id, siteId, radiusM: 1500, availableOnly: true });
    const unknown = await failure(nearest({ customerId: customer.id, siteId: 'site_nope' }));

    expect(res.workers.map((n) => [n.workerId, Math.round(n.distanceM)])).toEqual([
      [w.helper.worker.id, 100],
      [w.plumber.worker.id, 1100],
    ]);
    expect(unknown).toMatchObject({ kind: 'not_found', code: 'SITE_NOT_FOUND' });
  });

  it('refuses bad searches, naming the field', async () => {
    const cases = await Promise.all(
      [
        { lat: P.lat, lng: P.lng, radiusM: 0 },
        { lat: P.lat, lng: P.lng, radiusM: 500_001 },
        { lat: P.lat, lng: P.lng, limit: 101 },
        { lat: P.lat, lng: P.lng, limit: -1 },
        { lat: 91, lng: P.lng },
        { lat: P.lat },
        {},
        { lat: P.lat, lng: P.lng, customerId: 'cus_1', siteId: 's' },
        { customerId: 'cus_1' },
        { lat: P.lat, lng: P.lng, skill: 'x'.repeat(61) },
      ].map((r) => failure(nearest(r))),
    );

    expect(cases.map((c) => [c.kind, c.field])).toEqual([
      ['invalid_argument', 'radiusM'],
      ['invalid_argument', 'radiusM'],
      ['invalid_argument', 'limit'],
      ['invalid_argument', 'limit'],
      ['invalid_argument', 'lat'],
      ['invalid_argument', 'lng'],
      ['invalid_argument', 'lat'],
      ['invalid_argument', 'lat'],
      ['invalid_argument', 'siteId'],
      ['invalid_argument', 'skill'],
    ]);
  });

  it('is for admins and dispatchers only', async () => {
    const asCoworker = await failure(nearest({ lat: P.lat, lng: P.lng }, w.plumber.caller));
    const asAdmin = await nearest({ lat: P.lat, lng: P.lng }, tenant.admin);

    expect(asCoworker).toMatchObject({ kind: 'permission_denied', code: 'NEAREST_FORBIDDEN' });
    expect(asAdmin.workers.length).toBeGreaterThan(0);
  });

  it('shows dispatch every position and a co-worker only their own; clients none', async () => {
    const customer = await tenant.customer([{ name: 'Client HQ', ...P }]);
    const { caller: client } = await tenant.client(customer.id);

    const all = await h.api[0].listPositions({}, { caller: dispatcher });
    const own = await h.api[0].listPositions({}, { caller: w.helper.caller });
    const refused = await failure(h.api[0].listPositions({}, { caller: client }));

    expect(all.positions.map((p) => p.workerId).sort()).toEqual(
      Object.values(w)
        .map((p) => p.worker.id)
        .sort(),
    );
    expect(all.positions.find((p) => p.workerId === w.stale.worker.id)?.stale).toBe(true);
    expect(own.positions.map((p) => p.workerId)).toEqual([w.helper.worker.id]);
    expect(refused).toMatchObject({ kind: 'permission_denied', code: 'POSITIONS_FORBIDDEN' });
  });

  it('keeps shifts: dispatch sets on-shift and skills (tidied), a co-worker only their own on-shift', async () => {
    const phone = await tenant.phone();
    const fresh = await h.api[0].getShift({ workerId: phone.worker.id }, { caller: dispatcher });
    const set = await h.api[0].setShift(
      { workerId: phone.worker.id, onShift: true, skills: [' Electrics', 'plumbing', 'ELECTRICS'] },
      { caller: dispatcher },
    );
    const offByThemself = await h.api[0].setShift(
      { workerId: phone.worker.id, onShift: false, skills: [] },
      { caller: phone.caller },
    );
    const read = await h.api[0].getShift({ workerId: phone.worker.id }, { caller: phone.caller });

    expect(fresh).toMatchObject({ workerId: phone.worker.id, onShift: false, skills: [] });
    expect(set).toMatchObject({ onShift: true, skills: ['electrics', 'plumbing'] });
    expect(set.updatedAt).toBeInstanceOf(Date);
    expect(offByThemself).toMatchObject({ onShift: false, skills: ['electrics', 'plumbing'] });
    expect(read).toMatchObject({ onShift: false, skills: ['electrics', 'plumbing'] });
  });

  it('refuses a co-worker changing skills or anyone else’s shift, and shifts for clients', async () => {
    const phone = await tenant.phone();
    const customer = await tenant.customer([{ name: 'C', ...P }]);
    const { user: clientUser } = await tenant.client(customer.id);

    const skills = await failure(
      h.api[0].setShift({ workerId: phone.worker.id, onShift: true, skills: ['welding'] }, { caller: phone.caller }),
    );
    const other = await failure(
      h.api[0].setShift({ workerId: w.helper.worker.id, onShift: false, skills: [] }, { caller: phone.caller }),
    );
    const otherRead = await failure(h.api[0].getShift({ workerId: w.helper.worker.id }, { caller: phone.caller }));
    const forClient = await failure(
      h.api[0].setShift({ workerId: clientUser.id, onShift: true, skills: [] }, { caller: dispatcher }),
    );

    expect(skills).toMatchObject({ kind: 'permission_denied', code: 'SKILLS_FORBIDDEN' });
    expect(other).toMatchObject({ kind: 'permission_denied', code: 'SHIFT_FORBIDDEN' });
    expect(otherRead).toMatchObject({ kind: 'permission_denied', code: 'SHIFT_FORBIDDEN' });
    expect(forClient).toMatchObject({ kind: 'invalid_argument', code: 'NOT_A_WORKER', field: 'workerId' });
  });

  it('refuses bad shifts, naming the field', async () => {
    const id = w.helper.worker.id;
    const cases = await Promise.all(
      [
        { workerId: '', skills: [] },
        { workerId: id, skills: Array.from({ length: 51 }, (_, i) => `s${i}`) },
        { workerId: id, skills: ['x'.repeat(61)] },
        { workerId: id, skills: ['ok', ' '] },
        { workerId: id, skills: ['tab\there'] },
        { workerId: 'usr_unknown', skills: [] },
      ].map((r) => failure(h.api[0].setShift({ onShift: true, ...r }, { caller: dispatcher }))),
    );

    expect(cases.map((c) => [c.kind, c.field])).toEqual([
      ['invalid_argument', 'workerId'],
      ['invalid_argument', 'skills'],
      ['invalid_argument', 'skills[0]'],
      ['invalid_argument', 'skills[1]'],
      ['invalid_argument', 'skills[0]'],
      ['not_found', undefined],
    ]);
  });

  it('shows another tenant nothing of these workers', async () => {
    const other = await Tenant.create(h);
    const id = w.plumber.worker.id;

    const found = await h.api[0].findNearest(
      {
        lat: P.lat,
        lng: P.lng,
        customerId: '',
        siteId: '',
        radiusM: 500_000,
        limit: 100,
        skill: '',
        availableOnly: false,
      },
      { caller: other.admin },
    );
    const positions = await h.api[0].listPositions({}, { caller: other.admin });
    const read = await failure(h.api[0].getShift({ workerId: id }, { caller: other.admin }));
    const write = await failure(
      h.api[0].setShift({ workerId: id, onShift: false, skills: [] }, { caller: other.admin }),
    );
    const track = await failure(
      h.api[0].getTrack({ workerId: id, from: new Date(Date.now() - MIN), to: new Date() }, { caller: other.admin }),
    );
    const shiftAfter = await h.api[0].getShift({ workerId: id }, { caller: dispatcher });

    expect(found.workers).toEqual([]);
    expect(positions.positions).toEqual([]);
    expect([read.kind, write.kind, track.kind]).toEqual(['not_found', 'not_found', 'not_found']);
    expect(shiftAfter.onShift).toBe(true);
  });
});

describe('dispatch switched off', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('nodispatch');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses nearest-worker searches while the tenant has dispatch off', async () => {
    const tenant = await Tenant.create(h);
    await tenant.updateSettings({ dispatchEnabled: false });
    await waitFor(() => !h.replicas[0].engine.settings(tenant.id).dispatchEnabled, { what: 'settings' });

    const res = await failure(
      h.api[0].findNearest(
        {
          lat: P.lat,
          lng: P.lng,
          customerId: '',
          siteId: '',
          radiusM: 1000,
          limit: 10,
          skill: '',
          availableOnly: false,
        },
        { caller: tenant.admin },
      ),
    );

    expect(res).toMatchObject({ kind: 'failed_precondition', code: 'DISPATCH_DISABLED' });
  });
});
