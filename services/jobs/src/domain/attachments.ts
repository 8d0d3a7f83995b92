// Attachment rules: metadata checks, the tenant's type allow-list and size limit, the content check on
// the first bytes (declared type vs magic bytes) and the category derived from the type.
import { DomainError, InvalidArgument } from '@fieldline/platform';

export type AttachmentCategory = 'photo' | 'document' | 'video' | 'other';
export const ATTACHMENT_CATEGORIES: readonly AttachmentCategory[] = ['photo', 'document', 'video', 'other'];

/** How many leading bytes the content check wants before it decides (fewer when the file is shorter). */
export const SNIFF_BYTES = 512;
const MAX_FILE_NAME = 255;
const MAX_DESCRIPTION = 2000;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const CONTROL = /\p{Cc}/u;

export interface AttachmentMetaInput {
  jobId: string;
  fileName: string;
  contentType: string;
  category: string;
  description: string;
  declaredSizeBytes: number;
}

export interface AttachmentMeta {
  jobId: string;
  fileName: string;
  contentType: string;
  category: AttachmentCategory;
  description: string;
  declaredSizeBytes: number;
}

export interface UploadPolicy {
  allowedTypes: readonly string[];
  maxBytes: number;
}

/** 413: the file is bigger than the tenant allows. Raised as soon as the running total passes the limit. */
export class PayloadTooLarge extends DomainError {
  constructor(maxBytes: number) {
    super('resource_exhausted', 'PAYLOAD_TOO_LARGE', `the file is larger than the limit of ${maxBytes} bytes`, 'file');
  }
}

export function attachmentMeta(input: AttachmentMetaInput): AttachmentMeta {
  const jobId = input.jobId.trim();
  if (jobId === '') throw new InvalidArgument('jobId', 'jobId is required');
  const contentType = mediaType(input.contentType);
  const category = input.category.trim() ? oneCategory(input.category.trim().toLowerCase()) : categoryOf(contentType);
  const description = input.description.trim();
  if ([...description].length > MAX_DESCRIPTION) {
    throw new InvalidArgument('description', `description can have at most ${MAX_DESCRIPTION} characters`);
  }
  if (CONTROL.test(description.replace(/[\n\r\t]/g, ''))) {
    throw new InvalidArgument('description', 'description cannot contain control characters');
  }
  if (!Number.isSafeInteger(input.declaredSizeBytes) || input.declaredSizeBytes < 0) {
    throw new InvalidArgument('declaredSizeBytes', 'declaredSizeBytes must be a whole number of bytes ≥ 0');
  }
  return {
    jobId,
    fileName: fileName(input.fileName),
    contentType,
    category,
    description,
    declaredSizeBytes: input.declaredSizeBytes,
  };
}

/** The base name a browser or phone sent (some send a whole path), trimmed and checked. */
function fileName(value: string): string {
  const name = value.trim().split(/[/\\]/).pop()?.trim() ?? '';
  if (name === '' || name === '.' || name === '..') throw new InvalidArgument('fileName', 'fileName is required');
  if ([...name].length > MAX_FILE_NAME) {
    throw new InvalidArgument('fileName', `fileName can have at most ${MAX_FILE_NAME} characters`);
  }
  if (CONTROL.test(name)) throw new InvalidArgument('fileName', 'fileName cannot contain control characters');
  return name;
}

/** `Image/PNG; charset=x` → `image/png`; parameters do not take part in the allow-list. */
function mediaType(value: string): string {
  const type = value.split(';')[0]!.trim().toLowerCase();
  if (type === '') throw new InvalidArgument('contentType', 'contentType is required');
  if (!MIME.test(type)) throw new InvalidArgument('contentType', `"${type}" is not a MIME type (type/subtype)`);
  return type;
}

function oneCategory(value: string): AttachmentCategory {
  if (!ATTACHMENT_CATEGORIES.includes(value as AttachmentCategory)) {
    throw new InvalidArgument('category', `category must be one of ${ATTACHMENT_CATEGORIES.join(', ')}`);
  }
  return value as AttachmentCategory;
}

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/msword',
  'application/rtf',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'text/plain',
  'text/csv',
]);

export function categoryOf(contentType: string): AttachmentCategory {
  if (contentType.startsWith('image/')) return 'photo';
  if (contentType.startsWith('video/')) return 'video';
  if (DOCUMENT_TYPES.has(contentType)) return 'document';
  return 'other';
}

/** Checks what is known before any byte arrives: the declared type and size against the tenant's policy. */
export function checkDeclared(meta: AttachmentMeta, policy: UploadPolicy): void {
  if (!policy.allowedTypes.includes(meta.contentType)) {
    throw new InvalidArgument(
      'contentType',
      `files of type ${meta.contentType} are not accepted here (allowed: ${policy.allowedTypes.join(', ') || 'none'})`,
      'UNSUPPORTED_CONTENT_TYPE',
    );
  }
  if (meta.declaredSizeBytes > policy.maxBytes) throw new PayloadTooLarge(policy.maxBytes);
}

/** Throws PayloadTooLarge once `total` bytes received pass the limit. */
export function checkRunningSize(total: number, policy: UploadPolicy): void {
  if (total > policy.maxBytes) throw new PayloadTooLarge(policy.maxBytes);
}

// ---------- content check ----------

type Matcher = (b: Uint8Array) => boolean;

const at =
  (offset: number, ...bytes: number[]): Matcher =>
  (b) =>
    b.length >= offset + bytes.length && bytes.every((x, i) => b[offset + i] === x);
const ascii = (offset: number, text: string): Matcher => at(offset, ...[...text].map((c) => c.charCodeAt(0)));
const all =
  (...ms: Matcher[]): Matcher =>
  (b) =>
    ms.every((m) => m(b));
const any =
  (...ms: Matcher[]): Matcher =>
  (b) =>
    ms.some((m) => m(b));
const brand = (...brands: string[]): Matcher => all(ascii(4, 'ftyp'), any(...brands.map((x) => ascii(8, x))));

const png = at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const jpeg = at(0, 0xff, 0xd8, 0xff);
const gif = any(ascii(0, 'GIF87a'), ascii(0, 'GIF89a'));
const riff = (kind: string) => all(ascii(0, 'RIFF'), ascii(8, kind));
const tiff = any(at(0, 0x49, 0x49, 0x2a, 0x00), at(0, 0x4d, 0x4d, 0x00, 0x2a));
const heif = brand('heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1');
const avif = brand('avif', 'avis');
const isoMedia = ascii(4, 'ftyp');
const quickTimeAtom = any(...['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].map((a) => ascii(4, a)));
const ebml = at(0, 0x1a, 0x45, 0xdf, 0xa3);
const zip = any(at(0, 0x50, 0x4b, 0x03, 0x04), at(0, 0x50, 0x4b, 0x05, 0x06));
const ole2 = at(0, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
// PDF readers accept the header anywhere in the first KiB; we look within what we sniffed.
const pdf: Matcher = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf('%PDF-') !== -1;

/** For each type we can recognise, what its first bytes must look like. */
const SIGNATURES: Record<string, Matcher> = {
  'image/png': png,
  'image/jpeg': jpeg,
  'image/jpg': jpeg,
  'image/pjpeg': jpeg,
  'image/gif': gif,
  'image/webp': riff('WEBP'),
  'image/bmp': ascii(0, 'BM'),
  'image/tiff': tiff,
  'image/heic': heif,
  'image/heif': heif,
  'image/avif': avif,
  'application/pdf': pdf,
  'application/zip': zip,
  'application/x-zip-compressed': zip,
  'application/epub+zip': zip,
  'application/msword': ole2,
  'application/vnd.ms-excel': ole2,
  'application/vnd.ms-powerpoint': ole2,
  'application/vnd.ms-outlook': ole2,
  'application/rtf': ascii(0, '{\\rtf'),
  'application/gzip': at(0, 0x1f, 0x8b),
  'application/x-7z-compressed': at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c),
  'video/mp4': isoMedia,
  'video/x-m4v': isoMedia,
  'video/3gpp': isoMedia,
  'video/quicktime': any(isoMedia, quickTimeAtom),
  'video/webm': ebml,
  'video/x-matroska': ebml,
  'video/x-msvideo': riff('AVI '),
  'video/mpeg': any(at(0, 0x00, 0x00, 0x01, 0xba), at(0, 0x00, 0x00, 0x01, 0xb3)),
  'video/ogg': ascii(0, 'OggS'),
  'audio/ogg': ascii(0, 'OggS'),
  'audio/mpeg': any(ascii(0, 'ID3'), at(0, 0xff, 0xfb), at(0, 0xff, 0xf3), at(0, 0xff, 0xf2)),
  'audio/mp4': isoMedia,
  'audio/wav': riff('WAVE'),
  'audio/x-wav': riff('WAVE'),
};
for (const prefix of ['wordprocessingml.document', 'spreadsheetml.sheet', 'presentationml.presentation']) {
  SIGNATURES[`application/vnd.openxmlformats-officedocument.${prefix}`] = zip;
}
for (const kind of ['text', 'spreadsheet', 'presentation'])
  SIGNATURES[`application/vnd.oasis.opendocument.${kind}`] = zip;

const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/csv', 'image/svg+xml']);
const isTextType = (type: string) => type.startsWith('text/') || TEXT_TYPES.has(type);

// Programs are refused whatever they claim to be: the point of the check (an .exe renamed to .png).
const EXECUTABLES: Array<[string, Matcher]> = [
  // MZ alone could begin a text; a real PE/DOS header has NUL bytes right after.
  ['application/x-msdownload', (b) => ascii(0, 'MZ')(b) && b.subarray(2, 64).includes(0)],
  ['application/x-elf', at(0, 0x7f, 0x45, 0x4c, 0x46)],
  [
    'application/x-mach-binary',
    any(
      at(0, 0xfe, 0xed, 0xfa, 0xce),
      at(0, 0xfe, 0xed, 0xfa, 0xcf),
      at(0, 0xce, 0xfa, 0xed, 0xfe),
      at(0, 0xcf, 0xfa, 0xed, 0xfe),
    ),
  ],
  ['application/java-vm', at(0, 0xca, 0xfe, 0xba, 0xbe)],
  ['text/x-shellscript', ascii(0, '#!')],
];

/** The type the first bytes reveal, when they reveal one we know (for messages and logs). */
export function sniffContentType(head: Uint8Array): string | undefined {
  for (const [type, matches] of EXECUTABLES) if (matches(head)) return type;
  for (const [type, matches] of Object.entries(SIGNATURES)) {
    if (matches(head) && type !== 'image/bmp') return type; // "BM" is too weak to name a type on its own
  }
  return looksLikeText(head) ? 'text/plain' : undefined;
}

/**
 * Refuses content whose first bytes contradict the declared type: a program under any name, a known
 * format whose magic bytes are missing, binary bytes declared as text. Types we have no signature for
 * pass when they are not programs (the tenant allow-listed them knowingly).
 */
export function checkContent(declaredType: string, head: Uint8Array): void {
  const executable = EXECUTABLES.find(([, matches]) => matches(head));
  if (executable) {
    throw mismatch(`the file is a program (${executable[0]}), not ${declaredType}`);
  }
  const signature = SIGNATURES[declaredType];
  if (signature) {
    if (!signature(head)) {
      const seen = sniffContentType(head);
      throw mismatch(`the file content is not ${declaredType}${seen ? ` (it looks like ${seen})` : ''}`);
    }
    return;
  }
  if (isTextType(declaredType) && !looksLikeText(head)) {
    throw mismatch(`the file content is binary, not ${declaredType}`);
  }
}

function mismatch(message: string): InvalidArgument {
  return new InvalidArgument('contentType', message, 'CONTENT_TYPE_MISMATCH');
}

/** UTF-8 (or UTF-16 with a BOM) without NUL bytes; a multi-byte character cut at the end of `head` is fine. */
function looksLikeText(head: Uint8Array): boolean {
  if (at(0, 0xff, 0xfe)(head) || at(0, 0xfe, 0xff)(head)) return true;
  if (head.includes(0)) return false;
  // Trim a possibly truncated trailing sequence (at most 3 bytes) before strict decoding.
  for (let cut = 0; cut <= Math.min(3, head.length); cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try with one byte less
    }
  }
  return false;
}

/** When the size was declared, an upload that ends short of it was cut off, not finished. */
export function checkDeclaredSizeReached(declared: number, received: number): void {
  if (declared > 0 && received !== declared) {
    throw new InvalidArgument(
      'file',
      `the upload ended after ${received} of the ${declared} bytes declared`,
      'UPLOAD_INCOMPLETE',
    );
  }
}

/** An upload that ended without a byte is refused: there is nothing to attach. */
export function checkNotEmpty(total: number): void {
  if (total === 0) throw new InvalidArgument('file', 'the file is empty', 'EMPTY_FILE');
}

export interface Attachment {
  id: string;
  tenantId: string;
  jobId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  category: AttachmentCategory;
  description: string;
  active: boolean;
  viewCount: number;
  sha256: string;
  /** Where the bytes are in the blob store; never shown to callers. */
  blobKey: string;
  uploadedBy: string;
  createdAt: Date;
}
