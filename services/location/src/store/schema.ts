// The location database as Kysely sees it: one interface per table of migrations/0001_location.sql.
import type { ColumnType } from 'kysely';

type Json = ColumnType<unknown, string, string>;

export interface DeviceStateTable {
  tenant_id: string;
  device_id: string;
  worker_id: string;
  version: number;
  state: Json | null;
  position: Json | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TrackPointsTable {
  tenant_id: string;
  worker_id: string;
  /** workerKey(tenant_id, worker_id): what the index is on. */
  worker_key: string | null;
  device_id: string;
  device_time: Date;
  seq: number | null;
  lat: number;
  lng: number;
  accuracy_m: number;
  speed_mps: number;
  heading_deg: number;
  battery_pct: number;
  altitude_m: number | null;
  received_at: Date;
}

export interface TenantSettingsTable {
  tenant_id: string;
  min_on_site_seconds: number;
  auto_logging_enabled: boolean;
  dispatch_enabled: boolean;
  position_stale_seconds: number;
  version: number;
  updated_at: Date;
}

export interface SiteFencesTable {
  tenant_id: string;
  customer_id: string;
  site_id: string;
  lat: number;
  lng: number;
  radius_m: number;
  active: boolean;
  customer_version: number;
  updated_at: Date;
}

export interface JobSitesTable {
  tenant_id: string;
  job_id: string;
  status: string;
  assignee_ids: string[];
  customer_id: string;
  site_id: string;
  lat: number | null;
  lng: number | null;
  radius_m: number | null;
  version: number;
  updated_at: Date;
}

export interface WorkerShiftsTable {
  tenant_id: string;
  worker_id: string;
  on_shift: boolean;
  skills: string[];
  updated_by: string;
  updated_at: Date;
}

export interface WorkersTable {
  tenant_id: string;
  worker_id: string;
  role: string;
  active: boolean;
  version: number;
  updated_at: Date;
}

export interface LocationDb {
  device_state: DeviceStateTable;
  track_points: TrackPointsTable;
  tenant_settings: TenantSettingsTable;
  site_fences: SiteFencesTable;
  job_sites: JobSitesTable;
  worker_shifts: WorkerShiftsTable;
  workers: WorkersTable;
}
