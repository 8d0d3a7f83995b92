-- Accounts: tenants and their settings, users and their refresh tokens, invitations, customers, devices, API keys.
-- Every table carries tenant_id and every query filters on it; composite foreign keys on (tenant_id, id) make a
-- row pointing at another tenant's row impossible, not merely unlikely.

create table tenants (
  id text primary key,
  slug text not null unique,
  name text not null,
  created_at timestamptz not null
);

create table settings (
  tenant_id text primary key references tenants (id),
  dispatch_enabled boolean not null,
  auto_logging_enabled boolean not null,
  min_on_site_seconds integer not null,
  categories text[] not null,
  task_number_format text not null,
  allowed_upload_types text[] not null,
  max_upload_bytes bigint not null,
  invitation_ttl_hours integer not null,
  timezone text not null,
  currency text not null,
  job_creation_blocked_roles text[] not null,
  position_stale_seconds integer not null,
  -- The public request form is found by this key alone, so it is unique across tenants.
  form_key text not null unique,
  form_primary_color text not null,
  form_logo_url text not null,
  sold_statuses text[] not null,
  version integer not null,
  updated_at timestamptz not null
);

create table customers (
  id text primary key,
  tenant_id text not null references tenants (id),
  code text not null,
  name text not null,
  sla_hours integer not null,
  email text not null default '',
  phone text not null default '',
  active boolean not null default true,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, code),
  unique (tenant_id, id)
);

create table customer_sites (
  id text primary key,
  tenant_id text not null,
  customer_id text not null,
  position integer not null,
  name text not null,
  address text not null,
  lat double precision not null,
  lng double precision not null,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade
);
create index customer_sites_customer on customer_sites (customer_id, position);

create table customer_contacts (
  id text primary key,
  tenant_id text not null,
  customer_id text not null,
  position integer not null,
  name text not null,
  email text not null,
  phone text not null,
  title text not null,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade
);
create index customer_contacts_customer on customer_contacts (customer_id, position);

create table users (
  id text primary key,
  tenant_id text not null references tenants (id),
  name text not null,
  email text,
  role text not null check (role in ('admin', 'dispatcher', 'coworker', 'client', 'guest')),
  customer_id text,
  active boolean not null default true,
  phone text not null default '',
  -- Null for a user created without a password (a field worker who only uses a device).
  password_hash text,
  version integer not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  -- Clients and guests belong to one customer; staff to none.
  check ((role in ('client', 'guest')) = (customer_id is not null))
);
create unique index users_tenant_email on users (tenant_id, lower(email)) where email is not null;
create index users_tenant_role on users (tenant_id, role) where active;

create table customer_coworkers (
  tenant_id text not null,
  customer_id text not null,
  user_id text not null,
  primary key (customer_id, user_id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index customer_coworkers_user on customer_coworkers (tenant_id, user_id);

-- Refresh tokens rotate inside a family (one login); reusing a spent token revokes the family.
create table refresh_tokens (
  id text primary key,
  tenant_id text not null,
  user_id text not null,
  family_id text not null,
  token_hash text not null unique,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null;

create table invitations (
  id text primary key,
  tenant_id text not null references tenants (id),
  email text not null,
  name text not null default '',
  role text not null check (role in ('admin', 'dispatcher', 'coworker', 'client', 'guest')),
  customer_id text,
  token_hash text not null unique,
  invited_by text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_sent_at timestamptz not null,
  send_count integer not null,
  accepted_at timestamptz,
  user_id text,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, invited_by) references users (tenant_id, id)
);
create index invitations_tenant_email on invitations (tenant_id, lower(email));

create table devices (
  id text primary key,
  tenant_id text not null,
  worker_id text not null,
  name text not null,
  -- Traccar Client sends only this id, with no tenant: it must be unique across all tenants.
  unique_id text not null unique,
  token_hash text not null unique,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  foreign key (tenant_id, worker_id) references users (tenant_id, id)
);
create index devices_tenant on devices (tenant_id, id);

create table api_keys (
  id text primary key,
  tenant_id text not null,
  name text not null,
  role text not null check (role in ('admin', 'dispatcher')),
  key_hash text not null unique,
  prefix text not null,
  created_by text not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  foreign key (tenant_id, created_by) references users (tenant_id, id)
);
create index api_keys_tenant on api_keys (tenant_id, id);
