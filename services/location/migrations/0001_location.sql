-- The location service's tables: per-device engine state, tracks partitioned by day, and the local copies
-- (settings, customer sites, jobs, workers) and shifts the engine is loaded from. tenant_id on every row.

-- One row per phone: the engine's stream order, dedupe window and presence for its worker (a DeviceSnapshot),
-- versioned so a replica that finds another version than its own restores the device from here first.
create table device_state (
  tenant_id text not null,
  device_id text not null,
  worker_id text not null,
  version bigint not null default 0,
  state jsonb,                       -- null until the first flush that applied the device's pings
  position jsonb,                    -- the worker's newest position as of this device (loads the index at start)
  updated_at timestamptz not null default now(),
  primary key (tenant_id, device_id)
);

-- Every valid ping once, by the phone's time. Partitions are one UTC day each (track_points_pYYYYMMDD),
-- created ahead and on demand, dropped past the retention: a whole day goes with one DROP TABLE.
create table track_points (
  tenant_id text not null,
  worker_id text not null,
  device_id text not null,
  device_time timestamptz not null,
  seq bigint,                        -- null for Traccar Client (seq-less) pings
  lat double precision not null,
  lng double precision not null,
  accuracy_m real not null,
  speed_mps real not null,
  heading_deg real not null,
  battery_pct real not null,
  altitude_m real,
  received_at timestamptz not null
) partition by range (device_time);
create index track_points_worker_time on track_points (tenant_id, worker_id, device_time);

-- The tenant settings the engine needs, from accounts' settings events (newest version wins).
create table tenant_settings (
  tenant_id text primary key,
  min_on_site_seconds integer not null,
  auto_logging_enabled boolean not null,
  dispatch_enabled boolean not null,
  position_stale_seconds integer not null,
  version integer not null,
  updated_at timestamptz not null
);

-- Customer sites with coordinates, from accounts' customer events: a circle fence each (site:<customer>:<site>).
-- A site no longer listed, or of an inactive customer, stays with active = false so replicas see it go.
create table site_fences (
  tenant_id text not null,
  customer_id text not null,
  site_id text not null,
  lat double precision not null,
  lng double precision not null,
  radius_m double precision not null,
  active boolean not null,
  customer_version integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, customer_id, site_id)
);

-- The jobs as location needs them, from jobs events: an open job with coordinates is a fence (job:<id>) for
-- its assignees; an in-progress job makes its assignees busy.
create table job_sites (
  tenant_id text not null,
  job_id text not null,
  status text not null,
  assignee_ids text[] not null,
  customer_id text not null,
  site_id text not null,
  lat double precision,              -- null when the job's site has no coordinates
  lng double precision,
  radius_m double precision,
  version integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, job_id)
);
create index job_sites_open on job_sites (tenant_id) where status not in ('done', 'cancelled');

-- On shift or not, and skills, per worker (set through SetShift).
create table worker_shifts (
  tenant_id text not null,
  worker_id text not null,
  on_shift boolean not null,
  skills text[] not null,
  updated_by text not null,
  updated_at timestamptz not null,
  primary key (tenant_id, worker_id)
);

-- The tenant's users as location needs them (who exists, their role, active or not), from accounts' user events
-- and filled on a miss from accounts' DirectoryService.
create table workers (
  tenant_id text not null,
  worker_id text not null,
  role text not null,
  active boolean not null,
  version integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, worker_id)
);
