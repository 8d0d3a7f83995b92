// The local blob store (atomic writes, keys confined to the root, failed writes leave nothing) and the
// SigV4 signer of the S3 driver against AWS's published examples.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { assertBlobKey, BlobNotFound, InvalidBlobKey } from '../src/blob/blob-store.js';
import { createBlobStore } from '../src/blob/create-blob-store.js';
import { LocalBlobStore } from '../src/blob/local-blob-store.js';
import { S3BlobStore } from '../src/blob/s3-blob-store.js';
import { amzDate, canonicalQuery, EMPTY_SHA256, sha256Hex, signV4, uriEncodePath } from '../src/blob/sigv4.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

/** Every file under `dir`, relative, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('local blob store', () => {
  let root: string;
  let store: LocalBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fl-blobs-'));
    store = new LocalBlobStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores a blob from chunks and streams it back', async () => {
    const stored = await store.put('t_1/att_1', chunks('hello ', 'world'));

    expect(stored).toEqual({ sizeBytes: 11 });
    expect((await readAll(await store.get('t_1/att_1'))).toString()).toBe('hello world');
    expect(await store.exists('t_1/att_1')).toBe(true);
    expect(await readFile(join(root, 't_1', 'att_1'), 'utf8')).toBe('hello world');
  });

  it('leaves nothing, not even a temp file, when the body fails midway', async () => {
    async function* failing() {
      yield Buffer.from('first part');
      throw new Error('client went away');
    }

    await expect(store.put('t_1/att_2', failing())).rejects.toThrow('client went away');

    expect(await store.exists('t_1/att_2')).toBe(false);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('never shows a half-written blob under its key', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let midway!: () => void;
    const reachedMidway = new Promise<void>((r) => {
      midway = r;
    });
    async function* slow() {
      yield Buffer.from('part one;');
      midway();
      await gate;
      yield Buffer.from('part two');
    }

    const writing = store.put('t_1/att_3', slow());
    await reachedMidway;
    const visibleMidway = await store.exists('t_1/att_3');
    release();
    await writing;

    expect(visibleMidway).toBe(false);
    expect((await readAll(await store.get('t_1/att_3'))).toString()).toBe('part one;part two');
  });

  it.each([
    '../outside',
    'a/../../outside',
    '/etc/passwd',
    'a//b',
    'a/./b',
    '.tmp/x',
    '..',
    '',
    'a\\..\\b',
    'a/b\u0000c',
    'with space',
    'a'.repeat(513),
  ])('refuses the key %p on every operation', async (key) => {
    await expect(store.put(key, chunks('x'))).rejects.toBeInstanceOf(InvalidBlobKey);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKey);
    await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKey);
    await expect(store.exists(key)).rejects.toBeInstanceOf(InvalidBlobKey);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('answers BlobNotFound for a missing key, and deleting it twice is fine', async () => {
    await expect(store.get('t_1/missing')).rejects.toBeInstanceOf(BlobNotFound);

    await store.put('t_1/gone', chunks('x'));
    await store.delete('t_1/gone');
    await store.delete('t_1/gone');

    expect(await store.exists('t_1/gone')).toBe(false);
  });

  it('stores an empty blob and a large one in many chunks', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    const parts = Array.from({ length: 49 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));

    await store.put('t_1/empty', chunks());
    const stored = await store.put('t_1/big', chunks(...parts));

    expect((await readAll(await store.get('t_1/empty'))).length).toBe(0);
    expect(stored.sizeBytes).toBe(big.length);
    expect((await readAll(await store.get('t_1/big'))).equals(big)).toBe(true);
  });

  it('is the default driver', () => {
    expect(createBlobStore({ driver: 'local', localDir: root })).toBeInstanceOf(LocalBlobStore);
  });
});

describe('blob keys', () => {
  it('accepts the keys attachments use', () => {
    expect(assertBlobKey('t_0190abc/2026/03/att_0190def')).toBe('t_0190abc/2026/03/att_0190def');
  });
});

describe('SigV4 signing (AWS published examples)', () => {
  const suite = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    service: 'service',
  };
  const s3 = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
    service: 's3',
  };
  const s3Headers = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z' };

  it('signs the test suite "get-vanilla" request', () => {
    const r = signV4(
      {
        method: 'GET',
        path: '/',
        headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
        payloadHash: EMPTY_SHA256,
      },
      suite,
    );

    expect(r.canonicalRequest).toBe(
      `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    );
    expect(r.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs "get-vanilla-query-order-key-case" (query sorted before signing)', () => {
    const r = signV4(
      {
        method: 'GET',
        path: '/',
        query: { Param2: 'value2', Param1: 'value1' },
        headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
        payloadHash: EMPTY_SHA256,
      },
      suite,
    );

    expect(r.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('signs the S3 "GET object" example (Range header)', () => {
    const r = signV4(
      {
        method: 'GET',
        path: '/test.txt',
        headers: { ...s3Headers, range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256 },
        payloadHash: EMPTY_SHA256,
      },
      s3,
    );

    expect(r.signedHeaders).toBe('host;range;x-amz-content-sha256;x-amz-date');
    expect(r.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('signs the S3 "PUT object" example (encoded key, body hash)', () => {
    const payloadHash = sha256Hex('Welcome to Amazon S3.');
    const r = signV4(
      {
        method: 'PUT',
        path: uriEncodePath('/test$file.text'),
        headers: {
          ...s3Headers,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': payloadHash,
        },
        payloadHash,
      },
      s3,
    );

    expect(payloadHash).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(r.canonicalRequest.split('\n')[1]).toBe('/test%24file.text');
    expect(r.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('signs the S3 "list objects" example (query values)', () => {
    const r = signV4(
      {
        method: 'GET',
        path: '/',
        query: { 'max-keys': '2', prefix: 'J' },
        headers: { ...s3Headers, 'x-amz-content-sha256': EMPTY_SHA256 },
        payloadHash: EMPTY_SHA256,
      },
      s3,
    );

    expect(r.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('encodes paths and queries the RFC 3986 way and formats x-amz-date', () => {
    expect(uriEncodePath("/bucket/a b+c!'()*/ключ")).toBe('/bucket/a%20b%2Bc%21%27%28%29%2A/%D0%BA%D0%BB%D1%8E%D1%87');
    expect(canonicalQuery({ uploads: '' })).toBe('uploads=');
    expect(canonicalQuery({ b: '2', a: 'x y', A: '0' })).toBe('A=0&a=x%20y&b=2');
    expect(amzDate(new Date('2013-05-24T00:00:00.123Z'))).toBe('20130524T000000Z');
  });

  it('builds the S3 driver from configuration', () => {
    const store = createBlobStore({
      driver: 's3',
      s3: {
        endpoint: 'http://127.0.0.1:1',
        bucket: 'b',
        region: 'us-east-1',
        accessKeyId: 'k',
        secretAccessKey: 's',
        forcePathStyle: true,
      },
    });
    expect(store).toBeInstanceOf(S3BlobStore);
  });
});
