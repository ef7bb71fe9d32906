import type { Kysely } from '#kysely';
import { findLatestSucceededAnalysisRunId } from '../db/analysis-runs.js';
import type { Database } from '../db/schema.js';

/**
 * The dashboard's own reads (runs, rejects, channels, the last saved gap report). The analytics reads are the
 * analysis read modules (`getResponseTimeReport`, `getTopicReport`, `getFaqGapReport`): one place for those.
 */

/** Raw text of a reject is cut to this many characters on the page (the CLI `rejects` shows it whole). */
export const REJECT_RAW_PREVIEW_LENGTH = 400;
export const RUNS_PAGE_SIZE = 50;
export const REJECTS_PAGE_SIZE = 100;

/**
 * The channels the latest succeeded analysis saw, from the per-day aggregates (a few rows per day, not one per
 * conversation).
 */
export async function listChannels(db: Kysely<Database>): Promise<string[]> {
  const runId = await findLatestSucceededAnalysisRunId(db);
  if (runId === undefined) return [];
  const rows = await db.selectFrom('response_time_daily').select('channel').distinct().where('run_id', '=', runId).orderBy('channel').execute();
  return rows.map((row) => row.channel);
}

/** The start of the latest conversation the latest succeeded analysis saw (an index lookup). */
export async function getLatestStartAt(db: Kysely<Database>): Promise<number | null> {
  const runId = await findLatestSucceededAnalysisRunId(db);
  if (runId === undefined) return null;
  const row = await db
    .selectFrom('conversation_facts')
    .select((eb) => eb.fn.max('start_at').as('latest'))
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
}

export interface IngestRunSummary {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  status: string;
  error: string | null;
  files: number;
  recordsRead: number;
  recordsInserted: number;
  recordsUpdated: number;
  recordsUnchanged: number;
  recordsRejected: number;
  rejects: number;
}

export async function listIngestRuns(db: Kysely<Database>, limit = RUNS_PAGE_SIZE): Promise<IngestRunSummary[]> {
  const rows = await db
    .selectFrom('ingest_runs as r')
    .leftJoin('ingest_files as f', 'f.run_id', 'r.id')
    .select((eb) => [
      'r.id',
      'r.started_at',
      'r.finished_at',
      'r.status',
      'r.error',
      eb.fn.count<number>('f.id').as('files'),
      eb.fn.coalesce(eb.fn.sum<number>('f.records_read'), eb.lit(0)).as('read'),
      eb.fn.coalesce(eb.fn.sum<number>('f.records_inserted'), eb.lit(0)).as('inserted'),
      eb.fn.coalesce(eb.fn.sum<number>('f.records_updated'), eb.lit(0)).as('updated'),
      eb.fn.coalesce(eb.fn.sum<number>('f.records_unchanged'), eb.lit(0)).as('unchanged'),
      eb.fn.coalesce(eb.fn.sum<number>('f.records_rejected'), eb.lit(0)).as('rejected'),
      eb
        .selectFrom('rejects as j')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('j.run_id', '=', 'r.id')
        .as('rejects'),
    ])
    .groupBy('r.id')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
    files: Number(row.files),
    recordsRead: Number(row.read),
    recordsInserted: Number(row.inserted),
    recordsUpdated: Number(row.updated),
    recordsUnchanged: Number(row.unchanged),
    recordsRejected: Number(row.rejected),
    rejects: Number(row.rejects ?? 0),
  }));
}

export interface AnalysisRunSummary {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  status: string;
  error: string | null;
  /** The analyses the run recorded, with their duration when given. */
  analyses: { name: string; durationMs: number | null }[];
}

export async function listAnalysisRuns(db: Kysely<Database>, limit = RUNS_PAGE_SIZE): Promise<AnalysisRunSummary[]> {
  const rows = await db.selectFrom('analysis_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
    analyses: analysesOf(row.summary),
  }));
}

function analysesOf(summary: string | null): { name: string; durationMs: number | null }[] {
  if (summary === null) return [];
  try {
    const parsed = JSON.parse(summary) as { analyses?: Record<string, { durationMs?: unknown }> };
    return Object.entries(parsed.analyses ?? {}).map(([name, value]) => ({
      name,
      durationMs: typeof value?.durationMs === 'number' ? value.durationMs : null,
    }));
  } catch {
    return [];
  }
}

export interface RejectSummary {
  id: number;
  runId: number;
  path: string;
  line: number | null;
  kind: string;
  reason: string;
  raw: string;
  rawTruncated: boolean;
  createdAt: number;
}

export async function listRecentRejects(db: Kysely<Database>, runId: number | undefined, limit = REJECTS_PAGE_SIZE): Promise<RejectSummary[]> {
  let query = db.selectFrom('rejects').selectAll().orderBy('id', 'desc').limit(limit);
  if (runId !== undefined) query = query.where('run_id', '=', runId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    path: row.path,
    line: row.line,
    kind: row.kind,
    reason: row.reason,
    raw: row.raw.slice(0, REJECT_RAW_PREVIEW_LENGTH),
    rawTruncated: row.raw_truncated === 1 || row.raw.length > REJECT_RAW_PREVIEW_LENGTH,
    createdAt: row.created_at,
  }));
}

/** The findings of the last saved gap report, to mark what is new or gone without saving (the dashboard only reads). */
export async function getLastSavedGapFindings(
  db: Kysely<Database>,
): Promise<{ reportId: number | null; findings: { id: string; verdict: string; title: string }[] }> {
  const last = await db.selectFrom('faq_gap_reports').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!last) return { reportId: null, findings: [] };
  const rows = await db
    .selectFrom('faq_gap_findings')
    .select(['finding_id', 'verdict', 'title'])
    .where('report_id', '=', last.id)
    .orderBy('finding_id')
    .execute();
  return { reportId: last.id, findings: rows.map((row) => ({ id: row.finding_id, verdict: row.verdict, title: row.title })) };
}

/**
 * Changes whenever an analysis run starts or ends: part of every cached analytics answer's key. Ingest runs do
 * not change it: the figures come from the facts, topics and matches an analysis computes.
 */
export async function getAnalysisVersion(db: Kysely<Database>): Promise<string> {
  const analysis = await db.selectFrom('analysis_runs').select(['id', 'status', 'finished_at']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return `${analysis?.id ?? 0}:${analysis?.status ?? ''}:${analysis?.finished_at ?? ''}`;
}

/**
 * What the runs page shows changes only when one of these does: a run starts, ends or changes status, a file or a
 * reject is recorded, or an analysis run starts or ends. One small statement (the runs tables hold a row per run; the
 * largest ids come from the primary keys), so the page can be served from the cache until then.
 */
export async function getRunsVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('ingest_runs')
        .select((inner) => inner.fn.max('id').as('v'))
        .as('last_run'),
      eb
        .selectFrom('ingest_runs')
        .select((inner) => inner.fn.countAll<number>().as('v'))
        .where('status', '=', 'running')
        .as('running'),
      eb
        .selectFrom('ingest_runs')
        .select((inner) => inner.fn.max('finished_at').as('v'))
        .as('finished'),
      eb
        .selectFrom('ingest_files')
        .select((inner) => inner.fn.max('id').as('v'))
        .as('last_file'),
      eb
        .selectFrom('rejects')
        .select((inner) => inner.fn.max('id').as('v'))
        .as('last_reject'),
    ])
    .executeTakeFirst();
  return `${row?.last_run ?? 0}:${row?.running ?? 0}:${row?.finished ?? 0}:${row?.last_file ?? 0}:${row?.last_reject ?? 0} ${await getAnalysisVersion(db)}`;
}

/**
 * What the FAQ gaps depend on besides the analysis: the FAQ entries as they stand (entries change by new versions)
 * and the last saved gap report (its "new since" compares with it). One small statement.
 */
export async function getFaqGapsVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('faq_gap_reports')
        .select((inner) => inner.fn.max('id').as('v'))
        .as('saved'),
      eb
        .selectFrom('faq_entry_versions')
        .select((inner) => inner.fn.max('id').as('v'))
        .as('version'),
      eb
        .selectFrom('faq_entries')
        .select((inner) => inner.fn.countAll<number>().as('v'))
        .as('entries'),
    ])
    .executeTakeFirst();
  return `${row?.saved ?? 0}:${row?.version ?? 0}:${row?.entries ?? 0}`;
}
