-- Job activity: notes, attachments (bytes live in the blob store), time logs and the geofence visits
-- behind the automatic ones, reminders. (A phone call's job is found again by the jobs idempotency key.)
-- Like every jobs table: tenant_id on each row, children reference (tenant_id, job_id).

create table job_notes (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  author_id text not null,
  body text not null,
  internal boolean not null,
  created_at timestamptz not null,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id),
  check (char_length(body) between 1 and 10000)
);
create index job_notes_job on job_notes (tenant_id, job_id, created_at, id);

create table job_attachments (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes > 0),
  category text not null check (category in ('photo', 'document', 'video', 'other')),
  description text not null default '',
  active boolean not null default true,
  view_count integer not null default 0,
  sha256 text not null,
  -- Where the bytes are in the blob store; never shown to callers.
  blob_key text not null unique,
  uploaded_by text not null,
  created_at timestamptz not null,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
create index job_attachments_job on job_attachments (tenant_id, job_id, created_at, id);

-- A worker's stay on a job site, from the geofence arrival to the departure (open until then).
create table job_site_visits (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  worker_id text not null,
  arrived_at timestamptz not null,
  departed_at timestamptz,
  arrival_event_id text not null,
  departure_event_id text,
  created_at timestamptz not null,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
-- At most one open visit per worker and job: a second arrival while inside is the same visit.
create unique index job_site_visits_open on job_site_visits (tenant_id, job_id, worker_id) where departed_at is null;

-- Location events already applied (arrival or departure), so a redelivered one changes nothing.
create table job_site_visit_events (
  tenant_id text not null,
  event_id text not null,
  job_id text not null,
  kind text not null,
  -- What the event did: arrived | already_inside | departed | no_open_visit (pending only inside the
  -- transaction that claims the event).
  outcome text not null,
  visit_id text references job_site_visits (id),
  applied_at timestamptz not null,
  primary key (tenant_id, event_id)
);

create table job_time_logs (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  worker_id text not null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  hours double precision not null check (hours > 0),
  source text not null check (source in ('manual', 'geofence')),
  note text not null default '',
  -- Set for geofence logs: the visit it measures (one log per visit).
  visit_id text unique references job_site_visits (id),
  created_by text not null,
  created_at timestamptz not null,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id),
  check (ended_at > started_at)
);
create index job_time_logs_job on job_time_logs (tenant_id, job_id, started_at, id);
create index job_time_logs_worker on job_time_logs (tenant_id, worker_id, started_at);

create table job_reminders (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  remind_at timestamptz not null,
  message text not null default '',
  created_by text not null,
  state text not null check (state in ('pending', 'sent', 'cancelled')),
  created_at timestamptz not null,
  sent_at timestamptz,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
create index job_reminders_job on job_reminders (tenant_id, job_id, remind_at, id);
-- The scheduler's scan: only pending reminders, oldest due first.
create index job_reminders_due on job_reminders (remind_at) where state = 'pending';
