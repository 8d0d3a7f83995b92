// SQL for ListJobs: the caller's visibility as a WHERE clause (the SQL twin of domain/job-visibility.ts),
// the filters, full-text search, and keyset pagination on (sort key, id).
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { Job } from '../domain/job.js';
import { type JobListQuery, prefixTsQuery, type SortKey } from '../domain/job-list.js';
import type { Viewer } from '../domain/job-visibility.js';
import { rowToJob } from './job-rows.js';
import type { JobsDb } from './schema.js';

// Column and type of each sort key; the cursor value round-trips through the database's own text form.
const SORT_COLUMN: Record<SortKey, { column: string; type: string }> = {
  created_at: { column: 'created_at', type: 'timestamptz' },
  updated_at: { column: 'updated_at', type: 'timestamptz' },
  due_at: { column: 'due_sort', type: 'timestamptz' },
  priority: { column: 'priority_rank', type: 'integer' },
  number: { column: 'seq', type: 'bigint' },
};

const has = (column: string, userId: string) => sql<SqlBool>`${sql.ref(column)} @> array[${userId}]::text[]`;

/** Rows the viewer may see, as in canSeeJob. */
export function visibleTo(tenantId: string, viewer: Viewer): Expression<SqlBool> {
  const me = viewer.userId;
  switch (viewer.role) {
    case 'admin':
    case 'dispatcher':
      return sql<SqlBool>`true`;
    case 'coworker':
      return sql<SqlBool>`(${has('assignee_ids', me)} or ${has('participant_ids', me)}
        or ((${has('notify_ids', me)} or requester_id = ${me})
            and (customer_id is null or customer_id in (
              select id from dir_customers where tenant_id = ${tenantId} and coworker_ids @> array[${me}]::text[]))))`;
    case 'client':
      return viewer.customerId
        ? sql<SqlBool>`(customer_id = ${viewer.customerId} or requester_id = ${me})`
        : sql<SqlBool>`requester_id = ${me}`;
    case 'guest':
      return viewer.customerId
        ? sql<SqlBool>`(customer_id = ${viewer.customerId} and (${has('assignee_ids', me)} or ${has('participant_ids', me)}
            or ${has('notify_ids', me)} or requester_id = ${me}))`
        : sql<SqlBool>`false`;
    default:
      return sql<SqlBool>`false`;
  }
}

const likePrefix = (q: string) => `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Up to `limit + 1` jobs after the cursor, each with the text of its sort value (for the next cursor). */
export async function listJobs(
  db: Kysely<JobsDb>,
  tenantId: string,
  viewer: Viewer,
  q: JobListQuery,
): Promise<Array<{ job: Job; sortValue: string }>> {
  const { column, type } = SORT_COLUMN[q.sort];
  let query = db
    .selectFrom('jobs')
    .selectAll()
    .select(sql<string>`${sql.ref(column)}::text`.as('sort_value'))
    .where('tenant_id', '=', tenantId)
    .where(visibleTo(tenantId, viewer));
  if (q.statuses.length > 0) query = query.where('status', 'in', q.statuses);
  if (q.assigneeId) query = query.where(has('assignee_ids', q.assigneeId));
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.category) query = query.where(sql<SqlBool>`lower(category) = lower(${q.category})`);
  if (q.priority) query = query.where('priority', '=', q.priority);
  if (q.delayed !== undefined) {
    query = query.where(
      q.delayed ? sql<SqlBool>`cardinality(delay_causes) > 0` : sql<SqlBool>`cardinality(delay_causes) = 0`,
    );
  }
  if (q.tag)
    query = query.where(sql<SqlBool>`exists (select 1 from unnest(tags) as t where lower(t) = lower(${q.tag}))`);
  if (q.dueBefore) query = query.where('due_at', '<', q.dueBefore);
  if (q.dueAfter) query = query.where('due_at', '>=', q.dueAfter);
  if (q.q) {
    const tsq = prefixTsQuery(q.q);
    const numberPrefix = sql<SqlBool>`lower(number) like ${likePrefix(q.q)}`;
    query = query.where(tsq ? sql<SqlBool>`(search @@ to_tsquery('simple', ${tsq}) or ${numberPrefix})` : numberPrefix);
  }
  if (q.after) {
    const cmp = sql.raw(q.descending ? '<' : '>');
    query = query.where(
      sql<SqlBool>`(${sql.ref(column)}, id) ${cmp} (${q.after.value}::${sql.raw(type)}, ${q.after.id})`,
    );
  }
  const dir = q.descending ? 'desc' : 'asc';
  const rows = await query
    .orderBy(sql.ref(column), dir)
    .orderBy('id', dir)
    .limit(q.limit + 1)
    .execute();
  return rows.map(({ sort_value, ...row }) => ({ job: rowToJob(row), sortValue: sort_value }));
}
