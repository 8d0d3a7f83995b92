// Unit tests of the public form page's building blocks: escaping, readable button text, the CSP's style hash.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { escapeHtml, formPage, messagePage, textColorOn } from './public-form.page.js';

const form = { formKey: 'k', tenantName: 'Acme', primaryColor: '#003366', logoUrl: null, categories: [] };

describe('the public form page', () => {
  it('escapes every character that could open a tag or end an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;',
    );
  });

  it('puts white text on dark colours and black on light ones', () => {
    expect(textColorOn('#003366')).toBe('#ffffff');
    expect(textColorOn('#ffcc00')).toBe('#000000');
    expect(textColorOn('#000000')).toBe('#ffffff');
    expect(textColorOn('#ffffff')).toBe('#000000');
  });

  it('allows exactly its one stylesheet by hash, no scripts, and no images without a logo', () => {
    const page = formPage(form, '/v1/public/requests/k');
    const css = /<style>([\s\S]*?)<\/style>/.exec(page.html)?.[1] ?? '';

    expect(page.csp).toContain(`style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(page.csp).toContain("img-src 'none'");
    expect(page.html).not.toContain('<script');
    expect(page.html).not.toContain('<select');
  });

  it('writes messages as text', () => {
    expect(messagePage('Oops', '<b>bad</b>').html).toContain('&#60;b&#62;bad&#60;/b&#62;');
  });
});
