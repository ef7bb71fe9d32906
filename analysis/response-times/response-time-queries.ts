import type { Kysely, SelectQueryBuilder } from '#kysely';
import { DateTime } from 'luxon';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { Database, ResponseTimeDailyRow } from '../../db/schema.js';
import { unpackValues } from './daily-aggregates.js';
import { medianOf, type DurationStatistics } from './duration-statistics.js';
import { factsInFilter, type ConversationFilter } from '../../db/conversation-filter.js';
import type { ResponseTimeConfig } from './response-time-config.js';
import { EvaluationContext, GroupAccumulator, type DailyValues, type FactsRowForTargets } from './evaluate-targets.js';
import { createZoneClock, dayToIsoDate, type ZoneClock } from './zone-clock.js';

/** Matches no analysis run: what readers read before the first successful analysis. */
const NO_RUN = -1;

export type ResponseTimeGroupBy = 'day' | 'week' | 'month' | 'channel' | 'agent' | 'team' | 'tag';
export const RESPONSE_TIME_GROUP_BYS: readonly ResponseTimeGroupBy[] = ['day', 'week', 'month', 'channel', 'agent', 'team', 'tag'];

/** How a query reads the facts: which configuration, which clock, and "now" for ages. */
export interface ResponseTimeQueryOptions {
  config: ResponseTimeConfig;
  /** Show durations in business time instead of calendar time (targets keep the basis the configuration gives). */
  businessHours?: boolean;
  /** Ages of waiting conversations are measured up to this instant (default: now). */
  asOf?: number;
  /**
   * `auto` (default) reads the per-day aggregates when they answer the question exactly (grouping by day, week,
   * month or channel, whole days, same reporting zone as the analysis), else the per-conversation facts; `facts`
   * always reads the facts.
   */
  source?: 'auto' | 'facts';
  /** The analysis run whose facts are read (default: the latest succeeded). */
  analysisRunId?: number;
}

/** Share of the conversations that met a target: `met / (met + breached)`; those still within it are `pending`. */
export interface TargetOutcome {
  met: number;
  breached: number;
  pending: number;
  /** Null when no conversation has a decided outcome (or no target applies). */
  share: number | null;
}

export interface ResponseTimeGroup {
  /** The day (YYYY-MM-DD), week (its Monday), month (YYYY-MM), channel, agent or tag; `total` for everything. */
  key: string;
  conversations: number;
  answered: number;
  unanswered: number;
  oldestUnansweredAgeMs: number | null;
  /** Conversations in which a customer waits for an agent reply now. */
  waiting: number;
  firstResponse: DurationStatistics;
  reply: DurationStatistics;
  resolution: DurationStatistics;
  reopened: number;
  firstResponseTarget: TargetOutcome;
  resolutionTarget: TargetOutcome;
}

export interface ResponseTimeReport {
  groupBy: ResponseTimeGroupBy | null;
  clock: 'calendar' | 'business';
  reportingTimeZone: string;
  asOf: number;
  /** What was read: the per-day aggregates or the per-conversation facts (the figures are the same). */
  source: 'daily' | 'facts';
  groups: ResponseTimeGroup[];
  total: ResponseTimeGroup;
}

export interface HeatmapCell {
  /** 1 = Monday ... 7 = Sunday, in the reporting time zone. */
  weekday: number;
  hour: number;
  conversations: number;
  medianFirstResponseMs: number | null;
}

export type BreachKind = 'first_response' | 'resolution';

export interface ResponseTimeBreach {
  conversationId: number;
  externalId: string;
  channel: string;
  agent: string | null;
  startAt: number;
  kind: BreachKind;
  /** `late`: answered/resolved after the target; `waiting`: still unanswered/open beyond it. */
  status: 'late' | 'waiting';
  /** The duration, or the age so far, on the target's basis. */
  durationMs: number;
  targetMs: number;
  basis: 'calendar' | 'business';
}

/** The facts columns the report reads, and the conversation's team, read only when grouping by team. */
type FactsReadRow = FactsRowForTargets & { team?: string | null };

/**
 * Response-time figures over the conversations of the filter, grouped (or not), plus a total. Every statistic is
 * exact over the conversations (reply times: over every reply) of its group, never an average of group figures.
 *
 * @example
 * const report = await getResponseTimeReport(db, { from, to, channels: ['chat'] }, { config }, 'day');
 * report.total.firstResponse.p90;
 */
export async function getResponseTimeReport(
  db: Kysely<Database>,
  filter: ConversationFilter,
  options: ResponseTimeQueryOptions,
  groupBy: ResponseTimeGroupBy | null = null,
): Promise<ResponseTimeReport> {
  const asOf = options.asOf ?? Date.now();
  const business = options.businessHours ?? false;
  const context = new EvaluationContext(options.config, asOf);
  const accumulators = new Map<string, GroupAccumulator>();
  const total = new GroupAccumulator('total');
  const accumulatorFor = (key: string): GroupAccumulator => {
    let accumulator = accumulators.get(key);
    if (!accumulator) accumulators.set(key, (accumulator = new GroupAccumulator(key)));
    return accumulator;
  };
  const runId = await resolveRunId(db, options);
  const daily =
    (options.source ?? 'auto') === 'auto' ? await readDailyAggregates(db, filter, { runId, zone: options.config.reportingTimeZone, groupBy }) : undefined;
  if (daily) {
    const keyOf = dailyGroupKey(groupBy);
    for (const row of daily) {
      const values = unpackDaily(row, business);
      total.addDaily(row, values, context);
      const key = keyOf(row);
      if (key !== undefined) accumulatorFor(key).addDaily(row, values, context);
    }
  } else {
    const rows = await readFacts(db, runId, filter, groupBy === 'team');
    const keyOf = groupKey(groupBy, createZoneClock(options.config.reportingTimeZone));
    for (const row of rows) {
      total.add(row, business, context);
      for (const key of keyOf(row)) accumulatorFor(key).add(row, business, context);
    }
  }
  const groups = [...accumulators.values()].map((accumulator) => accumulator.finish());
  if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month') groups.sort((a, b) => a.key.localeCompare(b.key));
  else groups.sort((a, b) => b.conversations - a.conversations || a.key.localeCompare(b.key));
  return {
    groupBy,
    clock: business ? 'business' : 'calendar',
    reportingTimeZone: options.config.reportingTimeZone,
    asOf,
    source: daily ? 'daily' : 'facts',
    groups: groupBy === null ? [] : groups,
    total: total.finish(),
  };
}

/**
 * Whether the latest succeeded analysis has written response-time facts (a report over none would show only zeros).
 *
 * @example
 * if (!(await hasResponseFacts(db))) console.error('run "supportlens analyze" first');
 */
export async function hasResponseFacts(db: Kysely<Database>): Promise<boolean> {
  const runId = await findLatestSucceededAnalysisRunId(db);
  if (runId === undefined) return false;
  return (await db.selectFrom('conversation_facts').select('conversation_id').where('run_id', '=', runId).limit(1).executeTakeFirst()) !== undefined;
}

/** A conversation's first response, as its response-time facts store it. */
export interface ConversationFirstResponse {
  conversationId: number;
  /** Calendar first response time (METRIC_DEFINITIONS.firstResponse); null while unanswered or with no customer message. */
  firstResponseMs: number | null;
  /** No agent has answered yet (the facts' `unanswered`). */
  unanswered: boolean;
}

/**
 * Each conversation's first response in the filter, from the response-time facts of the given analysis run: the one
 * first response every report reads (the topic report's median, the FAQ-gap priority), so it means what the
 * response-time report means by it.
 *
 * @example
 * const responses = await listConversationFirstResponses(db, runId, { from, to });
 */
export async function listConversationFirstResponses(db: Kysely<Database>, runId: number, filter: ConversationFilter): Promise<ConversationFirstResponse[]> {
  const rows = await db
    .selectFrom('conversation_facts as f')
    .select(['f.conversation_id', 'f.first_response_ms', 'f.unanswered'])
    .where('f.run_id', '=', runId)
    .where(factsInFilter(filter, 'f'))
    .execute();
  return rows.map((row) => ({
    conversationId: row.conversation_id,
    firstResponseMs: row.first_response_ms === null ? null : Number(row.first_response_ms),
    unanswered: Number(row.unanswered) === 1,
  }));
}

function resolveRunId(db: Kysely<Database>, options: ResponseTimeQueryOptions): Promise<number | undefined> {
  return options.analysisRunId === undefined ? findLatestSucceededAnalysisRunId(db) : Promise.resolve(options.analysisRunId);
}

/**
 * Incoming volume and median first response (answered conversations) per weekday and hour of the start, in the
 * reporting time zone: always 7 x 24 cells, Monday 00:00 first.
 *
 * @example
 * const cells = await getResponseTimeHeatmap(db, { from, to }, { config });
 */
export async function getResponseTimeHeatmap(db: Kysely<Database>, filter: ConversationFilter, options: ResponseTimeQueryOptions): Promise<HeatmapCell[]> {
  const business = options.businessHours ?? false;
  const runId = await resolveRunId(db, options);
  const rows = await db
    .selectFrom('conversation_facts')
    .select(['start_at', business ? 'first_response_business_ms as first_response_ms' : 'first_response_ms'])
    .where('run_id', '=', runId ?? NO_RUN)
    .where(factsInFilter(filter, 'conversation_facts'))
    .execute();
  const clock = createZoneClock(options.config.reportingTimeZone);
  const counts = new Array<number>(7 * 24).fill(0);
  const durations: number[][] = Array.from({ length: 7 * 24 }, () => []);
  for (const row of rows) {
    const cell = (clock.localWeekday(row.start_at) - 1) * 24 + clock.localHour(row.start_at);
    counts[cell]! += 1;
    if (row.first_response_ms !== null) durations[cell]!.push(row.first_response_ms);
  }
  return counts.map((conversations, cell) => ({
    weekday: Math.floor(cell / 24) + 1,
    hour: cell % 24,
    conversations,
    medianFirstResponseMs: medianOf(durations[cell]!),
  }));
}

/**
 * Every conversation of the filter that missed its first-response or resolution target, including those still
 * unanswered (or open) beyond it; longest first.
 *
 * @example
 * const breaches = await listResponseTimeBreaches(db, { channels: ['chat'] }, { config });
 */
export async function listResponseTimeBreaches(
  db: Kysely<Database>,
  filter: ConversationFilter,
  options: ResponseTimeQueryOptions,
): Promise<ResponseTimeBreach[]> {
  const context = new EvaluationContext(options.config, options.asOf ?? Date.now());
  const rows = await readFacts(db, await resolveRunId(db, options), filter);
  const breaches: Omit<ResponseTimeBreach, 'externalId'>[] = [];
  for (const row of rows) {
    const targets = context.targets(row.channel);
    for (const kind of ['first_response', 'resolution'] as const) {
      const outcome = kind === 'first_response' ? context.firstResponseOutcome(row) : context.resolutionOutcome(row);
      if (outcome.state !== 'breached') continue;
      breaches.push({
        conversationId: row.conversation_id,
        channel: row.channel,
        agent: row.agent,
        startAt: row.start_at,
        kind,
        status: outcome.waiting ? 'waiting' : 'late',
        durationMs: outcome.durationMs,
        targetMs: (kind === 'first_response' ? targets.firstResponseMs : targets.resolutionMs)!,
        basis: targets.basis,
      });
    }
  }
  breaches.sort((a, b) => b.durationMs - b.targetMs - (a.durationMs - a.targetMs) || a.conversationId - b.conversationId);
  const externalIds = new Map<number, string>();
  const ids = [...new Set(breaches.map((breach) => breach.conversationId))];
  for (let index = 0; index < ids.length; index += 500) {
    const found = await db
      .selectFrom('conversations')
      .select(['id', 'external_id'])
      .where('id', 'in', ids.slice(index, index + 500))
      .execute();
    for (const row of found) externalIds.set(row.id, row.external_id);
  }
  return breaches.map((breach) => ({ ...breach, externalId: externalIds.get(breach.conversationId) ?? String(breach.conversationId) }));
}

const DAY_MS = 86_400_000;

/**
 * The per-day aggregates answering a report exactly, or undefined when they cannot: a grouping they do not carry
 * (agent, tag), a bound that is not a whole day of the reporting zone, or aggregates written for another zone.
 */
async function readDailyAggregates(
  db: Kysely<Database>,
  filter: ConversationFilter,
  { runId, zone, groupBy }: { runId: number | undefined; zone: string; groupBy: ResponseTimeGroupBy | null },
): Promise<ResponseTimeDailyRow[] | undefined> {
  if (groupBy === 'agent' || groupBy === 'team' || groupBy === 'tag') return undefined;
  // Days are compared as text, which holds for four-digit years only: the day after 9999-12-31 is "+010000-01-01",
  // which sorts before every day. Beyond them the facts answer.
  const dayOf = (instant: number): string | undefined => {
    const local = DateTime.fromMillis(instant, { zone });
    const day = local.startOf('day').toMillis() === instant ? local.toISODate() : null;
    return day !== null && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
  };
  const fromDay = filter.from === undefined ? undefined : dayOf(filter.from);
  const toDay = filter.to === undefined ? undefined : dayOf(filter.to);
  if ((filter.from !== undefined && fromDay === undefined) || (filter.to !== undefined && toDay === undefined)) return undefined;
  if (runId === undefined) return [];
  const written = await db.selectFrom('response_time_daily').select('time_zone').where('run_id', '=', runId).limit(1).executeTakeFirst();
  if (written === undefined) {
    const anyFacts = await db.selectFrom('conversation_facts').select('conversation_id').where('run_id', '=', runId).limit(1).executeTakeFirst();
    return anyFacts === undefined ? [] : undefined;
  }
  if (written.time_zone !== zone) return undefined;
  // The days are local days of the facts' start_at, so whole days select the conversations `factsInFilter` would.
  let query = db.selectFrom('response_time_daily').selectAll().where('run_id', '=', runId).where('time_zone', '=', zone);
  if (fromDay !== undefined) query = query.where('day', '>=', fromDay);
  if (toDay !== undefined) query = query.where('day', '<', toDay);
  if (filter.channels && filter.channels.length > 0) query = query.where('channel', 'in', filter.channels);
  return query.execute();
}

function dailyGroupKey(groupBy: ResponseTimeGroupBy | null): (row: ResponseTimeDailyRow) => string | undefined {
  switch (groupBy) {
    case 'day':
      return (row) => row.day;
    case 'week':
      return (row) => {
        const day = Date.parse(`${row.day}T00:00:00Z`) / DAY_MS;
        const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
        return dayToIsoDate(day - (weekday - 1));
      };
    case 'month':
      return (row) => row.day.slice(0, 7);
    case 'channel':
      return (row) => row.channel;
    default:
      return () => undefined;
  }
}

function unpackDaily(row: ResponseTimeDailyRow, business: boolean): DailyValues {
  const firstResponseCalendar = unpackValues(row.first_response_ms);
  const firstResponseBusiness = unpackValues(row.first_response_business_ms);
  const resolutionCalendar = unpackValues(row.resolution_ms);
  const resolutionBusiness = unpackValues(row.resolution_business_ms);
  return {
    firstResponse: business ? firstResponseBusiness : firstResponseCalendar,
    firstResponseCalendar,
    firstResponseBusiness,
    reply: unpackValues(business ? row.reply_business_ms : row.reply_ms),
    resolution: business ? resolutionBusiness : resolutionCalendar,
    resolutionCalendar,
    resolutionBusiness,
    unansweredSince: unpackValues(row.unanswered_since_at),
    openSince: unpackValues(row.open_since_at),
  };
}

/**
 * The facts rows of an analysis run and a filter, read with the `(run_id, start_at)` index.
 */
function readFacts(db: Kysely<Database>, runId: number | undefined, filter: ConversationFilter, withTeam = false): Promise<FactsReadRow[]> {
  if (withTeam) {
    // The team lives on the conversation (the facts have no column for it): joined by the conversation's id.
    return db
      .selectFrom('conversation_facts as f')
      .innerJoin('conversations as c', 'c.id', 'f.conversation_id')
      .select([
        'f.conversation_id',
        'f.channel',
        'f.start_at',
        'f.agent',
        'f.tags',
        'f.clock_start_at',
        'f.first_response_ms',
        'f.first_response_business_ms',
        'f.reply_count',
        'f.reply_times_ms',
        'f.reply_business_times_ms',
        'f.resolution_ms',
        'f.resolution_business_ms',
        'f.is_resolved',
        'f.reopen_count',
        'f.unanswered',
        'f.awaiting_reply_since_at',
        'c.team',
      ])
      .where('f.run_id', '=', runId ?? NO_RUN)
      .where(factsInFilter(filter, 'f'))
      .execute();
  }
  const query: SelectQueryBuilder<Database, 'conversation_facts', FactsReadRow> = db
    .selectFrom('conversation_facts')
    .select([
      'conversation_id',
      'channel',
      'start_at',
      'agent',
      'tags',
      'clock_start_at',
      'first_response_ms',
      'first_response_business_ms',
      'reply_count',
      'reply_times_ms',
      'reply_business_times_ms',
      'resolution_ms',
      'resolution_business_ms',
      'is_resolved',
      'reopen_count',
      'unanswered',
      'awaiting_reply_since_at',
    ])
    .where('run_id', '=', runId ?? NO_RUN);
  return query.where(factsInFilter(filter, 'conversation_facts')).execute();
}

function groupKey(groupBy: ResponseTimeGroupBy | null, clock: ZoneClock): (row: FactsReadRow) => string[] {
  switch (groupBy) {
    case null:
      return () => [];
    case 'day':
      return (row) => [dayToIsoDate(clock.localDay(row.start_at))];
    case 'week':
      return (row) => {
        const day = clock.localDay(row.start_at);
        return [dayToIsoDate(day - (clock.localWeekday(row.start_at) - 1))];
      };
    case 'month':
      return (row) => [dayToIsoDate(clock.localDay(row.start_at)).slice(0, 7)];
    case 'channel':
      return (row) => [row.channel];
    case 'agent':
      return (row) => [row.agent ?? '(none)'];
    case 'team':
      return (row) => [row.team ?? '(none)'];
    case 'tag':
      return (row) => {
        const tags = JSON.parse(row.tags) as string[];
        return tags.length > 0 ? tags : ['(none)'];
      };
  }
}
