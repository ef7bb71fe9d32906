import type { Kysely } from '#kysely';
import type { EngineTarget } from '../../db/engine-statements.js';
import type { Database } from '../../db/schema.js';
import { ALWAYS_OPEN, createBusinessCalendar, type BusinessCalendar } from '../response-times/business-calendar.js';
import { businessHoursFor, targetsFor, type ResponseTimeConfig } from '../response-times/response-time-config.js';
import { createZoneClock } from '../response-times/zone-clock.js';
import type { AlertSettings } from './alert-settings.js';
import { detectAlerts, type AlertConversation } from './detect-alerts.js';
import { readEvents, type EventProblem, type TeamEvent } from './read-events.js';
import { listEvents } from './alert-queries.js';
import { inTransaction } from '../../db/transaction.js';

export interface ComputeAlertsOptions {
  analysisRunId: number;
  /** Ages of unanswered conversations (for their within-target outcome) are measured up to this instant. */
  asOf?: number;
  /** Conversations read per query (default `ALERT_PAGE_ROWS`); tests make it small to cross page boundaries. */
  pageRows?: number;
}

export interface ComputeAlertsResult {
  spikes: number;
  targetDrops: number;
  events: number;
  eventProblems: EventProblem[];
  durationMs: number;
}

/**
 * The alerts step of an analysis run: reads the events file or folder into `events` (when configured; the file is
 * the truth, so the table is replaced), then detects spikes and within-target drops over the run's response-time
 * facts and topic assignments, and writes them under the run's id in one transaction.
 *
 * @example
 * const { spikes } = await computeAlerts(handle, { settings, responseTimes }, { analysisRunId: 12 });
 */
export async function computeAlerts(
  handle: EngineTarget,
  config: { settings: AlertSettings; responseTimes: ResponseTimeConfig },
  options: ComputeAlertsOptions,
): Promise<ComputeAlertsResult> {
  const startedAt = Date.now();
  const { db } = handle;
  let eventProblems: EventProblem[] = [];
  if (config.settings.eventsPath !== undefined) {
    const read = readEvents(config.settings.eventsPath, config.responseTimes.reportingTimeZone);
    eventProblems = read.problems;
    await replaceEvents(db, read.events);
  }
  const events = await listEvents(db);
  const conversations = await listAlertConversations(
    db,
    options.analysisRunId,
    config.responseTimes,
    options.asOf ?? Date.now(),
    options.pageRows ?? ALERT_PAGE_ROWS,
  );
  const topics = await db.selectFrom('topics').select(['topic_id', 'label']).where('analysis_run_id', '=', options.analysisRunId).execute();
  const clock = createZoneClock(config.responseTimes.reportingTimeZone);
  const alerts = detectAlerts({
    conversations,
    topicLabels: new Map(topics.map((topic) => [topic.topic_id, topic.label])),
    events,
    settings: config.settings,
    offsetMinutes: (instant) => clock.offsetMinutes(instant),
  });
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('alerts').where('analysis_run_id', '=', options.analysisRunId).execute();
    for (let index = 0; index < alerts.length; index += 500) {
      await trx
        .insertInto('alerts')
        .values(
          alerts.slice(index, index + 500).map((alert) => ({
            analysis_run_id: options.analysisRunId,
            alert_id: alert.alertId,
            kind: alert.kind,
            granularity: alert.granularity,
            scope: alert.scope,
            scope_key: alert.scopeKey,
            scope_label: alert.scopeLabel,
            period_start: alert.periodStart,
            period_end: alert.periodEnd,
            period_label: alert.periodLabel,
            observed: alert.observed,
            baseline: alert.baseline,
            score: alert.score,
            details: JSON.stringify(alert.details),
          })),
        )
        .execute();
    }
  });
  return {
    spikes: alerts.filter((alert) => alert.kind === 'spike').length,
    targetDrops: alerts.filter((alert) => alert.kind === 'target-drop').length,
    events: events.length,
    eventProblems,
    durationMs: Date.now() - startedAt,
  };
}

/** Replaces every stored event with those read from the events file or folder, in one transaction. */
export async function replaceEvents(db: Kysely<Database>, events: readonly TeamEvent[]): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('events').execute();
    for (let index = 0; index < events.length; index += 500) {
      await trx
        .insertInto('events')
        .values(
          events.slice(index, index + 500).map((event) => ({
            id: event.id,
            starts_at: event.startsAt,
            ends_at: event.endsAt,
            title: event.title,
            tags: JSON.stringify(event.tags),
            source_path: event.sourcePath,
            line: event.line,
          })),
        )
        .execute();
    }
  });
}

/**
 * Conversations read per query: the rows of one page and the alert inputs made of them are all that is held at once
 * beside the inputs already made (a single query for 1,000,000 conversations held about 450 MB more).
 */
const ALERT_PAGE_ROWS = 50_000;

async function listAlertConversations(
  db: Kysely<Database>,
  runId: number,
  config: ResponseTimeConfig,
  asOf: number,
  pageRows: number,
): Promise<AlertConversation[]> {
  const calendars = new Map<string, BusinessCalendar>();
  const calendarFor = (channel: string): BusinessCalendar => {
    let calendar = calendars.get(channel);
    if (!calendar) {
      const hours = businessHoursFor(config, channel);
      calendars.set(channel, (calendar = hours ? createBusinessCalendar(hours) : ALWAYS_OPEN));
    }
    return calendar;
  };
  const conversations: AlertConversation[] = [];
  for (let after = -1; ; ) {
    const rows = await db
      .selectFrom('conversation_facts as f')
      .leftJoin('topic_assignments as t', (join) => join.onRef('t.conversation_id', '=', 'f.conversation_id').on('t.analysis_run_id', '=', runId))
      .select([
        'f.conversation_id',
        'f.channel',
        'f.start_at',
        'f.first_response_ms',
        'f.first_response_business_ms',
        'f.unanswered',
        'f.clock_start_at',
        't.topic_id',
      ])
      .where('f.run_id', '=', runId)
      .where('f.conversation_id', '>', after)
      .where('f.initiated_by', '=', 'customer')
      .orderBy('f.conversation_id')
      .limit(pageRows)
      .execute();
    for (const row of rows) conversations.push(alertConversation(row, config, asOf, calendarFor));
    if (rows.length < pageRows) return conversations;
    after = rows[rows.length - 1]!.conversation_id;
  }
}

interface AlertFactsRow {
  channel: string;
  start_at: number;
  first_response_ms: number | null;
  first_response_business_ms: number | null;
  unanswered: number;
  clock_start_at: number | null;
  topic_id: number | null;
}

/** A conversation's alert input: its first response against its channel's target as of `asOf`. */
function alertConversation(
  row: AlertFactsRow,
  config: ResponseTimeConfig,
  asOf: number,
  calendarFor: (channel: string) => BusinessCalendar,
): AlertConversation {
  const targets = targetsFor(config, row.channel);
  let target: AlertConversation['target'] = 'none';
  if (targets.firstResponseMs !== null && row.clock_start_at !== null) {
    if (row.unanswered === 1) {
      const age = targets.basis === 'business' ? calendarFor(row.channel).businessMsBetween(row.clock_start_at, asOf) : asOf - row.clock_start_at;
      target = age > targets.firstResponseMs ? 'breached' : 'pending';
    } else {
      const duration = (targets.basis === 'business' ? row.first_response_business_ms : row.first_response_ms) ?? 0;
      target = duration <= targets.firstResponseMs ? 'met' : 'breached';
    }
  }
  return { channel: row.channel, topicId: row.topic_id ?? null, startAt: row.start_at, firstResponseMs: row.first_response_ms, target };
}
