// Attachment rules: metadata, the tenant's allow-list and limit, and the declared type against the magic bytes.
import { describe, expect, it } from '@jest/globals';
import {
  attachmentMeta,
  categoryOf,
  checkContent,
  checkDeclared,
  checkDeclaredSizeReached,
  checkNotEmpty,
  checkRunningSize,
  PayloadTooLarge,
  sniffContentType,
} from './attachments.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1');
const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.from([0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]),
  Buffer.alloc(48),
]);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(8)]);
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(8)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

const meta = (over: Partial<Parameters<typeof attachmentMeta>[0]> = {}) =>
  attachmentMeta({
    jobId: 'job_1',
    fileName: 'boiler.png',
    contentType: 'image/png',
    category: '',
    description: '',
    declaredSizeBytes: 0,
    ...over,
  });

const policy = { allowedTypes: ['image/png', 'application/pdf', 'text/plain'], maxBytes: 1000 };

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; code: string; field?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('attachment metadata', () => {
  it('keeps the base name of a path-like file name and normalises the media type', () => {
    const m = meta({ fileName: 'C:\\fakepath\\boiler.png', contentType: ' Image/PNG; charset=binary ' });

    expect(m).toMatchObject({ fileName: 'boiler.png', contentType: 'image/png', category: 'photo' });
  });

  it('derives the category from the type when none is given, and checks a given one', () => {
    expect(meta({ contentType: 'video/mp4' }).category).toBe('video');
    expect(meta({ contentType: 'application/pdf' }).category).toBe('document');
    expect(meta({ contentType: 'application/zip' }).category).toBe('other');
    expect(meta({ contentType: 'image/png', category: 'Document' }).category).toBe('document');
    expect(errorOf(() => meta({ category: 'selfie' }))).toMatchObject({ kind: 'invalid_argument', field: 'category' });
  });

  it('names the field at fault', () => {
    expect(errorOf(() => meta({ jobId: ' ' })).field).toBe('jobId');
    expect(errorOf(() => meta({ fileName: '' })).field).toBe('fileName');
    expect(errorOf(() => meta({ fileName: 'a\u0000.png' })).field).toBe('fileName');
    expect(errorOf(() => meta({ fileName: `${'x'.repeat(256)}.png` })).field).toBe('fileName');
    expect(errorOf(() => meta({ contentType: 'png' })).field).toBe('contentType');
    expect(errorOf(() => meta({ description: 'x'.repeat(2001) })).field).toBe('description');
    expect(errorOf(() => meta({ description: 'a\u0000b' })).field).toBe('description');
    expect(meta({ description: 'line one\nline two' }).description).toBe('line one\nline two');
    expect(errorOf(() => meta({ declaredSizeBytes: -1 })).field).toBe('declaredSizeBytes');
  });

  it('maps every category as the API documents', () => {
    expect(categoryOf('image/heic')).toBe('photo');
    expect(categoryOf('text/plain')).toBe('document');
    expect(categoryOf('application/octet-stream')).toBe('other');
  });
});

describe('tenant upload policy', () => {
  it('refuses a declared type outside the allow-list, naming contentType', () => {
    const err = errorOf(() => checkDeclared(meta({ contentType: 'application/zip' }), policy));

    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'UNSUPPORTED_CONTENT_TYPE', field: 'contentType' });
  });

  it('refuses a declared size over the limit before any byte, and a running total as soon as it passes', () => {
    expect(errorOf(() => checkDeclared(meta({ declaredSizeBytes: 1001 }), policy))).toBeInstanceOf(PayloadTooLarge);
    expect(() => checkRunningSize(1000, policy)).not.toThrow();
    expect(errorOf(() => checkRunningSize(1001, policy))).toMatchObject({
      kind: 'resource_exhausted',
      code: 'PAYLOAD_TOO_LARGE',
      field: 'file',
    });
  });

  it('refuses an empty file', () => {
    expect(errorOf(() => checkNotEmpty(0))).toMatchObject({ code: 'EMPTY_FILE', field: 'file' });
  });
});

describe('content check (declared type vs magic bytes)', () => {
  it.each([
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['application/pdf', PDF],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', ZIP],
    ['application/msword', OLE2],
    ['video/mp4', MP4],
    ['image/heic', HEIC],
    ['image/webp', WEBP],
    ['text/plain', Buffer.from('Boiler pressure 1.5 bar, valve replaced — Grüße')],
  ])('accepts real %s content', (type, head) => {
    expect(() => checkContent(type, head)).not.toThrow();
  });

  it('refuses a Windows program renamed to .png, saying what it is', () => {
    const err = errorOf(() => checkContent('image/png', EXE));

    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'CONTENT_TYPE_MISMATCH', field: 'contentType' });
    expect(err.message).toContain('program');
  });

  it('refuses programs whatever type they claim, even an unknown or textual one', () => {
    expect(errorOf(() => checkContent('application/octet-stream', ELF)).code).toBe('CONTENT_TYPE_MISMATCH');
    expect(errorOf(() => checkContent('text/plain', Buffer.from('#!/bin/sh\nrm -rf /'))).code).toBe(
      'CONTENT_TYPE_MISMATCH',
    );
  });

  it('refuses a PDF declared as a PNG and names what it looks like', () => {
    expect(errorOf(() => checkContent('image/png', PDF)).message).toContain('application/pdf');
  });

  it('refuses binary bytes declared as text', () => {
    expect(errorOf(() => checkContent('text/plain', PNG)).code).toBe('CONTENT_TYPE_MISMATCH');
  });

  it('takes a text whose last multi-byte character was cut by the sniff window', () => {
    const head = Buffer.from('Grüße €');
    expect(() => checkContent('text/plain', head.subarray(0, head.length - 1))).not.toThrow();
  });

  it('lets a text starting with "MZ" be text (no DOS header behind it)', () => {
    expect(() => checkContent('text/plain', Buffer.from('MZ Plumbing: invoice 42'))).not.toThrow();
  });

  it('sniffs the common types', () => {
    expect(sniffContentType(PNG)).toBe('image/png');
    expect(sniffContentType(EXE)).toBe('application/x-msdownload');
    expect(sniffContentType(ZIP)).toBe('application/zip');
    expect(sniffContentType(Buffer.from('hello'))).toBe('text/plain');
    expect(sniffContentType(Buffer.from([0, 1, 2, 3]))).toBeUndefined();
  });
});

describe('declared size', () => {
  it('refuses an upload that ended short of (or past) its declared size, and ignores an undeclared one', () => {
    expect(() => checkDeclaredSizeReached(0, 10)).not.toThrow();
    expect(() => checkDeclaredSizeReached(10, 10)).not.toThrow();
    expect(errorOf(() => checkDeclaredSizeReached(10, 7))).toMatchObject({ code: 'UPLOAD_INCOMPLETE', field: 'file' });
    expect(errorOf(() => checkDeclaredSizeReached(10, 11))).toMatchObject({ code: 'UPLOAD_INCOMPLETE', field: 'file' });
  });
});
