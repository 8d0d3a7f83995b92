// The S3 driver against a real S3-compatible server (s3rver, in-process on 127.0.0.1, speaking the S3 REST
// protocol): single PUT, multipart for large blobs, GET, HEAD, DELETE, failures leaving no object.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import S3rver from 's3rver';
import { BlobNotFound } from '../src/blob/blob-store.js';
import { S3BlobStore, type S3BlobStoreOptions, S3Error } from '../src/blob/s3-blob-store.js';

let server: S3rver;
let dir: string;
let options: S3BlobStoreOptions;
const MIB = 1024 * 1024;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'fieldline', configs: [] }],
  });
  const { port } = await server.run();
  options = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'fieldline',
    region: 'us-east-1',
    // s3rver's fixed credentials; it rejects any request whose signature does not match them.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    partSizeBytes: 5 * MIB,
  };
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function* chunks(buf: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

describe('S3 blob store', () => {
  it('puts, gets, checks and deletes a small blob', async () => {
    const store = new S3BlobStore(options);
    const body = Buffer.from('hello from the field');

    const stored = await store.put('t_1/att_small', chunks(body, 5));
    const back = await readAll(await store.get('t_1/att_small'));
    const existed = await store.exists('t_1/att_small');
    await store.delete('t_1/att_small');

    expect(stored.sizeBytes).toBe(body.length);
    expect(back.equals(body)).toBe(true);
    expect(existed).toBe(true);
    expect(await store.exists('t_1/att_small')).toBe(false);
  });

  it('sends a large blob as a multipart upload and reads it back whole', async () => {
    const store = new S3BlobStore(options);
    const body = Buffer.alloc(11 * MIB + 123);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 251;

    const stored = await store.put('t_1/2026/att_big', chunks(body));
    const back = await readAll(await store.get('t_1/2026/att_big'));

    expect(stored.sizeBytes).toBe(body.length);
    expect(back.equals(body)).toBe(true);
  });

  it('stores an empty blob', async () => {
    const store = new S3BlobStore(options);

    await store.put('t_1/empty', chunks(Buffer.alloc(0)));

    expect((await readAll(await store.get('t_1/empty'))).length).toBe(0);
  });

  it('leaves no object when the body fails, in a single PUT or midway through a multipart upload', async () => {
    const store = new S3BlobStore(options);
    async function* failing(bytes: number) {
      yield* chunks(Buffer.alloc(bytes, 1));
      throw new Error('client went away');
    }

    await expect(store.put('t_1/failed_small', failing(1000))).rejects.toThrow('client went away');
    await expect(store.put('t_1/failed_big', failing(12 * MIB))).rejects.toThrow('client went away');

    expect(await store.exists('t_1/failed_small')).toBe(false);
    expect(await store.exists('t_1/failed_big')).toBe(false);
  });

  it('answers BlobNotFound for a missing key, and deleting one is fine', async () => {
    const store = new S3BlobStore(options);

    await expect(store.get('t_1/missing')).rejects.toBeInstanceOf(BlobNotFound);
    await expect(store.delete('t_1/missing')).resolves.toBeUndefined();
  });

  // s3rver checks the access key but not SigV4 signatures themselves; the signer is checked against AWS's
  // published examples in the signer's unit tests.
  it("surfaces the server's refusal (an unknown access key) as an S3Error with its status and code", async () => {
    const store = new S3BlobStore({ ...options, accessKeyId: 'NOT-A-KEY' });

    const err = await store.put('t_1/forged', chunks(Buffer.from('x'))).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(S3Error);
    expect(err).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
  });
});
