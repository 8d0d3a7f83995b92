// Device streams: seq order whatever the delivery order, each ping once, gaps given up on by rule, state round-trips.
import { describe, expect, it } from '@jest/globals';
import type { Ping } from './ping.js';
import { SeqStream, type StreamOptions, streamFromJSON, TimeStream } from './worker-stream.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const opts: StreamOptions = { gapTimeoutSeconds: 300, maxPending: 50, reorderWindowSeconds: 10 };
/** Ping number `seq`, recorded 5 s after the previous one. */
const ping = (seq: number, deviceTime = T0 + seq * 5000): Ping => ({ seq, deviceTime, lat: 0, lng: 0 });
const seqs = (ps: Ping[]) => ps.map((p) => p.seq);

describe('SeqStream', () => {
  it('applies pings in seq order, holding the ones beyond a gap until it fills', () => {
    const stream = new SeqStream(opts);
    for (const n of [1, 2, 4, 5]) expect(stream.receive(ping(n), T0)).toBe('new');
    expect(seqs(stream.release(T0).pings)).toEqual([1, 2]);
    expect(stream.ackedSeq).toBe(2);
    expect(stream.waiting).toBe(2);

    stream.receive(ping(3), T0 + 1000);
    expect(seqs(stream.release(T0 + 1000).pings)).toEqual([3, 4, 5]);
    expect(stream.ackedSeq).toBe(5);
    expect(stream.waiting).toBe(0);
  });

  it('drops duplicates, applied or waiting', () => {
    const stream = new SeqStream(opts);
    stream.receive(ping(1), T0);
    stream.receive(ping(3), T0);
    stream.release(T0);
    expect(stream.receive(ping(1), T0)).toBe('duplicate');
    expect(stream.receive(ping(3), T0)).toBe('duplicate');
    expect(stream.receiveRejected(3, T0)).toBe('duplicate');
  });

  it('counts a rejected ping as seen so the ack moves past it, without applying it', () => {
    const stream = new SeqStream(opts);
    stream.receive(ping(1), T0);
    stream.receive(ping(3), T0);
    stream.receiveRejected(2, T0);
    expect(seqs(stream.release(T0).pings)).toEqual([1, 3]);
    expect(stream.ackedSeq).toBe(3);
  });

  it('gives up on a gap once the pings behind it span the gap timeout in device time', () => {
    const stream = new SeqStream({ ...opts, maxPending: 1000 });
    stream.receive(ping(1), T0);
    for (let n = 3; n <= 62; n++) stream.receive(ping(n), T0); // 62 − 3 = 59 pings × 5 s = 295 s
    expect(stream.release(T0)).toMatchObject({ lost: 0 });
    expect(stream.ackedSeq).toBe(1);
    stream.receive(ping(63), T0); // now 300 s: not more than the timeout yet
    expect(stream.release(T0).pings).toEqual([]);
    stream.receive(ping(64), T0);
    const { pings, lost } = stream.release(T0);
    expect(lost).toBe(1);
    expect(seqs(pings)).toEqual(Array.from({ length: 62 }, (_, i) => i + 3));
    expect(stream.ackedSeq).toBe(64);
    // The lost ping turning up afterwards is new for the track but never applied.
    expect(stream.receive(ping(2), T0)).toBe('late');
    expect(stream.release(T0).pings).toEqual([]);
  });

  it('gives up on a gap when too many pings wait, or when they waited the timeout in wall time', () => {
    const full = new SeqStream({ ...opts, gapTimeoutSeconds: 1e6 });
    for (let n = 2; n <= 52; n++) full.receive(ping(n), T0);
    expect(full.release(T0)).toMatchObject({ lost: 1 });
    expect(full.ackedSeq).toBe(52);

    const quiet = new SeqStream(opts);
    quiet.receive(ping(2), T0);
    expect(quiet.release(T0 + 300_000).pings).toEqual([]);
    expect(seqs(quiet.release(T0 + 300_001).pings)).toEqual([2]);
  });

  it('fills an hour-long offline gap from a late upload while live pings wait behind it', () => {
    const stream = new SeqStream({ ...opts, maxPending: 1000 });
    stream.receive(ping(1), T0);
    stream.release(T0);
    // Offline for seqs 2..721 (an hour); back online, live pings 722.. arrive first.
    const back = T0 + 3_610_000;
    for (let n = 722; n <= 740; n++) stream.receive(ping(n), back + (n - 722) * 5000);
    expect(stream.release(back + 90_000).pings).toEqual([]);
    for (let n = 721; n >= 2; n--) stream.receive(ping(n), back + 95_000);
    const { pings, lost } = stream.release(back + 95_000);
    expect(lost).toBe(0);
    expect(seqs(pings)).toEqual(Array.from({ length: 739 }, (_, i) => i + 2));
  });

  it('round-trips its state through JSON mid-gap and resumes after a known ack', () => {
    const stream = new SeqStream(opts);
    stream.receive(ping(1), T0);
    stream.receive(ping(4), T0);
    stream.release(T0);
    const restored = streamFromJSON(JSON.parse(JSON.stringify(stream.toJSON())), opts);
    expect(restored.ackedSeq).toBe(1);
    expect(restored.receive(ping(4), T0)).toBe('duplicate');
    restored.receive(ping(2), T0);
    restored.receive(ping(3), T0);
    expect(seqs(restored.release(T0).pings)).toEqual([2, 3, 4]);

    const resumed = SeqStream.resume(100, opts);
    expect(resumed.receive(ping(100), T0)).toBe('duplicate');
    resumed.receive(ping(101), T0);
    expect(seqs(resumed.release(T0).pings)).toEqual([101]);
  });
});

describe('TimeStream (seq-less)', () => {
  const at = (sec: number): Ping => ({ deviceTime: T0 + sec * 1000, lat: 0, lng: sec });

  it('sorts pings within the reorder window and releases them once a newer one or the wall clock allows', () => {
    const stream = new TimeStream(opts);
    stream.receive(at(5), T0 + 6000);
    stream.receive(at(0), T0 + 6000);
    stream.receive(at(3), T0 + 6000);
    expect(stream.release(T0 + 6000).pings).toEqual([]);
    stream.receive(at(14), T0 + 15_000);
    expect(stream.release(T0 + 15_000).pings.map((p) => p.lng)).toEqual([0, 3]);
    expect(stream.release(T0 + 16_000).pings.map((p) => p.lng)).toEqual([5]);
    expect(stream.release(T0 + 25_000).pings.map((p) => p.lng)).toEqual([14]);
    expect(stream.ackedSeq).toBe(0);
  });

  it('drops a fix sent twice (same device time), held or applied; an older unseen one is late', () => {
    const stream = new TimeStream(opts);
    stream.receive(at(0), T0);
    expect(stream.receive(at(0), T0)).toBe('duplicate');
    stream.release(T0 + 20_000);
    expect(stream.receive(at(0), T0 + 20_000)).toBe('duplicate');
    expect(stream.receive(at(-5), T0 + 20_000)).toBe('late');
    const restored = streamFromJSON(JSON.parse(JSON.stringify(stream.toJSON())), opts);
    expect(restored.receive(at(0), T0)).toBe('duplicate');
    expect(restored.receive(at(1), T0)).toBe('new');
  });
});
