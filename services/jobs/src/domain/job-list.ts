// ListJobs: the filters, the sort (key and direction) and the keyset cursor, checked and normalised.
// The cursor holds the last row's sort value and id, so a page never repeats or skips rows when others are
// inserted meanwhile; it is bound to its sort (a cursor from another sort is refused).
import { InvalidArgument } from '@fieldline/platform';
import { JOB_STATUSES, type JobStatus, PRIORITIES, type Priority } from './job.js';
import { idValue, instant, text } from './job-input.js';

export const SORT_KEYS = ['created_at', 'due_at', 'priority', 'number', 'updated_at'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export interface JobListQuery {
  statuses: JobStatus[];
  assigneeId?: string;
  customerId?: string;
  category?: string;
  priority?: Priority;
  delayed?: boolean;
  q?: string;
  tag?: string;
  dueBefore?: Date;
  dueAfter?: Date;
  sort: SortKey;
  descending: boolean;
  limit: number;
  /** Continue after this row: its sort value (as the database printed it) and id. */
  after?: { value: string; id: string };
}

export interface JobListInput {
  statuses?: string[];
  assigneeId?: string;
  customerId?: string;
  category?: string;
  priority?: string;
  delayed?: string;
  q?: string;
  sort?: string;
  dueBefore?: Date;
  dueAfter?: Date;
  tag?: string;
  limit?: number;
  cursor?: string;
}

const optionalId = (field: string, v: string | undefined) => (v && v.trim() !== '' ? idValue(field, v) : undefined);

export function parseListQuery(input: JobListInput): JobListQuery {
  const statuses = [...new Set((input.statuses ?? []).map((s) => s.trim()).filter((s) => s !== ''))];
  statuses.forEach((s, i) => {
    if (!(JOB_STATUSES as readonly string[]).includes(s)) {
      throw new InvalidArgument(`statuses[${i}]`, `status must be one of ${JOB_STATUSES.join(', ')}`);
    }
  });
  let priority: Priority | undefined;
  if (input.priority && input.priority.trim() !== '') {
    priority = input.priority.trim() as Priority;
    if (!PRIORITIES.includes(priority))
      throw new InvalidArgument('priority', `priority must be one of ${PRIORITIES.join(', ')}`);
  }
  let delayed: boolean | undefined;
  const d = (input.delayed ?? '').trim();
  if (d === 'true') delayed = true;
  else if (d === 'false') delayed = false;
  else if (d !== '') throw new InvalidArgument('delayed', 'delayed is true or false');

  const sortText = (input.sort ?? '').trim() || '-created_at';
  const descending = sortText.startsWith('-');
  const sort = (descending ? sortText.slice(1) : sortText) as SortKey;
  if (!SORT_KEYS.includes(sort)) {
    throw new InvalidArgument('sort', `sort is one of ${SORT_KEYS.join(', ')}, with a leading - for descending`);
  }
  const limit = input.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw new InvalidArgument('limit', `limit must be from 1 to ${MAX_LIMIT}`);
  }
  const dueBefore = input.dueBefore ? instant('dueBefore', input.dueBefore) : undefined;
  const dueAfter = input.dueAfter ? instant('dueAfter', input.dueAfter) : undefined;
  if (dueBefore && dueAfter && dueAfter.getTime() > dueBefore.getTime()) {
    throw new InvalidArgument('dueAfter', 'dueAfter must not be after dueBefore');
  }
  const q = text('q', input.q ?? '', 200);
  const category = text('category', input.category ?? '', 60);
  const tag = text('tag', input.tag ?? '', 40);
  return {
    statuses: statuses as JobStatus[],
    assigneeId: optionalId('assigneeId', input.assigneeId),
    customerId: optionalId('customerId', input.customerId),
    category: category || undefined,
    priority,
    delayed,
    q: q || undefined,
    tag: tag || undefined,
    dueBefore,
    dueAfter,
    sort,
    descending,
    limit: limit === 0 ? DEFAULT_LIMIT : limit,
    after: input.cursor ? decodeCursor(input.cursor, sortText) : undefined,
  };
}

const VERSION = 'j1';
const INTEGER = /^-?\d{1,18}$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?|infinity)$/;

export function encodeCursor(sortText: string, value: string, id: string): string {
  return Buffer.from(JSON.stringify([VERSION, sortText, value, id]), 'utf8').toString('base64url');
}

export function sortTextOf(q: Pick<JobListQuery, 'sort' | 'descending'>): string {
  return `${q.descending ? '-' : ''}${q.sort}`;
}

function decodeCursor(cursor: string, sortText: string): { value: string; id: string } {
  const bad = () => new InvalidArgument('cursor', 'cursor is not one this API returned for this sort');
  if (cursor.length > 600) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== VERSION) throw bad();
  const [, sort, value, id] = parsed;
  if (sort !== sortText || typeof value !== 'string' || typeof id !== 'string' || id === '' || id.length > 100)
    throw bad();
  // The value goes back to the database as a timestamp or an integer: only those shapes pass.
  const key = sortText.replace(/^-/, '') as SortKey;
  const shape = key === 'priority' || key === 'number' ? INTEGER : TIMESTAMP;
  if (!shape.test(value)) throw bad();
  return { value, id };
}

/**
 * The search words of `q` as a prefix tsquery ("boil fix" → "boil:* & fix:*"); letters and digits only,
 * so nothing a user types can break the query syntax. Empty when `q` has no word.
 */
export function prefixTsQuery(q: string): string {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 10)
    .map((w) => `${w}:*`)
    .join(' & ');
}
