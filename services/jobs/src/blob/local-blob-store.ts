// Blob store on a local directory: written to a temp file, fsynced, then renamed into place, so a reader
// never sees half a blob and a failed upload leaves nothing; keys can never reach outside the root.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertBlobKey, BlobNotFound, type BlobStore, InvalidBlobKey, type StoredBlob } from './blob-store.js';

// Inside the root, so the final rename never crosses a file system; the leading dot keeps it out of the key space.
const TMP_DIR = '.tmp';

export class LocalBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file path of `key`; refuses keys that would resolve outside the root (defence in depth). */
  pathOf(key: string): string {
    assertBlobKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new InvalidBlobKey(key, 'resolves outside the store');
    return path;
  }

  async put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    const target = this.pathOf(key);
    const tmpDir = join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const file = await open(tmp, 'wx', 0o640);
    let sizeBytes = 0;
    try {
      try {
        for await (const chunk of body) {
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
            offset += bytesWritten;
          }
          sizeBytes += chunk.byteLength;
        }
        // Durable before it becomes visible: a crash after the rename must not leave an empty file.
        await file.sync();
      } finally {
        await file.close();
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { sizeBytes };
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const path = this.pathOf(key);
    try {
      // Opened here so a missing blob is reported now, not on the first read of the stream.
      const file = await open(path, 'r');
      return file.createReadStream({ highWaterMark: 64 * 1024 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFound(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
