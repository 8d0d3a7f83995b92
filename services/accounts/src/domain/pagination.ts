// Cursor pagination over time-sortable ids: the cursor is opaque to clients, the limit bounded.
import { InvalidArgument } from '@fieldline/platform';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export interface Page {
  limit: number;
  /** List rows with an id greater than this (ids are UUIDv7, so id order is creation order). */
  after?: string;
}

export function page(input: { limit?: number; cursor?: string } | undefined): Page {
  const limit = input?.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw new InvalidArgument('limit', `limit must be from 1 to ${MAX_LIMIT}`);
  }
  const cursor = input?.cursor ?? '';
  return { limit: limit === 0 ? DEFAULT_LIMIT : limit, after: cursor === '' ? undefined : decodeCursor(cursor) };
}

const PREFIX = 'c1:';

export function encodeCursor(lastId: string): string {
  return Buffer.from(PREFIX + lastId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = cursor.length <= 400 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) {
    throw new InvalidArgument('cursor', 'cursor is not one this API returned');
  }
  return text.slice(PREFIX.length);
}

/** Cuts the `limit + 1` rows a store fetched to one page, with the cursor of the next one when there is more. */
export function pageOf<T extends { id: string }>(rows: T[], p: Page): { items: T[]; nextCursor: string } {
  if (rows.length <= p.limit) return { items: rows, nextCursor: '' };
  const items = rows.slice(0, p.limit);
  return { items, nextCursor: encodeCursor(items[items.length - 1].id) };
}
