// Building blocks shared by every route schema: ids, times, lists, pagination, and the error body.
import { type TSchema, Type } from '@sinclair/typebox';

// Ids are opaque to clients, but a bounded, URL-safe alphabet keeps junk out of logs and downstream calls.
export const Id = (description = 'opaque id') =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });

export const IdParams = Type.Object({ id: Id() }, { additionalProperties: false });

/** RFC 3339 UTC timestamp on the wire. */
export const Timestamp = (description?: string) => Type.String({ format: 'date-time', description });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Role = Type.Union(
  [
    Type.Literal('admin'),
    Type.Literal('dispatcher'),
    Type.Literal('coworker'),
    Type.Literal('client'),
    Type.Literal('guest'),
  ],
  { description: 'admin | dispatcher | coworker | client | guest' },
);

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Password = Type.String({
  minLength: 1,
  // Measured in UTF-16 units here; the 8..200 character rule is applied (and explained) by the accounts service.
  maxLength: 400,
  description: '8 to 200 characters',
});
export const Name = (description?: string) => Type.String({ minLength: 1, maxLength: 200, description });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'page size (1-100)' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor of the previous page' })),
};

/** `{items, nextCursor}`: nextCursor is null on the last page. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code, e.g. USER_NOT_FOUND' }),
      message: Type.String({ description: 'for people; may change' }),
      field: Type.Optional(Type.String({ description: 'the offending input field, as a dotted path' })),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error has this shape.' },
);

const errorDescriptions: Record<number, string> = {
  400: 'Bad input: `field` names it (VALIDATION_FAILED, INVALID_JSON, ...)',
  401: 'No or bad credentials (UNAUTHENTICATED)',
  403: 'Authenticated but not allowed (FORBIDDEN)',
  404: 'Not found, or not visible to you',
  409: 'Conflict with the current state (stale version, duplicate, bad transition)',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'Body is not application/json (UNSUPPORTED_MEDIA_TYPE)',
  429: 'Too many requests (RATE_LIMITED); see Retry-After',
  503: 'A downstream service is unavailable',
};

/** The documented error responses of a route, all with the error shape. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((status) => [status, Type.Ref('ErrorResponse', { description: errorDescriptions[status] })]),
  );
}

export const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);
export const orNull = (s: string | undefined): string | null => (s ? s : null);
export const nextCursor = (page: { nextCursor: string } | undefined): string | null => page?.nextCursor || null;
