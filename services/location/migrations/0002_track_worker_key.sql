-- Tracks are looked up by a 64-bit key of (tenant, worker) instead of the two text ids: the btree on two long
-- text ids and the time cost about 8 µs per inserted point in the ingest benchmark, one on a bigint and the
-- time about 3. The service computes the key (FNV-1a 64 of "<tenant>:<worker>", see store/worker-key.ts);
-- a collision only makes the index return a few extra rows, which the tenant and worker filters drop.
alter table track_points add column worker_key bigint;
drop index track_points_worker_time;
create index track_points_worker_key_time on track_points (worker_key, device_time);
