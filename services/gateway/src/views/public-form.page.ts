// The embeddable public request form as an accessible HTML page in the tenant's colours and logo, and the
// small pages a form post answers with. Everything from outside is escaped; the CSP allows only what each
// page needs (its one stylesheet by hash, the logo's origin, posting to ourselves, being framed anywhere).
import { createHash } from 'node:crypto';
import type { toPublicFormView } from './public-form.view.js';

export type Page = { html: string; csp: string };
type FormConfig = ReturnType<typeof toPublicFormView>;

const DEFAULT_COLOR = '#1f5fbf';

/** Text made safe for HTML content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Black or white text, whichever reads better on `hex` (WCAG relative luminance). */
export function textColorOn(hex: string): '#000000' | '#ffffff' {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05: pick the larger.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

function stylesheet(color: string): string {
  return [
    'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1.5rem;color:#1a1a1a;background:#fff;line-height:1.5}',
    'main{max-width:36rem;margin:0 auto}',
    'header{display:flex;align-items:center;gap:1rem;margin-bottom:1rem}',
    'header img{max-height:3rem;max-width:10rem}',
    'h1{font-size:1.5rem;margin:0}',
    'label{display:block;font-weight:600;margin-top:1rem}',
    'input,select,textarea{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;border:1px solid #767676;border-radius:4px}',
    'textarea{min-height:7rem}',
    `input:focus,select:focus,textarea:focus,button:focus{outline:3px solid ${color};outline-offset:2px}`,
    `button{margin-top:1.5rem;padding:.75rem 1.5rem;font:inherit;font-weight:600;border:0;border-radius:4px;background:${color};color:${textColorOn(color)};cursor:pointer}`,
    '.hint{color:#555;font-size:.9rem;margin:.25rem 0 0}',
    // Off-screen rather than display:none: people never reach it, naive bots still fill it in.
    '.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}',
  ].join('\n');
}

function page(title: string, body: string, color: string, imgSrc?: string): Page {
  const css = stylesheet(color);
  const hash = createHash('sha256').update(css).digest('base64');
  const csp = [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    `img-src ${imgSrc ?? "'none'"}`,
    "form-action 'self'",
    "base-uri 'none'",
    // Tenants embed the form on their own sites, whichever those are.
    'frame-ancestors *',
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
  return { html, csp };
}

const field = (id: string, label: string, input: string, hint?: string) =>
  `<label for="${id}">${label}</label>${hint ? `\n<p class="hint" id="${id}-hint">${hint}</p>` : ''}\n${input}`;

/** The form page of `form`, posting to `action`. */
export function formPage(form: FormConfig, action: string): Page {
  const color = form.primaryColor ?? DEFAULT_COLOR;
  const logo = form.logoUrl ? new URL(form.logoUrl) : undefined;
  const tenant = escapeHtml(form.tenantName);
  const options = form.categories.map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`).join('');
  const required = '<span aria-hidden="true">*</span>';
  const body = `<header>
${logo ? `<img src="${escapeHtml(logo.href)}" alt="${tenant}">` : ''}
<h1>Request service from ${tenant}</h1>
</header>
<p>Fields marked ${required} are required. Give an e-mail address or a phone number so we can answer you.</p>
<form method="post" action="${escapeHtml(action)}" accept-charset="utf-8">
${field('name', `Your name ${required}`, '<input id="name" name="name" required aria-required="true" maxlength="200" autocomplete="name">')}
${field('email', 'E-mail', '<input id="email" name="email" type="email" maxlength="254" autocomplete="email">')}
${field('phone', 'Phone', '<input id="phone" name="phone" type="tel" maxlength="40" autocomplete="tel">')}
${field('title', `What do you need? ${required}`, '<input id="title" name="title" required aria-required="true" maxlength="200">')}
${field('description', 'Details', '<textarea id="description" name="description" maxlength="5000"></textarea>')}
${
  options
    ? field(
        'category',
        'Category',
        `<select id="category" name="category"><option value="">Choose one (optional)</option>${options}</select>`,
      )
    : ''
}
${field('address', 'Address of the site', '<input id="address" name="address" maxlength="500" autocomplete="street-address">')}
${field(
  'customerCode',
  'Customer code',
  '<input id="customerCode" name="customerCode" maxlength="40" aria-describedby="customerCode-hint">',
  'If you have an account with us, its code.',
)}
<div class="hp" aria-hidden="true">
<label for="website">Leave this field empty</label>
<input id="website" name="website" tabindex="-1" autocomplete="off">
</div>
<button type="submit">Send request</button>
</form>`;
  return page(`Request service from ${form.tenantName}`, body, color, logo?.origin);
}

/** A plain page answering a form post (no tenant styling: answering must not need another lookup). */
export function messagePage(title: string, message: string, back?: string): Page {
  const link = back ? `\n<p><a href="${escapeHtml(back)}">Back to the form</a></p>` : '';
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p role="status">${escapeHtml(message)}</p>${link}`,
    DEFAULT_COLOR,
  );
}
