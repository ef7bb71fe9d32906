import type { Kysely } from '#kysely';
import type { Database } from '../db/schema.js';
import type { ResponseCache } from './response-cache.js';
import {
  getResponseTimeHeatmap,
  getResponseTimeReport,
  type HeatmapCell,
  type ResponseTimeQueryOptions,
} from '../analysis/response-times/response-time-queries.js';
import { businessHoursFor, targetsFor, type BusinessHours, type ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { parseRangeBound } from '../analysis/conversation-filter.js';
import { getTopicReport, type TopicReportRow } from '../analysis/topics/topic-report.js';
import { getFaqGapReport, type FaqGapComparison, type FaqGapReport } from '../analysis/faq/faq-gap-report.js';
import { renderGapReport, type GapReportFormat } from '../analysis/faq/render-gap-report.js';
import { csvLine } from '../analysis/export/csv-line.js';
import { isoInstant } from '../analysis/export/conversation-export.js';
import { formatDuration } from '../analysis/response-times/duration-text.js';
import { getAgentsAndTeams, type AgentsAndTeams } from './agent-figures.js';
import { findConversationDetail, type ConversationDetail } from './conversation-detail.js';
import {
  CONVERSATION_CSV_MAX_ROWS,
  listConversationPage,
  listConversationRows,
  type ConversationListOptions,
  type ConversationListRow,
} from './conversation-list-queries.js';
import type { ConversationListQuery } from './conversation-list-filter.js';
import { fillDays, overviewFigures, type OverviewDay, type OverviewFigures } from './chart-shaping.js';
import { daysBetween, resolveRange, type DashboardQuery, type DashboardRange } from './dashboard-range.js';
import {
  getLastSavedGapFindings,
  getLatestStartAt,
  listAnalysisRuns,
  listChannels,
  listIngestRuns,
  listRecentRejects,
  type AnalysisRunSummary,
  type IngestRunSummary,
  type RejectSummary,
} from './dashboard-queries.js';

/** What every page and API route reads from: the database, the response-time configuration, and a clock. */
export interface DashboardContext {
  db: Kysely<Database>;
  responseTimes: ResponseTimeConfig;
  now: () => number;
  /** Totals of conversation lists, shared by every page of a list (paging a long list recounts nothing). */
  listTotals?: ResponseCache;
}

/** The range as the API returns it. */
export interface RangeView {
  from: string;
  to: string;
  channel: string | null;
  timeZone: string;
  fromMs: number;
  toMs: number;
}

/** Empty strings (an untouched form field) mean "not given". */
export function normalizeQuery(query: DashboardQuery): DashboardQuery {
  const given: DashboardQuery = {};
  if (query.from) given.from = query.from;
  if (query.to) given.to = query.to;
  if (query.channel) given.channel = query.channel;
  return given;
}

export async function readRange(context: DashboardContext, query: DashboardQuery): Promise<DashboardRange> {
  const given = normalizeQuery(query);
  const latest = given.to === undefined ? await getLatestStartAt(context.db) : null;
  return resolveRange(given, context.responseTimes.reportingTimeZone, latest, context.now());
}

function rangeView(range: DashboardRange): RangeView {
  return { from: range.fromDay, to: range.toDay, channel: range.channel, timeZone: range.timeZone, fromMs: range.filter.from, toMs: range.filter.to };
}

export interface OverviewSeries {
  channel: string;
  firstResponseTargetMs: number | null;
  resolutionTargetMs: number | null;
  /** Which clock the targets are measured on, as configured. */
  targetBasis: 'calendar' | 'business';
  /** The channel's business hours as configured, in words; null when it is open around the clock. */
  businessHours: string | null;
  total: OverviewFigures;
  /** The same figures over the previous period of the same length (the cards' change). */
  previous: OverviewFigures;
  days: OverviewDay[];
}

export interface OverviewData {
  range: RangeView;
  channels: string[];
  days: string[];
  /** The last day of the range when the as-of time falls within it: its figures are not final. */
  partialDay: string | null;
  asOf: number;
  total: OverviewFigures;
  series: OverviewSeries[];
}

/** Business hours as configured, in words: `mon-fri 09:00-17:00, sat 10:00-14:00 (Europe/Berlin); 2 holidays`. */
export function describeBusinessHours(hours: BusinessHours | undefined): string | null {
  if (!hours) return null;
  const intervals = hours.intervals.map((interval) => `${interval.days.join(',')} ${interval.start}-${interval.end}`).join('; ');
  const holidays = hours.holidays.length === 0 ? '' : `; ${hours.holidays.length} holiday${hours.holidays.length === 1 ? '' : 's'}`;
  return `${intervals} (${hours.timeZone})${holidays}`;
}

/** Volume, first response and resolution (median, p90) and targets met per channel and day, plus the totals. */
export async function getOverview(context: DashboardContext, query: DashboardQuery): Promise<OverviewData> {
  const range = await readRange(context, query);
  const channels = await listChannels(context.db);
  const asOf = context.now();
  const options: ResponseTimeQueryOptions = { config: context.responseTimes, asOf };
  const days = daysBetween(range.fromDay, range.toDay);
  const total = await getResponseTimeReport(context.db, range.filter, options, null);
  const previousFilter = { from: range.filter.from - (range.filter.to - range.filter.from), to: range.filter.from };
  const shown = range.channel === null ? channels : [range.channel];
  const series: OverviewSeries[] = [];
  for (const channel of shown) {
    const report = await getResponseTimeReport(context.db, { ...range.filter, channels: [channel] }, options, 'day');
    const previous = await getResponseTimeReport(context.db, { ...previousFilter, channels: [channel] }, options, null);
    const targets = targetsFor(context.responseTimes, channel);
    series.push({
      channel,
      firstResponseTargetMs: targets.firstResponseMs,
      resolutionTargetMs: targets.resolutionMs,
      targetBasis: targets.basis,
      businessHours: describeBusinessHours(businessHoursFor(context.responseTimes, channel)),
      total: overviewFigures(report.total),
      previous: overviewFigures(previous.total),
      days: fillDays(days, report.groups),
    });
  }
  const lastDayStart = parseRangeBound(range.toDay, 'from', range.timeZone)!;
  const partialDay = asOf >= lastDayStart && asOf < range.filter.to ? range.toDay : null;
  return { range: rangeView(range), channels, days, partialDay, asOf, total: overviewFigures(total.total), series };
}

export interface PeakTimesData {
  range: RangeView;
  channels: string[];
  cells: HeatmapCell[];
}

export async function getPeakTimes(context: DashboardContext, query: DashboardQuery): Promise<PeakTimesData> {
  const range = await readRange(context, query);
  const cells = await getResponseTimeHeatmap(context.db, range.filter, { config: context.responseTimes, asOf: context.now() });
  return { range: rangeView(range), channels: await listChannels(context.db), cells };
}

/** Example questions per topic on the topics page. */
export const TOPIC_EXAMPLES = 5;

export interface TopicsData {
  range: RangeView;
  channels: string[];
  analysisRunId: number | null;
  previousFromMs: number;
  topics: TopicReportRow[];
}

export async function getTopics(context: DashboardContext, query: DashboardQuery): Promise<TopicsData> {
  const range = await readRange(context, query);
  const report = await getTopicReport(context.db, range.filter, { examples: TOPIC_EXAMPLES });
  return {
    range: rangeView(range),
    channels: await listChannels(context.db),
    analysisRunId: report.analysisRunId,
    previousFromMs: report.previousFrom,
    topics: report.topics,
  };
}

async function gapReportWithComparison(context: DashboardContext, range: DashboardRange): Promise<{ report: FaqGapReport; comparison: FaqGapComparison }> {
  const report = await getFaqGapReport(context.db, range.filter);
  const last = await getLastSavedGapFindings(context.db);
  const previousIds = new Set(last.findings.map((finding) => finding.id));
  const currentIds = new Set(report.findings.map((finding) => finding.id));
  const comparison: FaqGapComparison = {
    previousReportId: last.reportId,
    newSinceLast: report.findings.filter((finding) => !previousIds.has(finding.id)).map((finding) => finding.id),
    goneSinceLast: last.findings.filter((finding) => !currentIds.has(finding.id)),
  };
  return { report, comparison };
}

/** The FAQ gaps page's filter: the range, a channel, and the language customers asked in. */
export type FaqGapsQuery = DashboardQuery & { language?: string };

export async function getFaqGaps(context: DashboardContext, query: FaqGapsQuery) {
  const range = await readRange(context, query);
  const { report, comparison } = await gapReportWithComparison(context, range);
  const fresh = new Set(comparison.newSinceLast);
  const language = query.language ? query.language : null;
  return {
    range: rangeView(range),
    language,
    analysisRunId: report.analysisRunId,
    comparedWithReport: comparison.previousReportId,
    goneSinceLastReport: comparison.goneSinceLast,
    findings: report.findings
      .filter((finding) => language === null || finding.languages.includes(language))
      .map((finding) => ({
        id: finding.id,
        status: fresh.has(finding.id) ? ('new' as const) : ('unchanged' as const),
        verdict: finding.verdict,
        priority: finding.priority,
        topicId: finding.topicId,
        topicIds: finding.topicIds,
        languages: finding.languages,
        entryId: finding.entryId,
        title: finding.title,
        keyTerms: finding.keyTerms,
        reasons: finding.reasons,
        summary: finding.summary,
        conversations: finding.evidence.conversations,
        previousConversations: finding.evidence.previousConversations,
        growth: finding.evidence.growth,
        coveredShare: finding.evidence.coveredShare,
        meanScore: finding.evidence.meanScore,
        medianHandlingMs: finding.evidence.medianHandlingMs,
        nearestEntryId: finding.evidence.nearestEntryId,
        entryUpdatedAt: finding.evidence.entryUpdatedAt,
        drift: finding.evidence.drift.map((drift) => ({
          kind: drift.kind,
          agentsSay: drift.agentsSay,
          replies: drift.replies,
          entrySays: drift.entrySays ?? null,
        })),
        examples: finding.evidence.examples,
      })),
  };
}

/** The gap report as a file, the same content as `supportlens report faq-gaps --format`, without saving it. */
export async function renderFaqGapsDownload(
  context: DashboardContext,
  query: DashboardQuery,
  format: GapReportFormat,
): Promise<{ body: string; filename: string; contentType: string }> {
  const range = await readRange(context, query);
  const { report, comparison } = await gapReportWithComparison(context, range);
  const extension = format === 'markdown' ? 'md' : format;
  const contentType = format === 'csv' ? 'text/csv; charset=utf-8' : format === 'json' ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8';
  return {
    body: renderGapReport(report, comparison, format, { timeZone: range.timeZone }),
    filename: `faq-gaps-${range.fromDay}-to-${range.toDay}.${extension}`,
    contentType,
  };
}

export interface RunsData {
  ingestRuns: IngestRunSummary[];
  analysisRuns: AnalysisRunSummary[];
  rejects: RejectSummary[];
}

export async function getRuns(context: DashboardContext, run: number | undefined): Promise<RunsData> {
  return {
    ingestRuns: await listIngestRuns(context.db),
    analysisRuns: await listAnalysisRuns(context.db),
    rejects: await listRecentRejects(context.db, run),
  };
}

/** The options every list, conversation and agent query takes: the configuration, the as-of time and the channels. */
async function listOptions(context: DashboardContext): Promise<ConversationListOptions> {
  return { config: context.responseTimes, asOf: context.now(), channels: await listChannels(context.db) };
}

export interface ConversationListData {
  range: RangeView;
  channels: string[];
  asOf: number;
  total: number;
  rows: ConversationListRow[];
  next: string | null;
}

/** A page of the conversations behind a number, with the list's total; the filter and the sort are the URL's. */
export async function getConversationList(context: DashboardContext, query: ConversationListQuery): Promise<ConversationListData> {
  const range = await readRange(context, query);
  const options = await listOptions(context);
  const page = await listConversationPage(context.db, range, query, context.listTotals ? { ...options, totals: context.listTotals } : options);
  return { range: rangeView(range), channels: [...options.channels], asOf: options.asOf, ...page };
}

/** The columns of the conversation list's CSV download. */
export const CONVERSATION_CSV_COLUMNS = [
  'conversation_id',
  'source',
  'channel',
  'start_at',
  'agent',
  'team',
  'language',
  'topic_id',
  'topic',
  'first_response_ms',
  'first_response',
  'unanswered_age_ms',
  'resolution_ms',
  'reopen_count',
  'faq_entry_id',
  'faq_score',
  'question',
] as const;

/**
 * The same rows as the list, all of them, in its order, as CSV with a UTF-8 byte-order mark (Excel then reads
 * Chinese text right); durations in milliseconds and in the dashboard's duration format.
 */
export async function renderConversationCsv(
  context: DashboardContext,
  query: ConversationListQuery,
): Promise<{ body: string; filename: string; contentType: string }> {
  const range = await readRange(context, query);
  const options = await listOptions(context);
  const rows = await listConversationRows(context.db, range, { ...query, after: undefined }, { ...options, limit: CONVERSATION_CSV_MAX_ROWS });
  const parts = [`\ufeff${csvLine(CONVERSATION_CSV_COLUMNS)}`];
  for (const row of rows) {
    parts.push(
      csvLine([
        row.conversationId,
        row.source,
        row.channel,
        isoInstant(row.startAt),
        row.agent,
        row.team,
        row.language,
        row.topicId,
        row.topicLabel,
        row.firstResponseMs,
        formatDuration(row.firstResponseMs),
        row.unansweredAgeMs,
        row.resolutionMs,
        row.reopenCount,
        row.faqEntryId,
        row.faqScore === null ? null : Math.round(row.faqScore * 1000) / 1000,
        row.question,
      ]),
    );
  }
  return { body: parts.join(''), filename: `conversations-${range.fromDay}-to-${range.toDay}.csv`, contentType: 'text/csv; charset=utf-8' };
}

/** One conversation's page data; a 404 when there is none with that id. */
export async function getConversation(context: DashboardContext, id: number): Promise<ConversationDetail> {
  const detail = await findConversationDetail(context.db, id, { config: context.responseTimes, asOf: context.now() });
  if (!detail) throw Object.assign(new Error(`no conversation ${id}`), { statusCode: 404 });
  return detail;
}

export interface AgentsData extends AgentsAndTeams {
  range: RangeView;
  channels: string[];
}

export async function getAgents(context: DashboardContext, query: DashboardQuery): Promise<AgentsData> {
  const range = await readRange(context, query);
  const options = await listOptions(context);
  return { range: rangeView(range), channels: [...options.channels], ...(await getAgentsAndTeams(context.db, range, options)) };
}
