import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, type SqlBool, sql } from '#kysely';
import type { Database } from './schema.js';

/**
 * The filter every report, dashboard query and export takes: the conversations whose start is in `[from, to)`, on
 * these channels. A conversation's start is its response-time facts' `start_at` (the first customer message, or its
 * `created_at` if earlier) where the analysis run has facts for it, else its `created_at`: see `conversationInFilter`.
 */
export interface ConversationFilter {
  /** Inclusive, UTC epoch ms. */
  from?: number | undefined;
  /** Exclusive, UTC epoch ms. */
  to?: number | undefined;
  /** Lower-case channel names; empty or absent: every channel. */
  channels?: readonly string[] | undefined;
}

/** A filter with both ends of its period given (the reports that compare with the previous period need them). */
export type PeriodFilter = ConversationFilter & { from: number; to: number };

/**
 * The filter as a condition on a query over `conversations as c` of `db`: its start, the `start_at` of its facts in
 * the analysis run (pass -1 before any run), else its `created_at`, in `[from, to)`; its channel among the filter's.
 * Written as "facts start in the period, or no facts and created in the period", not as `coalesce(start_at,
 * created_at)`. On SQLite the facts in the period are read once through their `(run_id, start_at)` index (`c.id in
 * (...)`) instead of once per conversation (3x faster on the demo database). On PostgreSQL each conversation looks
 * its facts up by key (`exists`): an `in (...)` under `or` cannot become a join there, and once the period's facts
 * outgrow `work_mem` (about 100,000 conversations at the default 4 MB) the server scans them again for every row it
 * tests: the topic examples of a 1,000,000-conversation report ran for more than 15 minutes.
 *
 * @example
 * db.selectFrom('conversations as c').selectAll('c').where(conversationInFilter(filter, runId, db));
 */
export function conversationInFilter(filter: ConversationFilter, analysisRunId: number, db: Kysely<Database>): RawBuilder<SqlBool> {
  const conditions = channelConditions(sql.ref('c.channel'), filter);
  if (filter.from !== undefined || filter.to !== undefined) {
    const factsStart = periodConditions(sql.ref('cf.start_at'), filter);
    const created = periodConditions(sql.ref('c.created_at'), filter);
    const hasFactsInPeriod =
      db.getExecutor().adapter instanceof PostgresAdapter
        ? sql<SqlBool>`exists (select 1 from conversation_facts as cf where cf.run_id = ${analysisRunId} and cf.conversation_id = c.id and ${and(factsStart)})`
        : sql<SqlBool>`c.id in (select cf.conversation_id from conversation_facts as cf where cf.run_id = ${analysisRunId} and ${and(factsStart)})`;
    conditions.unshift(
      sql<SqlBool>`(${hasFactsInPeriod} or (${and(created)} and not exists (select 1 from conversation_facts as cf where cf.run_id = ${analysisRunId} and cf.conversation_id = c.id)))`,
    );
  }
  return and(conditions);
}

/**
 * The filter as a condition on a query over `conversation_facts` (as `alias`), whose `start_at` is the start.
 *
 * @example
 * db.selectFrom('conversation_facts as f').selectAll().where('f.run_id', '=', runId).where(factsInFilter(filter, 'f'));
 */
export function factsInFilter(filter: ConversationFilter, alias: string): RawBuilder<SqlBool> {
  return and([...periodConditions(sql.ref(`${alias}.start_at`), filter), ...channelConditions(sql.ref(`${alias}.channel`), filter)]);
}

function periodConditions(start: Expression<number>, filter: ConversationFilter): RawBuilder<SqlBool>[] {
  const conditions: RawBuilder<SqlBool>[] = [];
  if (filter.from !== undefined) conditions.push(sql<SqlBool>`${start} >= ${filter.from}`);
  if (filter.to !== undefined) conditions.push(sql<SqlBool>`${start} < ${filter.to}`);
  return conditions;
}

function channelConditions(channel: Expression<string>, filter: ConversationFilter): RawBuilder<SqlBool>[] {
  return filter.channels !== undefined && filter.channels.length > 0 ? [sql<SqlBool>`${channel} in (${sql.join([...filter.channels])})`] : [];
}

function and(conditions: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}
