-- Jobs: the local directory (users, customers, settings copied from accounts events), job types, jobs with
-- their members, per-tenant number counters, history, deadline proposals and recorded delays.
-- Every table carries tenant_id and every query filters on it; child rows reference (tenant_id, job_id) so a
-- row can never point at another tenant's job.

-- ---------- directory: a read model of accounts, newest version wins ----------

create table dir_users (
  tenant_id text not null,
  id text not null,
  name text not null,
  email text not null default '',
  role text not null,
  customer_id text,
  active boolean not null,
  version integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id)
);

create table dir_customers (
  tenant_id text not null,
  id text not null,
  code text not null,
  name text not null,
  sla_hours integer not null,
  coworker_ids text[] not null default '{}',
  -- [{id, name, address, lat, lng}]: where a job's site can come from.
  sites jsonb not null default '[]',
  phone text not null default '',
  email text not null default '',
  active boolean not null,
  version integer not null,
  updated_at timestamptz not null,
  primary key (tenant_id, id)
);
create index dir_customers_coworkers on dir_customers using gin (coworker_ids);

create table dir_settings (
  tenant_id text primary key,
  categories text[] not null,
  task_number_format text not null,
  job_creation_blocked_roles text[] not null,
  allowed_upload_types text[] not null,
  max_upload_bytes bigint not null,
  timezone text not null,
  currency text not null,
  dispatch_enabled boolean not null,
  auto_logging_enabled boolean not null,
  min_on_site_seconds integer not null,
  form_key text not null default '',
  form_primary_color text not null default '',
  form_logo_url text not null default '',
  version integer not null,
  updated_at timestamptz not null
);

-- ---------- job types ----------

create table job_types (
  id text primary key,
  tenant_id text not null,
  name text not null,
  description text not null default '',
  -- [{key, label, type, required, options, min, max, maxLength}]
  fields jsonb not null default '[]',
  active boolean not null default true,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id)
);
create unique index job_types_tenant_name on job_types (tenant_id, lower(name));

-- ---------- jobs ----------

-- One row per tenant; `update ... set n = n + 1 returning n` in the create transaction holds the row lock
-- until commit, so numbers have no gaps (a rollback gives n back) and no duplicates.
create table job_counters (
  tenant_id text primary key,
  n bigint not null
);

create table jobs (
  id text primary key,
  tenant_id text not null,
  seq bigint not null,
  number text not null,
  title text not null,
  description text not null default '',
  category text not null default '',
  priority text not null,
  -- high 3, normal 2, low 1: sortable without a CASE in every query.
  priority_rank smallint not null,
  status text not null,
  customer_id text,
  type_id text,
  site_id text not null default '',
  site_address text not null default '',
  site_lat double precision,
  site_lng double precision,
  site_radius_m double precision not null default 0,
  start_at timestamptz not null,
  due_at timestamptz,
  scheduled_start timestamptz,
  scheduled_end timestamptz,
  completed_at timestamptz,
  percent_complete integer not null default 0,
  estimated_hours double precision not null default 0,
  billable_hours double precision not null default 0,
  billable boolean not null default false,
  billed boolean not null default false,
  quantity double precision not null default 0,
  price_amount bigint,
  price_currency text,
  mileage double precision not null default 0,
  expenses_amount bigint,
  expenses_currency text,
  contact_name text not null default '',
  contact_email text not null default '',
  contact_phone text not null default '',
  assignee_ids text[] not null default '{}',
  notify_ids text[] not null default '{}',
  participant_ids text[] not null default '{}',
  requester_id text,
  regarding_user_id text,
  tags text[] not null default '{}',
  related_job_ids text[] not null default '{}',
  custom_fields jsonb not null default '{}',
  notify_client_on_change boolean not null default false,
  notify_client_on_complete boolean not null default false,
  delay_causes text[] not null default '{}',
  schedule_conflict boolean not null default false,
  source text not null,
  -- Site visits (geofence or manual): the first arrival clears "late start".
  arrived_at timestamptz,
  departed_at timestamptz,
  idempotency_key text,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null,
  -- Keyset sort key: jobs without a due date sort after every dated one.
  due_sort timestamptz generated always as (coalesce(due_at, 'infinity'::timestamptz)) stored,
  search tsvector generated always as (
    to_tsvector('simple', number || ' ' || replace(number, '-', ' ') || ' ' || title || ' ' || description)
  ) stored,
  unique (tenant_id, id),
  unique (tenant_id, number),
  unique (tenant_id, seq),
  check (percent_complete between 0 and 100),
  check (scheduled_end is null or scheduled_start is null or scheduled_end > scheduled_start)
);
create unique index jobs_idempotency on jobs (tenant_id, idempotency_key) where idempotency_key is not null;
create index jobs_tenant_created on jobs (tenant_id, created_at, id);
create index jobs_tenant_updated on jobs (tenant_id, updated_at, id);
create index jobs_tenant_due on jobs (tenant_id, due_sort, id);
create index jobs_tenant_priority on jobs (tenant_id, priority_rank, id);
create index jobs_tenant_customer on jobs (tenant_id, customer_id);
create index jobs_tenant_status on jobs (tenant_id, status);
create index jobs_assignees on jobs using gin (assignee_ids);
create index jobs_members on jobs using gin (participant_ids, notify_ids);
create index jobs_tags on jobs using gin (tags);
create index jobs_search on jobs using gin (search);
create index jobs_number_prefix on jobs (tenant_id, lower(number) text_pattern_ops);
-- The delay checker scans only what can still be late.
create index jobs_open_due on jobs (due_at) where status not in ('done', 'cancelled');
create index jobs_open_scheduled on jobs (scheduled_start) where arrived_at is null and status not in ('done', 'cancelled');

-- Who did what to a job and when: status moves with their reason, field changes with old and new values.
create table job_history (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  at timestamptz not null,
  actor_id text not null,
  kind text not null,
  from_status text,
  to_status text,
  reason text not null default '',
  -- [{field, from, to}] with JSON values.
  changes jsonb not null default '[]',
  proposal_id text,
  proposed_due_at timestamptz,
  -- Hidden from clients and guests (e.g. an internal note was added).
  internal boolean not null default false,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
create index job_history_job on job_history (tenant_id, job_id, at, id);

-- The deadline negotiation: each side's proposal; one open at a time per job.
create table job_proposals (
  id text primary key,
  tenant_id text not null,
  job_id text not null,
  proposed_by text not null,
  side text not null,
  proposed_due_at timestamptz not null,
  message text not null default '',
  state text not null,
  created_at timestamptz not null,
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
create index job_proposals_job on job_proposals (tenant_id, job_id, created_at, id);
create unique index job_proposals_one_open on job_proposals (tenant_id, job_id) where state = 'open';

-- Delays announced (job_delayed published), one row per job and cause; removed when the cause clears, so
-- a job late again later is announced again.
create table job_delays (
  tenant_id text not null,
  job_id text not null,
  cause text not null,
  detected_at timestamptz not null,
  primary key (tenant_id, job_id, cause),
  foreign key (tenant_id, job_id) references jobs (tenant_id, id)
);
