// Picks the blob store driver from configuration: a local directory by default, S3-compatible on demand.
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

export type BlobStoreConfig =
  | { driver: 'local'; localDir: string }
  | {
      driver: 's3';
      s3: {
        endpoint: string;
        bucket: string;
        region: string;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
        partSizeBytes?: number;
      };
    };

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  return config.driver === 's3' ? new S3BlobStore(config.s3) : new LocalBlobStore(config.localDir);
}
