// Unit tests of the download header: a safe ASCII fallback and the exact name percent-encoded.
import { describe, expect, it } from '@jest/globals';
import { attachmentDisposition } from './content-disposition.js';

describe('attachmentDisposition', () => {
  it('keeps a plain name as it is', () => {
    expect(attachmentDisposition('report-2030.pdf')).toBe(
      `attachment; filename="report-2030.pdf"; filename*=UTF-8''report-2030.pdf`,
    );
  });

  it('cannot be broken out of: quotes, backslashes and line breaks never reach the header raw', () => {
    const header = attachmentDisposition('a"b\\c\r\nSet-Cookie: x=1.txt');

    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="a_b_c__Set-Cookie: x=1.txt"');
    expect(header).toContain("filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1.txt");
  });

  it('encodes non-ASCII names in UTF-8 and falls back to a name when nothing printable is left', () => {
    expect(attachmentDisposition('été.png')).toBe(`attachment; filename="_t_.png"; filename*=UTF-8''%C3%A9t%C3%A9.png`);
    expect(attachmentDisposition('写真')).toContain('filename="__"');
    expect(attachmentDisposition('')).toContain('filename="download"');
  });
});
