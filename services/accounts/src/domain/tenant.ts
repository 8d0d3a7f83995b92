// A tenant (one company) and how its URL-safe slug is derived from the company name.

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
}

const MAX_SLUG = 40;
// Slugs appear in login forms and URLs; these would read as part of the product, not a company.
const RESERVED = new Set(['admin', 'api', 'app', 'auth', 'docs', 'fieldline', 'login', 'signup', 'static', 'www']);

/** "Müller & Söhne GmbH" → "muller-sohne-gmbh"; never empty, never reserved. */
export function slugBase(companyName: string): string {
  const slug = companyName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '');
  if (slug === '') return 'company';
  return RESERVED.has(slug) ? `${slug}-co` : slug;
}

/** The first free slug: the base itself, else base-2, base-3, … after the highest suffix taken. */
export function freeSlug(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  let highest = 1;
  for (const slug of taken) {
    const match = slug.startsWith(`${base}-`) ? /^\d+$/.exec(slug.slice(base.length + 1)) : null;
    if (match) highest = Math.max(highest, Number(match[0]));
  }
  return `${base}-${highest + 1}`;
}
