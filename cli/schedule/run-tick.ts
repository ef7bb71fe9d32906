import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireEngineJobLock, type EngineAcquireResult, type JobLockTarget } from '../../db/engine-job-lock.js';
import type { JobRunStatus, JobTrigger } from '../../db/schema.js';
import { runIngest, type IngestOptions, type IngestSummary } from '../../ingest/run-ingest.js';
import { runAnalysis, type AnalysisRunSummary } from '../commands/analyze-command.js';
import type { SupportlensConfig } from '../config.js';
import { listFailingFiles, recordFailure, type FailingFile } from './failing-files.js';
import { findNewInboxFiles, type InboxFile, type InboxScan, type InboxScanOptions } from './find-new-inbox-files.js';
import { startHeartbeat, type JobLockOptions } from '../../db/job-lock.js';
import { insertJobRun, isAnalysisBehindIngest, markRunningJobRunsInterrupted, updateJobRun } from '../../db/job-run-queries.js';
import { runDeliveries, type DeliveryOutcome, type RunDeliveriesOptions } from '../deliveries/run-deliveries.js';
import { formatDuration } from '../../analysis/response-times/duration-text.js';

/** The job a tick runs, and the name of its lock. */
export const NIGHTLY_JOB = 'nightly';

/** What a tick runs on: either engine (see `openLocation`). */
export type TickTarget = JobLockTarget & { close(): Promise<void> };

/** The stages a tick wires together; tests replace them to make one fail. */
export interface TickStages {
  ingest(handle: TickTarget, options: IngestOptions): Promise<IngestSummary>;
  analyze(handle: TickTarget, config: SupportlensConfig): Promise<AnalysisRunSummary>;
  /** Digests and alerts to the configured destinations; its problems never fail the attempt. */
  deliver(handle: TickTarget, config: SupportlensConfig, options: RunDeliveriesOptions): Promise<DeliveryOutcome[]>;
}

/** Why the ingest stage cannot run: a PostgreSQL handle opened without its pool (the job lock and ingest need it). */
export const POSTGRES_POOL_MISSING = 'ingest on PostgreSQL needs the connection pool; open the database with openLocation';

/** The ingest stage: `runIngest` on either engine (on PostgreSQL by COPY into staging, one transaction per file). */
export function ingestStage(handle: TickTarget, options: IngestOptions): Promise<IngestSummary> {
  const { sqlite, postgres, db } = handle;
  if (sqlite !== undefined) return runIngest({ ...handle, sqlite }, options);
  if (postgres === undefined) return Promise.reject(new Error(POSTGRES_POOL_MISSING));
  return runIngest({ engine: 'postgres', db, pool: postgres }, options);
}

const DEFAULT_STAGES: TickStages = {
  ingest: ingestStage,
  analyze: (handle, config) => runAnalysis(handle, config),
  deliver: runDeliveries,
};

export interface RunTickOptions {
  trigger: JobTrigger;
  /** Aborts the work itself: ingest stops between records and rolls the current file back. */
  signal?: AbortSignal;
  /** No further attempt once this fires; a retry delay is cut short. The current attempt finishes. */
  stopRetrying?: AbortSignal;
  inboxScan?: InboxScanOptions;
  lock?: JobLockOptions;
  stages?: Partial<TickStages>;
  log?: (message: string) => void;
}

export interface JobAttempt {
  jobRunId: number;
  attempt: number;
  status: JobRunStatus;
  files: InboxFile[];
  waiting: string[];
  /** The configured inbox folder does not exist: the attempt failed and is not retried. */
  inboxMissing: boolean;
  ingestRunId: number | null;
  analysisRunId: number | null;
  records: { read: number; inserted: number; updated: number; rejected: number };
  error: string | null;
  /** What each delivery did in this attempt (empty without destinations, or when the attempt failed). */
  deliveries: DeliveryOutcome[];
  /** Why the deliveries could not run at all; the attempt's status does not change for it. */
  deliveryError?: string;
}

export interface TickResult {
  /** The last attempt's status, or `skipped` when another run held the lock. */
  status: JobRunStatus;
  attempts: JobAttempt[];
  /** Who held the lock when the tick was skipped. */
  heldBy?: { pid: number; hostname: string; since: number };
}

/**
 * One tick of the schedule: takes the job lock (or records a `skipped` run when another process holds it), ingests
 * the inbox's new files, analyses, and records every attempt in `job_runs`. A failed attempt is retried
 * `config.schedule.retries` times, `retryDelayMs` apart; nothing throws out of here but programming errors.
 * With no new file, nothing is ingested, and the analysis runs only if data was loaded since the last successful one.
 *
 * @example
 * const result = await runTick(handle, await loadConfig(), { trigger: 'manual' });
 * result.status; // "succeeded"
 */
export async function runTick(handle: TickTarget, config: SupportlensConfig, options: RunTickOptions): Promise<TickResult> {
  const log = options.log ?? (() => {});
  let acquired: EngineAcquireResult;
  try {
    acquired = await acquireEngineJobLock(handle, NIGHTLY_JOB, options.lock);
  } catch (error) {
    // SQLITE_BUSY: another process kept a write transaction open longer than the busy timeout (a large file).
    if (!isBusy(error)) throw error;
    return skipped(handle, config, options, `the database is busy (another process is writing): ${(error as Error).message}`);
  }
  if (!acquired.acquired) {
    const { holder } = acquired;
    if (holder === undefined) return skipped(handle, config, options, 'another run holds the lock (it is just starting)');
    const message = `another run holds the lock: pid ${holder.holder_pid} on ${holder.holder_hostname} since ${new Date(holder.acquired_at).toISOString()}`;
    return {
      ...(await skipped(handle, config, options, message)),
      heldBy: { pid: holder.holder_pid, hostname: holder.holder_hostname, since: holder.acquired_at },
    };
  }
  const { lock } = acquired;
  if (lock.tookOverFrom) {
    log(
      `took over the lock of pid ${lock.tookOverFrom.holder_pid} on ${lock.tookOverFrom.holder_hostname} (dead or not refreshed since ${new Date(lock.tookOverFrom.heartbeat_at).toISOString()})`,
    );
  }
  const stopHeartbeat = startHeartbeat(lock, options.lock?.heartbeatIntervalMs, () => log('warning: the job lock was taken over by another process'));
  const stages: TickStages = { ...DEFAULT_STAGES, ...options.stages };
  const attempts: JobAttempt[] = [];
  try {
    await markAbandonedJobRuns(handle);
    for (let attempt = 1; ; attempt++) {
      const outcome = await runAttempt(handle, { config, stages, attempt }, options);
      attempts.push(outcome);
      log(describeAttempt(outcome));
      const last = attempt > config.schedule.retries || options.stopRetrying?.aborted || options.signal?.aborted;
      if (outcome.status !== 'failed' || last || outcome.inboxMissing) break;
      log(`retrying in ${formatDuration(config.schedule.retryDelayMs)} (attempt ${attempt + 1} of ${config.schedule.retries + 1})`);
      await sleep(config.schedule.retryDelayMs, undefined, { signal: options.stopRetrying, ref: true }).catch(() => undefined);
      if (options.stopRetrying?.aborted) break;
    }
  } finally {
    stopHeartbeat();
    await lock.release();
  }
  return { status: attempts[attempts.length - 1]!.status, attempts };
}

/** Only the lock holder runs, so a run still `running` when we hold the lock was left by a holder that died. */
async function markAbandonedJobRuns(handle: TickTarget): Promise<void> {
  await markRunningJobRunsInterrupted(handle.db, { at: Date.now(), error: 'the process ended before the run finished (its lock was taken over)' });
}

async function skipped(handle: TickTarget, config: SupportlensConfig, options: RunTickOptions, message: string): Promise<TickResult> {
  const now = Date.now();
  let jobRunId = 0;
  try {
    jobRunId = await insertJobRun(handle.db, { ...jobRunIdentity(config, options.trigger, 1, now), finished_at: now, status: 'skipped', error: message });
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  options.log?.(`run ${jobRunId || '(not recorded: database busy)'} skipped: ${message}`);
  return {
    status: 'skipped',
    attempts: [
      {
        jobRunId,
        attempt: 1,
        status: 'skipped',
        files: [],
        waiting: [],
        inboxMissing: false,
        ingestRunId: null,
        analysisRunId: null,
        records: emptyRecords(),
        error: message,
        deliveries: [],
      },
    ],
  };
}

async function runAttempt(
  handle: TickTarget,
  { config, stages, attempt }: { config: SupportlensConfig; stages: TickStages; attempt: number },
  options: RunTickOptions,
): Promise<JobAttempt> {
  const { db } = handle;
  const jobRunId = await insertJobRun(db, { ...jobRunIdentity(config, options.trigger, attempt, Date.now()), status: 'running' });
  const outcome: JobAttempt = {
    jobRunId,
    attempt,
    status: 'running',
    files: [],
    waiting: [],
    inboxMissing: false,
    ingestRunId: null,
    analysisRunId: null,
    records: emptyRecords(),
    error: null,
    deliveries: [],
  };
  let ingest: IngestSummary | undefined;
  let analysis: AnalysisRunSummary | undefined;
  let scan: InboxScan | undefined;
  let failing: FailingFile[] = [];
  try {
    const previouslyFailing = await listFailingFiles(handle, NIGHTLY_JOB);
    scan = await findNewInboxFiles(handle, config.schedule.inbox, { ...options.inboxScan, failing: previouslyFailing });
    outcome.files = scan.newFiles;
    outcome.waiting = scan.waiting;
    failing = [...scan.failing];
    if (scan.missing) {
      outcome.status = 'failed';
      outcome.inboxMissing = true;
      outcome.error = `the inbox folder ${resolve(config.schedule.inbox)} does not exist: create it, or set schedule.inbox in the configuration`;
    } else if (scan.newFiles.length === 0 && !(await isAnalysisBehind(handle))) outcome.status = 'succeeded';
    else {
      if (scan.newFiles.length > 0) {
        ingest = await stages.ingest(handle, {
          paths: scan.newFiles.map((file) => file.path),
          timezone: config.schedule.sourceTimeZone,
          signal: options.signal,
        });
        outcome.ingestRunId = ingest.runId;
        outcome.records = { read: ingest.records.read, inserted: ingest.records.inserted, updated: ingest.records.updated, rejected: ingest.records.rejected };
      }
      if (ingest === undefined) {
        analysis = await stages.analyze(handle, config);
        outcome.analysisRunId = analysis.runId;
        outcome.status = analysis.status === 'failed' ? 'failed' : 'succeeded';
        if (analysis.status === 'failed') outcome.error = `analysis failed: ${analysis.error ?? 'unknown error'}`;
      } else if (ingest.status === 'interrupted') {
        outcome.status = 'interrupted';
        outcome.error = 'stopped before the ingest was complete; the unfinished file was rolled back and will be taken next time';
      } else if (ingest.status === 'failed') {
        outcome.status = 'failed';
        outcome.error = `ingest failed: ${fileErrors(ingest)}`;
      } else {
        analysis = await stages.analyze(handle, config);
        outcome.analysisRunId = analysis.runId;
        if (analysis.status === 'failed') {
          outcome.status = 'failed';
          outcome.error = `analysis failed: ${analysis.error ?? 'unknown error'}`;
        } else if (ingest.status === 'partial') {
          outcome.status = 'partial';
          outcome.error = `some files could not be read: ${fileErrors(ingest)}`;
        } else outcome.status = 'succeeded';
      }
    }
    if (ingest && ingest.status !== 'interrupted') {
      const previous = new Map(previouslyFailing.map((file) => [file.path, file]));
      for (const file of ingest.files) {
        if (file.status !== 'failed' || !file.error) continue;
        const listed = scan.newFiles.find((newFile) => newFile.path === file.path);
        failing.push(recordFailure(previous.get(file.path), { path: file.path, error: file.error, signature: listed?.signature ?? '' }));
      }
    }
    const unread = describeUnread(scan);
    if (unread) {
      if (outcome.status === 'succeeded') outcome.status = 'partial';
      outcome.error = outcome.error ? `${outcome.error}; ${unread}` : unread;
    }
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = (error as Error).message ?? String(error);
  }
  if ((outcome.status === 'succeeded' || outcome.status === 'partial') && config.deliveries.destinations.length > 0) {
    try {
      outcome.deliveries = await stages.deliver(handle, config, { jobRunId, log: options.log });
    } catch (error) {
      // A delivery problem never fails the load: it is recorded beside it.
      outcome.deliveryError = (error as Error).message ?? String(error);
      options.log?.(`deliveries could not run: ${outcome.deliveryError}`);
    }
  }
  await updateJobRun(db, jobRunId, {
    finished_at: Date.now(),
    status: outcome.status,
    files: JSON.stringify(outcome.files),
    files_count: outcome.files.length,
    files_waiting: outcome.waiting.length,
    records_read: outcome.records.read,
    records_inserted: outcome.records.inserted,
    records_updated: outcome.records.updated,
    records_rejected: outcome.records.rejected,
    ingest_run_id: outcome.ingestRunId,
    analysis_run_id: outcome.analysisRunId,
    summary: JSON.stringify({
      waiting: outcome.waiting,
      unreadable: scan?.unreadable ?? [],
      failing,
      ingest: ingest
        ? { status: ingest.status, records: ingest.records, messages: ingest.messages, warnings: ingest.warnings, durationMs: ingest.durationMs }
        : null,
      analysis: analysis ? { status: analysis.status, analyses: analysis.analyses, durationMs: analysis.durationMs } : null,
      deliveries: outcome.deliveries,
      ...(outcome.deliveryError ? { deliveryError: outcome.deliveryError } : {}),
    }),
    error: outcome.error?.slice(0, 10_000) ?? null,
  });
  return outcome;
}

/**
 * True when files were loaded after the last successful analysis started: a previous attempt (or a plain
 * `supportlens ingest`) loaded them and the analysis failed or never ran, so this tick analyses even with no new file.
 */
async function isAnalysisBehind(handle: TickTarget): Promise<boolean> {
  return isAnalysisBehindIngest(handle.db);
}

function jobRunIdentity(config: SupportlensConfig, trigger: JobTrigger, attempt: number, startedAt: number) {
  return { job: NIGHTLY_JOB, trigger, attempt, started_at: startedAt, pid: process.pid, hostname: hostname(), inbox: resolve(config.schedule.inbox) };
}

/** The inbox's files and folders not read this tick, named with why; empty when every one was read. */
function describeUnread(scan: InboxScan): string {
  const parts = scan.unreadable.map((entry) => `${entry.path}: ${entry.error}`);
  for (const file of scan.deferred) {
    parts.push(
      `${file.path}: left alone this tick after failing ${file.failures} times in a row (${file.error}); tried again in ` +
        `${file.skipTicks + 1} tick${file.skipTicks === 0 ? '' : 's'}, or as soon as it changes`,
    );
  }
  return parts.length === 0 ? '' : `not read: ${parts.join('; ')}`;
}

function fileErrors(ingest: IngestSummary): string {
  return ingest.files
    .filter((file) => file.error)
    .map((file) => `${file.path}: ${file.error}`)
    .join('; ');
}

function emptyRecords(): JobAttempt['records'] {
  return { read: 0, inserted: 0, updated: 0, rejected: 0 };
}

/**
 * One line for the log: `run 12 (attempt 1) succeeded: 2 new files, 340 records read (300 inserted), 1 waiting`.
 *
 * @example
 * describeAttempt(attempt); // "run 3 (attempt 2) failed: analysis failed: disk full"
 */
export function describeAttempt(outcome: JobAttempt): string {
  if (outcome.inboxMissing) return `run ${outcome.jobRunId} (attempt ${outcome.attempt}) ${outcome.status}: ${outcome.error}`;
  const parts = [`${outcome.files.length} new file${outcome.files.length === 1 ? '' : 's'}`];
  if (outcome.files.length > 0)
    parts.push(
      `${outcome.records.read} records read (${outcome.records.inserted} inserted, ${outcome.records.updated} updated, ${outcome.records.rejected} rejected)`,
    );
  if (outcome.waiting.length > 0) parts.push(`${outcome.waiting.length} still being written, left for the next tick`);
  const error = outcome.error ? `; ${outcome.error}` : '';
  return `run ${outcome.jobRunId} (attempt ${outcome.attempt}) ${outcome.status}: ${parts.join(', ')}${error}`;
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, ...): another process held the lock past the busy timeout. */
function isBusy(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');
}
