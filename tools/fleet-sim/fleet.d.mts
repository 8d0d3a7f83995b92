// Types of fleet.mjs for TypeScript callers (tests, benchmarks).
export interface LatLng {
  lat: number;
  lng: number;
}

export interface FleetOptions {
  locationAddr?: string;
  gatewayUrl?: string;
  devices: Array<{ token: string; workerId?: string }>;
  workers?: number;
  speed?: number;
  intervalMs?: number;
  center?: LatLng;
  radiusM?: number;
  sites?: LatLng[];
  offlineRate?: number;
  offlineS?: [number, number];
  dwellS?: [number, number];
  spikeRate?: number;
  seed?: number;
  log?: (message: string) => void;
}

export interface FleetStats {
  recorded: number;
  sent: number;
  resent: number;
  acked: number;
  rejected: number;
  reconnects: number;
  errors: number;
  workers: number;
  offline: number;
  buffered: number;
  visits: number;
  seconds: number;
  sentPerSecond: number;
  ackedPerSecond: number;
}

export interface Fleet {
  phones: Array<{
    device: { token: string; workerId?: string };
    link: { offline: boolean; buffered: number; goOffline(): void; goOnline(): void };
  }>;
  sites: LatLng[];
  offline(index: number, ms: number): void;
  stats(): FleetStats;
  stop(options?: { drain?: boolean; timeoutMs?: number }): Promise<void>;
}

export const DEFAULT_CENTER: LatLng;
export function loadDevices(path: string): Array<{ token: string; workerId?: string }>;
export function startFleet(options: FleetOptions): Fleet;
