import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../../db/analysis-runs.js';
import type { AlertGranularity, AlertKind, AlertScope, Database } from '../../db/schema.js';
import type { AlertDetails, AlertEvent, DetectedAlert } from './detect-alerts.js';

/**
 * The filter alert reads take: periods that overlap [from, to), optionally one granularity, kind or scope. Not a
 * `ConversationFilter`: it selects stored alerts by their own period, not conversations by their start.
 */
export interface AlertFilter {
  from?: number | undefined;
  to?: number | undefined;
  granularity?: AlertGranularity | undefined;
  kind?: AlertKind | undefined;
  scope?: AlertScope | undefined;
  /** Channel names; alerts of other channels (and of topics) are left out when given. `all` is every channel's. */
  channels?: string[] | undefined;
}

/** An alert as stored with its analysis run: what detection found. */
export type StoredAlert = DetectedAlert;

export type StoredEvent = AlertEvent & { tags: string[] };

/**
 * The alerts of the latest succeeded analysis run (or the given one), oldest period first.
 *
 * @example
 * const spikes = await listAlerts(db, { from, to, kind: 'spike', granularity: 'day' });
 */
export async function listAlerts(db: Kysely<Database>, filter: AlertFilter = {}, analysisRunId?: number): Promise<StoredAlert[]> {
  const runId = analysisRunId ?? (await findLatestSucceededAnalysisRunId(db));
  if (runId === undefined) return [];
  let query = db.selectFrom('alerts').selectAll().where('analysis_run_id', '=', runId);
  if (filter.from !== undefined) query = query.where('period_end', '>', filter.from);
  if (filter.to !== undefined) query = query.where('period_start', '<', filter.to);
  if (filter.granularity !== undefined) query = query.where('granularity', '=', filter.granularity);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope);
  if (filter.channels !== undefined && filter.channels.length > 0) query = query.where('scope', '=', 'channel').where('scope_key', 'in', filter.channels);
  const rows = await query.orderBy('period_start').orderBy('alert_id').execute();
  return rows.map((row) => ({
    alertId: row.alert_id,
    kind: row.kind,
    granularity: row.granularity,
    scope: row.scope,
    scopeKey: row.scope_key,
    scopeLabel: row.scope_label,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    periodLabel: row.period_label,
    observed: row.observed,
    baseline: row.baseline,
    score: row.score,
    details: JSON.parse(row.details) as AlertDetails,
  }));
}

/**
 * Every recorded event, oldest first, optionally those that start or last within [from, to).
 *
 * @example
 * await listEvents(db, { from: Date.parse('2026-12-01'), to: Date.parse('2026-12-08') });
 */
export async function listEvents(db: Kysely<Database>, range: { from?: number | undefined; to?: number | undefined } = {}): Promise<StoredEvent[]> {
  let query = db.selectFrom('events').select(['id', 'title', 'starts_at', 'ends_at', 'tags']);
  if (range.to !== undefined) query = query.where('starts_at', '<', range.to);
  if (range.from !== undefined) {
    const from = range.from;
    query = query.where((eb) => eb.or([eb('starts_at', '>=', from), eb('ends_at', '>', from)]));
  }
  const rows = await query.orderBy('starts_at').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, title: row.title, startsAt: row.starts_at, endsAt: row.ends_at, tags: JSON.parse(row.tags) as string[] }));
}
