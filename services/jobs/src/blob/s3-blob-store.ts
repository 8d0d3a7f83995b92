// Blob store on an S3-compatible server (AWS S3, MinIO, Ceph, ...) over fetch with SigV4 signatures: small
// blobs in one PUT, large ones as a multipart upload (aborted on failure, so nothing half-written stays).
import { assertBlobKey, BlobNotFound, type BlobStore, type StoredBlob } from './blob-store.js';
import { amzDate, canonicalQuery, EMPTY_SHA256, sha256Hex, signV4, uriEncodePath } from './sigv4.js';

export interface S3BlobStoreOptions {
  /** e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `endpoint/bucket/key` (MinIO and most self-hosted servers) instead of `bucket.endpoint/key`. */
  forcePathStyle: boolean;
  /** Blobs up to this size go in one PUT; bigger ones in parts of this size (S3 wants ≥ 5 MiB but the last). */
  partSizeBytes?: number;
  requestTimeoutMs?: number;
  clock?: () => Date;
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`S3 ${status} ${code}: ${message}`);
    this.name = 'S3Error';
  }
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

interface S3Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  key: string;
  query?: Record<string, string>;
  body?: Buffer;
  headers?: Record<string, string>;
}

export class S3BlobStore implements BlobStore {
  private readonly base: URL;
  private readonly partSize: number;
  private readonly timeoutMs: number;
  private readonly clock: () => Date;

  constructor(private readonly opts: S3BlobStoreOptions) {
    const endpoint = new URL(opts.endpoint);
    this.base = opts.forcePathStyle ? endpoint : new URL(`${endpoint.protocol}//${opts.bucket}.${endpoint.host}`);
    this.partSize = opts.partSizeBytes ?? DEFAULT_PART_SIZE;
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.clock = opts.clock ?? (() => new Date());
  }

  async put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    assertBlobKey(key);
    const parts = splitIntoParts(body, this.partSize);
    const first = await parts.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    const second = first.done ? first : await parts.next();
    if (second.done) {
      await this.expectOk(await this.call({ method: 'PUT', key, body: firstPart }));
      return { sizeBytes: firstPart.byteLength };
    }
    return this.multipart(key, [firstPart, second.value], parts);
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    assertBlobKey(key);
    const res = await this.call({ method: 'GET', key });
    if (res.status === 404) {
      await res.body?.cancel();
      throw new BlobNotFound(key);
    }
    await this.expectOk(res, { keepBody: true });
    if (!res.body) return (async function* () {})();
    return res.body;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    const res = await this.call({ method: 'DELETE', key });
    if (res.status === 404) return;
    await this.expectOk(res);
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    const res = await this.call({ method: 'HEAD', key });
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) throw new S3Error(res.status, 'HeadFailed', `HEAD ${key} answered ${res.status}`);
    return true;
  }

  private async multipart(
    key: string,
    firstParts: Buffer[],
    rest: AsyncGenerator<Buffer, void, undefined>,
  ): Promise<StoredBlob> {
    const created = await this.call({ method: 'POST', key, query: { uploads: '' } });
    const uploadId = xmlValue(await this.expectOk(created), 'UploadId');
    if (!uploadId) throw new S3Error(created.status, 'NoUploadId', 'CreateMultipartUpload returned no UploadId');
    const etags: string[] = [];
    let sizeBytes = 0;
    try {
      const upload = async (part: Buffer) => {
        const partNumber = String(etags.length + 1);
        const res = await this.call({ method: 'PUT', key, query: { partNumber, uploadId }, body: part });
        await this.expectOk(res);
        const etag = res.headers.get('etag');
        if (!etag) throw new S3Error(res.status, 'NoETag', `UploadPart ${partNumber} returned no ETag`);
        etags.push(etag);
        sizeBytes += part.byteLength;
      };
      for (const part of firstParts) await upload(part);
      for await (const part of rest) await upload(part);
      const manifest = `<CompleteMultipartUpload>${etags
        .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`)
        .join('')}</CompleteMultipartUpload>`;
      const done = await this.call({
        method: 'POST',
        key,
        query: { uploadId },
        body: Buffer.from(manifest),
        headers: { 'content-type': 'application/xml' },
      });
      // CompleteMultipartUpload may answer 200 with an <Error> body.
      const text = await this.expectOk(done);
      if (/<Error>/.test(text)) throw s3ErrorOf(done.status, text);
      return { sizeBytes };
    } catch (err) {
      await this.call({ method: 'DELETE', key, query: { uploadId } })
        .then((res) => res.body?.cancel())
        .catch(() => {}); // the original failure is what matters; an abandoned upload expires by bucket policy
      throw err;
    }
  }

  private async call(c: S3Call): Promise<Response> {
    const path = this.opts.forcePathStyle
      ? `${this.base.pathname.replace(/\/$/, '')}/${this.opts.bucket}/${uriEncodePath(c.key)}`
      : `/${uriEncodePath(c.key)}`;
    const query = canonicalQuery(c.query);
    const url = `${this.base.origin}${path}${query ? `?${query}` : ''}`;
    const payloadHash = c.body ? sha256Hex(c.body) : EMPTY_SHA256;
    const headers: Record<string, string> = {
      ...c.headers,
      host: this.base.host,
      'x-amz-date': amzDate(this.clock()),
      'x-amz-content-sha256': payloadHash,
    };
    const { authorization } = signV4(
      { method: c.method, path, query: c.query, headers, payloadHash },
      {
        accessKeyId: this.opts.accessKeyId,
        secretAccessKey: this.opts.secretAccessKey,
        region: this.opts.region,
        service: 's3',
      },
    );
    const { host: _host, ...sent } = headers; // fetch sets Host from the URL itself
    return fetch(url, {
      method: c.method,
      headers: { ...sent, authorization },
      body: c.body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  /** The response text when the status is 2xx, else an S3Error with the server's code and message. */
  private async expectOk(res: Response, opts: { keepBody?: boolean } = {}): Promise<string> {
    if (res.ok) return opts.keepBody ? '' : res.text();
    throw s3ErrorOf(res.status, await res.text().catch(() => ''));
  }
}

/** Regroups a stream of chunks into parts of exactly `size` bytes (the last one shorter). */
async function* splitIntoParts(body: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer, void, undefined> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of body) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (pendingBytes + buf.byteLength >= size) {
      const take = size - pendingBytes;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      buf = buf.subarray(take);
    }
    if (buf.byteLength > 0) {
      // Copied: the caller may reuse its chunk buffers once we return.
      pending.push(Buffer.from(buf));
      pendingBytes += buf.byteLength;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

function xmlValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

function s3ErrorOf(status: number, body: string): S3Error {
  return new S3Error(
    status,
    xmlValue(body, 'Code') ?? `HTTP${status}`,
    xmlValue(body, 'Message') ?? (body.slice(0, 200) || 'no details'),
  );
}

function escapeXml(text: string): string {
  // Quotes stay: ETags are quoted strings and S3 expects them verbatim.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
