// A Content-Disposition header that makes browsers download a file under its name, safely (RFC 6266 / 8187).

// RFC 8187 attr-char: everything else in a filename* value is percent-encoded.
const NOT_ATTR_CHAR = /[^A-Za-z0-9!#$&+.^_`|~-]/gu;

/** `attachment; filename="plain fallback"; filename*=UTF-8''exact%20name`: nothing a header could be split on. */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_').trim() || 'download';
  const exact = Array.from(fileName)
    .map((c) =>
      c.replace(NOT_ATTR_CHAR, (x) =>
        Array.from(Buffer.from(x, 'utf8'))
          .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
          .join(''),
      ),
    )
    .join('');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
