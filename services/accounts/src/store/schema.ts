// The accounts database as Kysely sees it: one interface per table of migrations/0001_init.sql.

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
}

export interface SettingsTable {
  tenant_id: string;
  dispatch_enabled: boolean;
  auto_logging_enabled: boolean;
  min_on_site_seconds: number;
  categories: string[];
  task_number_format: string;
  allowed_upload_types: string[];
  max_upload_bytes: number;
  invitation_ttl_hours: number;
  timezone: string;
  currency: string;
  job_creation_blocked_roles: string[];
  position_stale_seconds: number;
  form_key: string;
  form_primary_color: string;
  form_logo_url: string;
  sold_statuses: string[];
  version: number;
  updated_at: Date;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  name: string;
  email: string | null;
  role: string;
  customer_id: string | null;
  active: boolean;
  phone: string;
  password_hash: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface RefreshTokensTable {
  id: string;
  tenant_id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface InvitationsTable {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: string;
  customer_id: string | null;
  token_hash: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  last_sent_at: Date;
  send_count: number;
  accepted_at: Date | null;
  user_id: string | null;
}

export interface CustomersTable {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  sla_hours: number;
  email: string;
  phone: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface CustomerSitesTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  position: number;
  name: string;
  address: string;
  lat: number;
  lng: number;
}

export interface CustomerContactsTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  position: number;
  name: string;
  email: string;
  phone: string;
  title: string;
}

export interface CustomerCoworkersTable {
  tenant_id: string;
  customer_id: string;
  user_id: string;
}

export interface DevicesTable {
  id: string;
  tenant_id: string;
  worker_id: string;
  name: string;
  unique_id: string;
  token_hash: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  key_hash: string;
  prefix: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AccountsDb {
  tenants: TenantsTable;
  settings: SettingsTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  invitations: InvitationsTable;
  customers: CustomersTable;
  customer_sites: CustomerSitesTable;
  customer_contacts: CustomerContactsTable;
  customer_coworkers: CustomerCoworkersTable;
  devices: DevicesTable;
  api_keys: ApiKeysTable;
}
