// The public request form's configuration as JSON (for tenants who build their own form).
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const PublicFormView = Type.Object(
  {
    formKey: Type.String(),
    tenantName: Type.String(),
    primaryColor: Nullable(Type.String({ description: '#rrggbb' })),
    logoUrl: Nullable(Type.String()),
    categories: Type.Array(Type.String()),
  },
  { $id: 'PublicForm' },
);

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** A logo URL we are willing to put in a page: http(s) only; anything else is dropped. */
export function safeLogoUrl(value: string): URL | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}

export function toPublicFormView(f: jobs.PublicForm) {
  return {
    formKey: f.formKey,
    tenantName: f.tenantName,
    primaryColor: COLOR.test(f.primaryColor) ? f.primaryColor : null,
    logoUrl: safeLogoUrl(f.logoUrl)?.href ?? null,
    categories: f.categories,
  };
}
