// The jobs database as Kysely sees it: one interface per table of migrations/0001_jobs.sql.
// Tables of later migrations (notes, attachments, ...) are typed beside their stores and joined in with
// `db.withTables<TheirTables>()`, so this file does not have to know them.
import type { ColumnType, Generated } from 'kysely';

export interface DirUsersTable {
  tenant_id: string;
  id: string;
  name: string;
  email: string;
  role: string;
  customer_id: string | null;
  active: boolean;
  version: number;
  updated_at: Date;
}

export interface DirSiteJson {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
}

export interface DirCustomersTable {
  tenant_id: string;
  id: string;
  code: string;
  name: string;
  sla_hours: number;
  coworker_ids: string[];
  sites: ColumnType<DirSiteJson[], string, string>;
  phone: string;
  email: string;
  active: boolean;
  version: number;
  updated_at: Date;
}

export interface DirSettingsTable {
  tenant_id: string;
  categories: string[];
  task_number_format: string;
  job_creation_blocked_roles: string[];
  allowed_upload_types: string[];
  max_upload_bytes: number;
  timezone: string;
  currency: string;
  dispatch_enabled: boolean;
  auto_logging_enabled: boolean;
  min_on_site_seconds: number;
  form_key: string;
  form_primary_color: string;
  form_logo_url: string;
  version: number;
  updated_at: Date;
}

export interface CustomFieldDefJson {
  key: string;
  label: string;
  type: string;
  required: boolean;
  options: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

export interface JobTypesTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  fields: ColumnType<CustomFieldDefJson[], string, string>;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface JobCountersTable {
  tenant_id: string;
  n: number;
}

export interface JobsTable {
  id: string;
  tenant_id: string;
  seq: number;
  number: string;
  title: string;
  description: string;
  category: string;
  priority: string;
  priority_rank: number;
  status: string;
  customer_id: string | null;
  type_id: string | null;
  site_id: string;
  site_address: string;
  site_lat: number | null;
  site_lng: number | null;
  site_radius_m: number;
  start_at: Date;
  due_at: Date | null;
  scheduled_start: Date | null;
  scheduled_end: Date | null;
  completed_at: Date | null;
  percent_complete: number;
  estimated_hours: number;
  billable_hours: number;
  billable: boolean;
  billed: boolean;
  quantity: number;
  price_amount: number | null;
  price_currency: string | null;
  mileage: number;
  expenses_amount: number | null;
  expenses_currency: string | null;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  assignee_ids: string[];
  notify_ids: string[];
  participant_ids: string[];
  requester_id: string | null;
  regarding_user_id: string | null;
  tags: string[];
  related_job_ids: string[];
  custom_fields: ColumnType<Record<string, unknown>, string, string>;
  notify_client_on_change: boolean;
  notify_client_on_complete: boolean;
  delay_causes: string[];
  schedule_conflict: boolean;
  source: string;
  arrived_at: Date | null;
  departed_at: Date | null;
  idempotency_key: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  due_sort: Generated<Date>;
  search: Generated<string>;
}

export interface JobHistoryTable {
  id: string;
  tenant_id: string;
  job_id: string;
  at: Date;
  actor_id: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  reason: string;
  changes: ColumnType<{ field: string; from: unknown; to: unknown }[], string, string>;
  proposal_id: string | null;
  proposed_due_at: Date | null;
  internal: boolean;
}

export interface JobProposalsTable {
  id: string;
  tenant_id: string;
  job_id: string;
  proposed_by: string;
  side: string;
  proposed_due_at: Date;
  message: string;
  state: string;
  created_at: Date;
}

export interface JobDelaysTable {
  tenant_id: string;
  job_id: string;
  cause: string;
  detected_at: Date;
}

export interface JobsDb {
  dir_users: DirUsersTable;
  dir_customers: DirCustomersTable;
  dir_settings: DirSettingsTable;
  job_types: JobTypesTable;
  job_counters: JobCountersTable;
  jobs: JobsTable;
  job_history: JobHistoryTable;
  job_proposals: JobProposalsTable;
  job_delays: JobDelaysTable;
}
