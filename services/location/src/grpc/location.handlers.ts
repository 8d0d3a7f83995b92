// LocationService: batches from the gateway (device callers), nearest workers, positions, tracks and shifts.
// Every query is scoped by the caller's tenant; refusals are DomainErrors mapped once by libs/platform.

import type { Caller } from '@fieldline/platform';
import { InvalidArgument, NotFound, PermissionDenied, sql, unary } from '@fieldline/platform';
import type { location } from '@fieldline/proto';
import {
  assertMayFindNearest,
  assertMayReadShift,
  assertMayReadTrack,
  assertMaySetShift,
  isDispatch,
  positionsScope,
} from '../domain/location-access.js';
import { idValue, nearestInput, skillsValue, trackWindow } from '../domain/location-input.js';
import { siteFenceId } from '../domain/site-fences.js';
import { splitTrack, thinTrack } from '../domain/track-segments.js';
import type { WorkResult } from '../ingest/ingest-work.js';
import { pingFromProto, rejectionToProto } from '../ingest/ping-from-proto.js';
import { notifyChange } from '../store/state-changes.js';
import { TrackPointsStore } from '../store/track-points.store.js';
import { WorkerShiftsStore } from '../store/worker-shifts.store.js';
import type { Worker } from '../store/workers.store.js';
import type { LocationDeps } from './deps.js';
import { nearbyToProto, positionToProto, shiftToProto, trackPointToProto } from './to-proto.js';

/** A track answer holds at most this many points (thinned evenly beyond), so it fits one gRPC message. */
export const MAX_TRACK_POINTS = 20_000;

const STAFF_ROLES = new Set(['admin', 'dispatcher', 'coworker']);

export function locationHandlers(deps: LocationDeps): location.LocationServiceServer {
  const { engine, log } = deps;
  const now = () => deps.clock().getTime();

  /** The tenant's user, or NOT_FOUND (another tenant's id is simply not found). */
  async function workerOf(caller: Caller, workerId: string): Promise<Worker> {
    const worker = await deps.directory.worker(caller.tenantId, workerId);
    if (!worker) throw new NotFound('WORKER_NOT_FOUND', 'there is no such worker in this tenant');
    return worker;
  }

  return {
    ingestPings: unary(log, async (req, ctx) => {
      const caller = ctx.caller();
      if (caller.kind !== 'device' || !caller.deviceId) {
        throw new PermissionDenied('pings come from a device', 'DEVICE_ONLY');
      }
      if (req.pings.length > deps.maxBatch) {
        throw new InvalidArgument('pings', `at most ${deps.maxBatch} pings per call`);
      }
      if (req.pings.length === 0) return { accepted: 0, duplicates: 0, rejected: [] };
      const result = await new Promise<WorkResult>((resolve, reject) => {
        deps.pipeline.submit(
          { tenantId: caller.tenantId, deviceId: caller.deviceId as string, workerId: caller.userId },
          req.pings.map(pingFromProto),
          { seqLess: req.seqLess, owner: { done: (_w, r) => resolve(r), failed: (_w, err) => reject(err) } },
        );
      });
      return {
        accepted: result.accepted,
        duplicates: result.duplicates,
        rejected: result.rejected.map(rejectionToProto),
      };
    }),

    findNearest: unary(log, async (req, ctx) => {
      const caller = ctx.caller();
      assertMayFindNearest(caller);
      const input = nearestInput(req);
      let point: { lat: number; lng: number };
      if (input.target.kind === 'site') {
        const fence = engine.fence(caller.tenantId, siteFenceId(input.target.customerId, input.target.siteId));
        if (fence?.shape.kind !== 'circle') {
          throw new NotFound('SITE_NOT_FOUND', 'there is no customer site with coordinates by these ids');
        }
        point = { lat: fence.shape.lat, lng: fence.shape.lng };
      } else {
        point = input.target;
      }
      const t = now();
      const found = engine.nearest(
        caller.tenantId,
        {
          ...point,
          radiusM: input.radiusM,
          limit: input.limit,
          ...(input.skill && { skill: input.skill }),
          availableOnly: input.availableOnly,
        },
        t,
      );
      const stale = engine.settings(caller.tenantId).positionStaleSeconds;
      return { workers: found.map((n) => nearbyToProto(n, t, stale)) };
    }),

    listPositions: unary(log, async (_req, ctx) => {
      const caller = ctx.caller();
      const scope = positionsScope(caller);
      const positions =
        scope === 'all'
          ? engine.positions(caller.tenantId)
          : [engine.position(caller.tenantId, caller.userId)].filter((p) => p !== undefined);
      const t = now();
      const stale = engine.settings(caller.tenantId).positionStaleSeconds;
      return {
        positions: positions
          .sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0))
          .map((p) => positionToProto(p, t, stale)),
      };
    }),

    getTrack: unary(log, async (req, ctx) => {
      const caller = ctx.caller();
      const workerId = idValue('workerId', req.workerId);
      assertMayReadTrack(caller, workerId);
      const { from, to } = trackWindow(req.from, req.to);
      await workerOf(caller, workerId);
      const store = new TrackPointsStore(deps.db);
      let points = await store.between(caller.tenantId, workerId, from, to);
      if (points.length > MAX_TRACK_POINTS) points = thinTrack(points, MAX_TRACK_POINTS);
      return {
        workerId,
        segments: splitTrack(points).map((seg) => ({ points: seg.map(trackPointToProto) })),
      };
    }),

    getShift: unary(log, async (req, ctx) => {
      const caller = ctx.caller();
      const workerId = idValue('workerId', req.workerId);
      assertMayReadShift(caller, workerId);
      await workerOf(caller, workerId);
      const shift = await new WorkerShiftsStore(deps.db).get(caller.tenantId, workerId);
      return shiftToProto(workerId, shift);
    }),

    setShift: unary(log, async (req, ctx) => {
      const caller = ctx.caller();
      const workerId = idValue('workerId', req.workerId);
      const skills = skillsValue(req.skills);
      // Authorization first with what the request could change, so a co-worker learns nothing of other workers.
      if (!isDispatch(caller)) assertMaySetShift(caller, workerId, false);
      const worker = await workerOf(caller, workerId);
      if (!STAFF_ROLES.has(worker.role)) {
        throw new InvalidArgument('workerId', 'clients and guests have no shifts', 'NOT_A_WORKER');
      }
      const shift = await deps.db.transaction().execute(async (tx) => {
        const store = new WorkerShiftsStore(tx);
        await sql`select pg_advisory_xact_lock(hashtext(${`${caller.tenantId}:${workerId}`}))`.execute(tx);
        const current = await store.get(caller.tenantId, workerId);
        const currentSkills = current?.skills ?? [];
        // A co-worker's empty list keeps their skills; dispatch's replaces them (empty clears).
        const next = !isDispatch(caller) && skills.length === 0 ? currentSkills : skills;
        const changesSkills = next.join('\n') !== [...currentSkills].sort().join('\n');
        assertMaySetShift(caller, workerId, changesSkills);
        const saved = {
          tenantId: caller.tenantId,
          workerId,
          onShift: req.onShift,
          skills: next,
          updatedBy: caller.userId,
          updatedAt: deps.clock(),
        };
        await store.put(saved);
        await notifyChange(tx, { kind: 'shift', tenantId: caller.tenantId, id: workerId });
        return saved;
      });
      // Applied here at once (the NOTIFY reaches the other replicas, and this one again, a moment later).
      engine.setShift(caller.tenantId, workerId, { onShift: shift.onShift, skills: shift.skills });
      log.info({ tenantId: caller.tenantId, workerId, onShift: shift.onShift }, 'shift set');
      return shiftToProto(workerId, shift);
    }),
  };
}
