// Where attachment bytes live: a small interface with a local-directory and an S3-compatible driver.

export interface StoredBlob {
  sizeBytes: number;
}

export interface BlobStore {
  /**
   * Stores the bytes of `body` under `key`. The blob becomes visible only once the whole body has been
   * written: when `body` throws (a refused or aborted upload) nothing is left behind and the error is
   * rethrown as is.
   */
  put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  /** The bytes under `key`, in chunks; throws BlobNotFound when there are none. */
  get(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Removes the blob; removing a missing key is not an error (cleanup paths retry freely). */
  delete(key: string): Promise<void>;
  /** Whether a blob exists under `key` (for checks and tests). */
  exists(key: string): Promise<boolean>;
}

export class BlobNotFound extends Error {
  constructor(readonly key: string) {
    super(`no blob under key ${key}`);
    this.name = 'BlobNotFound';
  }
}

export class InvalidBlobKey extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid blob key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidBlobKey';
  }
}

const MAX_KEY_LENGTH = 512;
// Plain path-like keys only: they map one-to-one onto file paths and S3 object names without escaping surprises.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws InvalidBlobKey unless `key` is a relative path of safe segments (no `..`, no absolute path). */
export function assertBlobKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new InvalidBlobKey(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidBlobKey(key, `longer than ${MAX_KEY_LENGTH} characters`);
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidBlobKey(
        key,
        'each /-separated part must start with a letter or digit and use only A-Z a-z 0-9 . _ -',
      );
    }
  }
  return key;
}
