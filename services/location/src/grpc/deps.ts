// What the handlers need: the engine and the pipeline in front of it, the database, the directory, the clock.
import type { Logger } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { WorkersDirectory } from '../clients/workers-directory.js';
import type { LocationEngine } from '../domain/engine.js';
import type { DeviceAuth } from '../ingest/device-auth.js';
import type { IngestPipeline } from '../ingest/ingest-pipeline.js';
import type { PingStreams } from '../ingest/ping-stream.js';
import type { LocationDb } from '../store/schema.js';
import type { StateSync } from '../sync/state-sync.js';

export interface LocationDeps {
  db: Kysely<LocationDb>;
  engine: LocationEngine;
  pipeline: IngestPipeline;
  /** The open device streams (ended gracefully at shutdown). */
  streams: PingStreams;
  deviceAuth: DeviceAuth;
  directory: WorkersDirectory;
  state: StateSync;
  log: Logger;
  /** Injectable so tests can move time (staleness, retention). */
  clock: () => Date;
  /** Most pings in one IngestPings call or PingBatch message. */
  maxBatch: number;
}
