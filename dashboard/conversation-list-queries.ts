import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../db/analysis-runs.js';
import { factsInFilter } from '../db/conversation-filter.js';
import type { Database } from '../db/schema.js';
import { breachRules, hourRanges, type ConversationListQuery, type ConversationSort } from './conversation-list-filter.js';
import type { DashboardRange } from './dashboard-range.js';
import type { ResponseCache } from './response-cache.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';

/** Rows per page of a conversation list. */
export const CONVERSATION_PAGE_SIZE = 50;
/** At most this many rows in one CSV download (about 150 MB); the file says when it was cut. */
export const CONVERSATION_CSV_MAX_ROWS = 1_000_000;

const NO_RUN = -1;
/** Sort value of an unanswered conversation: after every answered one, whichever way response times are sorted. */
const UNANSWERED_LAST_DESC = -1;
const UNANSWERED_LAST_ASC = Number.MAX_SAFE_INTEGER;

/** One conversation of a list: what identifies it and the facts the list shows. */
export interface ConversationListRow {
  id: number;
  conversationId: string;
  source: string;
  channel: string;
  startAt: number;
  agent: string | null;
  team: string | null;
  language: string | null;
  topicId: number | null;
  topicLabel: string | null;
  firstResponseMs: number | null;
  /** Age at the list's as-of time while no agent has answered; null once answered. */
  unansweredAgeMs: number | null;
  resolutionMs: number | null;
  reopenCount: number;
  faqEntryId: string | null;
  faqScore: number | null;
  /** The question as the reports show it (redacted). */
  question: string | null;
}

export interface ConversationListPage {
  total: number;
  rows: ConversationListRow[];
  /** Cursor of the next page (`after=`); null on the last page. */
  next: string | null;
}

export interface ConversationListOptions {
  config: ResponseTimeConfig;
  asOf: number;
  /** Every channel the analysis saw (breach rules are per channel). */
  channels: readonly string[];
}

type ListDb = Database & {
  f: Database['conversation_facts'];
  c: Database['conversations'];
  ta: Database['topic_assignments'];
  q: Database['conversation_questions'];
  fm: Database['faq_matches'];
  fe: Database['faq_entries'];
  t: Database['topics'];
};
type ListExpressions = ExpressionBuilder<ListDb, 'f'>;

/** The base query: one analysis run's facts joined with what the filters and rows need. */
function baseQuery(db: Kysely<Database>, runId: number) {
  return (db as unknown as Kysely<ListDb>)
    .selectFrom('conversation_facts as f')
    .innerJoin('conversations as c', 'c.id', 'f.conversation_id')
    .leftJoin('topic_assignments as ta', (join) => join.onRef('ta.conversation_id', '=', 'f.conversation_id').on('ta.analysis_run_id', '=', runId))
    .leftJoin('conversation_questions as q', (join) => join.onRef('q.conversation_id', '=', 'f.conversation_id').on('q.analysis_run_id', '=', runId))
    .leftJoin('faq_matches as fm', (join) => join.onRef('fm.conversation_id', '=', 'f.conversation_id').on('fm.analysis_run_id', '=', runId))
    .leftJoin('faq_entries as fe', 'fe.id', 'fm.entry_id')
    .where('f.run_id', '=', runId);
}

/** A condition no row meets, on both engines (PostgreSQL takes no integer where it wants a boolean). */
const NOTHING_MATCHES = sql<SqlBool>`1 = 0`;

function sortExpression(sort: ConversationSort): { value: ReturnType<typeof sql<number>>; direction: 'asc' | 'desc' } {
  switch (sort) {
    case 'newest':
      return { value: sql<number>`f.start_at`, direction: 'desc' };
    case 'oldest':
      return { value: sql<number>`f.start_at`, direction: 'asc' };
    case 'slowest':
      return { value: sql<number>`coalesce(f.first_response_ms, ${UNANSWERED_LAST_DESC})`, direction: 'desc' };
    case 'fastest':
      return { value: sql<number>`coalesce(f.first_response_ms, ${UNANSWERED_LAST_ASC})`, direction: 'asc' };
  }
}

/** The WHERE of a list, shared by its count, its page and its CSV. */
function filterConditions(
  eb: ListExpressions,
  runId: number,
  { range, query, options }: { range: DashboardRange; query: ConversationListQuery; options: ConversationListOptions },
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [factsInFilter(range.filter, 'f')];
  // Filters on other tables are correlated lookups by primary key, so that counting a list reads the facts alone.
  const conversation = () => eb.selectFrom('conversations as c').select('c.id').whereRef('c.id', '=', 'f.conversation_id');
  if (query.conversation) conditions.push(eb.exists(conversation().where('c.external_id', '=', query.conversation)));
  if (query.topic) {
    const topics = query.topic.split(',').map(Number);
    conditions.push(
      eb.exists(
        eb
          .selectFrom('topic_assignments as ta')
          .select('ta.topic_id')
          .whereRef('ta.conversation_id', '=', 'f.conversation_id')
          .where('ta.analysis_run_id', '=', runId)
          .where('ta.topic_id', 'in', topics),
      ),
    );
  }
  if (query.agent) conditions.push(query.agent === '(none)' ? eb('f.agent', 'is', null) : eb('f.agent', '=', query.agent));
  if (query.team) conditions.push(eb.exists(conversation().where('c.team', query.team === '(none)' ? 'is' : '=', query.team === '(none)' ? null : query.team)));
  if (query.language) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('conversation_questions as q')
          .select('q.conversation_id')
          .whereRef('q.conversation_id', '=', 'f.conversation_id')
          .where('q.analysis_run_id', '=', runId)
          .where('q.language', '=', query.language),
      ),
    );
  }
  if (query.faq_entry) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('faq_matches as fm')
          .innerJoin('faq_entries as fe', 'fe.id', 'fm.entry_id')
          .select('fm.conversation_id')
          .whereRef('fm.conversation_id', '=', 'f.conversation_id')
          .where('fm.analysis_run_id', '=', runId)
          .where('fe.external_id', '=', query.faq_entry),
      ),
    );
  }
  if (query.unanswered === '1') conditions.push(eb('f.unanswered', '=', 1));
  if (query.weekday !== undefined && query.hour !== undefined) {
    const ranges = hourRanges(range.timeZone, range.filter, { weekday: query.weekday, hour: query.hour });
    conditions.push(
      ranges.length === 0 ? NOTHING_MATCHES : eb.or(ranges.map(([from, to]) => eb.and([eb('f.start_at', '>=', from), eb('f.start_at', '<', to)]))),
    );
  }
  if (query.breached === 'first_response' || query.breached === 'resolution') {
    const rules = breachRules(options.config, range.channel === null ? options.channels : [range.channel], query.breached, options.asOf);
    const kind = query.breached;
    conditions.push(
      rules.length === 0
        ? NOTHING_MATCHES
        : eb.or(
            rules.map((rule) => {
              const duration =
                kind === 'first_response'
                  ? rule.basis === 'business'
                    ? 'f.first_response_business_ms'
                    : 'f.first_response_ms'
                  : rule.basis === 'business'
                    ? 'f.resolution_business_ms'
                    : 'f.resolution_ms';
              const waiting =
                kind === 'first_response'
                  ? eb.and([eb('f.unanswered', '=', 1), eb('f.clock_start_at', 'is not', null), eb('f.clock_start_at', '<', rule.waitingBreachedBefore)])
                  : eb.and([eb('f.is_resolved', '=', 0), eb('f.start_at', '<', rule.waitingBreachedBefore)]);
              const done =
                kind === 'first_response'
                  ? eb.and([eb('f.unanswered', '=', 0), eb('f.clock_start_at', 'is not', null), eb(eb.fn.coalesce(duration, eb.lit(0)), '>', rule.targetMs)])
                  : eb.and([eb('f.is_resolved', '=', 1), eb(eb.fn.coalesce(duration, eb.lit(0)), '>', rule.targetMs)]);
              return eb.and([eb('f.channel', '=', rule.channel), eb.or([waiting, done])]);
            }),
          ),
    );
  }
  return conditions;
}

/** The number of conversations a list holds (what the link that opened it counted). */
export async function countConversations(
  db: Kysely<Database>,
  range: DashboardRange,
  query: ConversationListQuery,
  options: ConversationListOptions,
): Promise<number> {
  const runId = (await findLatestSucceededAnalysisRunId(db)) ?? NO_RUN;
  const row = await (db as unknown as Kysely<ListDb>)
    .selectFrom('conversation_facts as f')
    .where('f.run_id', '=', runId)
    .where((eb) => eb.and(filterConditions(eb, runId, { range, query, options })))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

function parseCursor(after: string | undefined): { value: number; id: number } | undefined {
  if (!after) return undefined;
  const match = /^(-?\d+):(\d+)$/.exec(after);
  return match ? { value: Number(match[1]), id: Number(match[2]) } : undefined;
}

/**
 * What a list's total depends on: the analysis it reads, the range and the filters (not the sort or the cursor, so
 * every page of a list shares it).
 */
async function totalKey(db: Kysely<Database>, range: DashboardRange, query: ConversationListQuery): Promise<string> {
  const { sort: _sort, after: _after, ...filters } = query;
  const runId = (await findLatestSucceededAnalysisRunId(db)) ?? NO_RUN;
  return JSON.stringify([runId, range, Object.entries(filters).sort(([a], [b]) => a.localeCompare(b))]);
}

/**
 * One page of a conversation list, sorted, after the `after` cursor (keyset paging: a page costs the same deep in a
 * list as on its first page), plus the list's total.
 *
 * @example
 * const page = await listConversationPage(db, range, { breached: 'first_response', sort: 'slowest' }, options);
 */
export async function listConversationPage(
  db: Kysely<Database>,
  range: DashboardRange,
  query: ConversationListQuery,
  options: ConversationListOptions & { limit?: number; totals?: ResponseCache },
): Promise<ConversationListPage> {
  const limit = options.limit ?? CONVERSATION_PAGE_SIZE;
  const rows = await listConversationRows(db, range, query, { ...options, limit: limit + 1 });
  const count = () => countConversations(db, range, query, options);
  const total = options.totals ? await options.totals.get(await totalKey(db, range, query), count) : await count();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const sort = query.sort ?? 'newest';
  const next = rows.length > limit && last ? `${sortValueOf(last, sort)}:${last.id}` : null;
  return { total, rows: page, next };
}

function sortValueOf(row: ConversationListRow, sort: ConversationSort): number {
  if (sort === 'newest' || sort === 'oldest') return row.startAt;
  return row.firstResponseMs ?? (sort === 'slowest' ? UNANSWERED_LAST_DESC : UNANSWERED_LAST_ASC);
}

/** Conversations whose details one statement reads (well under SQLite's bound-parameter limit). */
const DETAIL_CHUNK = 5_000;

function readDetails(db: Kysely<Database>, runId: number, ids: number[]) {
  return baseQuery(db, runId)
    .leftJoin('topics as t', (join) => join.onRef('t.topic_id', '=', 'ta.topic_id').on('t.analysis_run_id', '=', runId))
    .where('f.conversation_id', 'in', ids.length === 0 ? [-1] : ids)
    .select([
      'f.conversation_id as id',
      'c.external_id',
      'c.source',
      'f.channel',
      'f.start_at',
      'f.agent',
      'c.team',
      'q.language',
      'ta.topic_id',
      't.label as topic_label',
      'f.first_response_ms',
      'f.unanswered',
      'f.clock_start_at',
      'f.resolution_ms',
      'f.reopen_count',
      'fe.external_id as faq_entry_id',
      'fm.score as faq_score',
      'q.question',
    ])
    .execute();
}

/** The rows of a list in its order, from the cursor on, at most `limit` (the CSV download reads them all). */
export async function listConversationRows(
  db: Kysely<Database>,
  range: DashboardRange,
  query: ConversationListQuery,
  options: ConversationListOptions & { limit: number },
): Promise<ConversationListRow[]> {
  const { limit } = options;
  const runId = (await findLatestSucceededAnalysisRunId(db)) ?? NO_RUN;
  const sort = sortExpression(query.sort ?? 'newest');
  const cursor = parseCursor(query.after);
  // The page's ids from the facts alone (filter, order, limit), then their details: the joins run for the page's
  // rows only, not for every row of a long list.
  let ordered = (db as unknown as Kysely<ListDb>)
    .selectFrom('conversation_facts as f')
    .where('f.run_id', '=', runId)
    .where((eb) => eb.and(filterConditions(eb, runId, { range, query, options })));
  if (cursor) {
    const comparison = sort.direction === 'desc' ? sql`<` : sql`>`;
    ordered = ordered.where(sql<SqlBool>`(${sort.value}, f.conversation_id) ${comparison} (${cursor.value}, ${cursor.id})`);
  }
  const ids = (
    await ordered.select('f.conversation_id').orderBy(sort.value, sort.direction).orderBy('f.conversation_id', sort.direction).limit(limit).execute()
  ).map((row) => row.conversation_id);
  const details = new Map<number, Awaited<ReturnType<typeof readDetails>>[number]>();
  for (let index = 0; index < ids.length; index += DETAIL_CHUNK) {
    for (const row of await readDetails(db, runId, ids.slice(index, index + DETAIL_CHUNK))) details.set(row.id, row);
  }
  const rows = ids.map((id) => details.get(id)!);
  return rows.map((row) => ({
    id: row.id,
    conversationId: row.external_id,
    source: row.source,
    channel: row.channel,
    startAt: row.start_at,
    agent: row.agent,
    team: row.team,
    language: row.language,
    topicId: row.topic_id,
    topicLabel: row.topic_label,
    firstResponseMs: row.first_response_ms,
    unansweredAgeMs: row.unanswered === 1 ? Math.max(0, options.asOf - (row.clock_start_at ?? row.start_at)) : null,
    resolutionMs: row.resolution_ms,
    reopenCount: row.reopen_count,
    faqEntryId: row.faq_entry_id,
    faqScore: row.faq_score,
    question: row.question,
  }));
}
