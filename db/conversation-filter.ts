import { sql, type Expression, type RawBuilder, type SqlBool } from '#kysely';

/**
 * The filter every report, dashboard query and export takes: the conversations whose start is in `[from, to)`, on
 * these channels. A conversation's start is its response-time facts' `start_at` (the first customer message, or its
 * `created_at` if earlier) where the analysis run has facts for it, else its `created_at`: see `conversationStartAt`.
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
 * A conversation's start, the instant "in the period" is decided on, for a query over `conversations as c`: the
 * `start_at` of its facts in the analysis run, else (no facts yet, or no run: pass -1) its `created_at`.
 *
 * @example
 * db.selectFrom('conversations as c').select(conversationStartAt(runId).as('start_at'));
 */
export function conversationStartAt(analysisRunId: number): RawBuilder<number> {
  return sql<number>`coalesce((select cf.start_at from conversation_facts as cf where cf.run_id = ${analysisRunId} and cf.conversation_id = c.id), c.created_at)`;
}

/**
 * The filter as a condition on a query over `conversations as c`, the start read as `conversationStartAt` does.
 *
 * @example
 * db.selectFrom('conversations as c').selectAll('c').where(conversationInFilter(filter, runId));
 */
export function conversationInFilter(filter: ConversationFilter, analysisRunId: number): RawBuilder<SqlBool> {
  // A start is never after created_at, so `created_at >= from` holds for every conversation in the period: it lets
  // the created_at index skip the earlier conversations before the start is looked up.
  const prefilter = filter.from === undefined ? [] : [sql<SqlBool>`c.created_at >= ${filter.from}`];
  return filterCondition(conversationStartAt(analysisRunId), sql.ref('c.channel'), filter, prefilter);
}

/**
 * The filter as a condition on a query over `conversation_facts` (as `alias`), whose `start_at` is the start.
 *
 * @example
 * db.selectFrom('conversation_facts as f').selectAll().where('f.run_id', '=', runId).where(factsInFilter(filter, 'f'));
 */
export function factsInFilter(filter: ConversationFilter, alias: string): RawBuilder<SqlBool> {
  return filterCondition(sql.ref(`${alias}.start_at`), sql.ref(`${alias}.channel`), filter, []);
}

function filterCondition(
  start: Expression<number>,
  channel: Expression<string>,
  filter: ConversationFilter,
  prefilter: RawBuilder<SqlBool>[],
): RawBuilder<SqlBool> {
  const conditions = [...prefilter];
  if (filter.from !== undefined) conditions.push(sql<SqlBool>`${start} >= ${filter.from}`);
  if (filter.to !== undefined) conditions.push(sql<SqlBool>`${start} < ${filter.to}`);
  if (filter.channels !== undefined && filter.channels.length > 0) {
    conditions.push(sql<SqlBool>`${channel} in (${sql.join([...filter.channels])})`);
  }
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;
}
