import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { markAbandonedRuns } from '../db/abandoned-runs.js';
import { beginIngestSession, createIndexes, dropSecondaryIndexes } from '../db/bulk-load.js';
import type pg from 'pg';
import type { Kysely } from '#kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { Database, IngestFileStatus, IngestRunStatus } from '../db/schema.js';
import { detectFormat, type FormatName } from './detect-format.js';
import { listInputFiles, MissingInputError, type SkippedPath } from './list-input-files.js';
import type { NormalizedConversation, NormalizedMessage, RecordIssue } from './normalize.js';
import type { Payload, SourceRecord } from './source-record.js';
import { IngestStore, type MessageRowCounts, type Outcome } from './ingest-store.js';
import { FeedStore } from './feed-store.js';
import { PostgresIngestStore, StagingMergeNeeded } from './postgres-ingest-store.js';
import { finishIngestRun, insertIngestRun } from './ingest-run-store.js';
import { DecodedBatch, type EncodedBatch } from './record-codec.js';
import { readInWorker, startParseThread, stopParseThread, type ParseThread, type WorkerRequest } from './worker-source.js';
import { isValidTimeZone } from './timestamps.js';

export interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface FileSummary {
  path: string;
  format: FormatName | null;
  status: IngestFileStatus;
  error: string | null;
  records: Counts;
  messages: Counts;
  warnings: number;
  /** Helpdesk items read earlier (comments before their ticket, say) that this file placed. */
  placed: number;
  durationMs: number;
}

export interface IngestSummary {
  runId: number;
  status: IngestRunStatus;
  files: FileSummary[];
  /** Links left out of the folders walked (each a warning), and files or folders that could not be read (each a failed file). */
  skipped: SkippedPath[];
  records: Counts;
  messages: Counts;
  warnings: number;
  /** Helpdesk items still waiting after the run: for their ticket or conversation, or for their author's role. */
  waiting: { conversation: number; author: number };
  durationMs: number;
}

export interface IngestProgress {
  path: string;
  fileIndex: number;
  fileCount: number;
  records: number;
  bytes: number;
  fileBytes: number;
  elapsedMs: number;
}

export interface IngestOptions {
  /** Files and folders; folders are walked recursively, skipping hidden entries. */
  paths: string[];
  /** IANA zone for timestamps without a zone. */
  timezone: string;
  onProgress?: (progress: IngestProgress) => void;
  /** Least time between two progress reports (default 200 ms; 0: after every batch, for the fault test). */
  progressIntervalMs?: number;
  /** Stops between records; the current file is rolled back and the run marked interrupted. */
  signal?: AbortSignal;
  /**
   * Parse large formats in a worker thread while this thread writes (default: true). `workerUrl` is another script
   * for the thread, used for every file of a worker format whatever its size (tests: PARSE_WORKER_URL on small files).
   */
  parseInWorker?: boolean;
  workerUrl?: URL;
}

/**
 * Formats PostgreSQL ingests by merging the whole file at once (COPY into staging, or straight into the tables); the
 * others, helpdesk exports, whose records join items earlier files left waiting, are written record by record there.
 */
const MERGED_FORMATS = new Set<FormatName>([
  'conversations-jsonl',
  'conversations-json',
  'messages-csv',
  'faq-markdown',
  'faq-csv',
  'faq-json',
  'faq-jsonl',
  'twitter-csv',
]);

/** Below this a file is parsed in place: starting a thread costs more than it saves (a nightly inbox of small files). */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;
/** Formats whose files can be large; the others are small documents, parsed in place. */
const WORKER_FORMATS = new Set<FormatName>(['messages-csv', 'conversations-jsonl']);

/** Where ingest writes: a SQLite handle, or a PostgreSQL database (its pool, for COPY, and Kysely on it). */
export type IngestTarget = DatabaseHandle | { engine: 'postgres'; db: Kysely<Database>; pool: pg.Pool };

type Store = IngestStore | PostgresIngestStore;

/** A problem with the command itself (a missing path, a bad zone): nothing was ingested. */
export class IngestUsageError extends Error {}

const PROGRESS_INTERVAL_MS = 200;

/**
 * Ingests files into the database, one transaction per file, and records the run.
 *
 * @example
 * const summary = await runIngest(handle, { paths: ['inbox/'], timezone: 'Asia/Shanghai' });
 * console.log(summary.records.inserted);
 */
export async function runIngest(handle: IngestTarget, options: IngestOptions, prepared?: PreparedIngest): Promise<IngestSummary> {
  const run = prepared ?? (await prepareIngest(options));
  try {
    return await ingestFiles(handle, run, options);
  } finally {
    await run.dispose();
  }
}

/** What `prepareIngest` found: the files, and the first one's parsing thread if it is already at work. */
export interface PreparedIngest {
  readonly files: { path: string; size: number }[];
  readonly skipped: SkippedPath[];
  readonly prefetch: { thread: ParseThread | undefined };
  /** Stops the parsing thread if no file took it; `runIngest` calls it, or the caller when it never runs. */
  dispose(): Promise<void>;
}

/**
 * Checks the options, lists the files and starts parsing the first large one in its thread, before any database
 * work: the thread boots while the caller opens the database. Throws `IngestUsageError` for a bad zone or path.
 */
export async function prepareIngest(options: IngestOptions): Promise<PreparedIngest> {
  if (!isValidTimeZone(options.timezone)) throw new IngestUsageError(`unknown time zone "${options.timezone}" (use an IANA name such as Europe/Berlin)`);
  if (options.paths.length === 0) throw new IngestUsageError('no paths given');
  let listing: Awaited<ReturnType<typeof listInputFiles>>;
  try {
    listing = await listInputFiles(options.paths);
  } catch (error) {
    if (error instanceof MissingInputError) throw new IngestUsageError(error.message);
    throw error;
  }
  const files = listing.files.map(({ path, size }) => ({ path, size }));
  const prefetch: { thread: ParseThread | undefined } = { thread: await startFirstThread(files[0], options) };
  return {
    files,
    skipped: listing.skipped,
    prefetch,
    dispose: async () => {
      const thread = prefetch.thread;
      prefetch.thread = undefined;
      if (thread) await stopParseThread(thread);
    },
  };
}

async function ingestFiles(handle: IngestTarget, prepared: PreparedIngest, options: IngestOptions): Promise<IngestSummary> {
  const { files, skipped, prefetch } = prepared;
  await markAbandonedRuns(handle.db, 'ingest_runs', 'the process ended before the run finished; files it had not committed were not kept');
  const startedAt = Date.now();
  const { db } = handle;
  const runId = await insertIngestRun(db, { started_at: startedAt, pid: process.pid, hostname: hostname(), timezone: options.timezone });
  const postgres = 'pool' in handle;
  let store: Store;
  let feed: FeedStore;
  if (postgres) {
    const pgStore = new PostgresIngestStore(handle.pool, db, runId);
    // The feed's statements follow the store to each file's transaction.
    feed = new FeedStore(
      {
        get db() {
          return pgStore.db;
        },
        sqlite: undefined,
      },
      pgStore.records,
    );
    store = pgStore;
  } else {
    const sqliteStore = new IngestStore(handle, runId);
    feed = new FeedStore(handle, sqliteStore);
    store = sqliteStore;
  }
  const summaries: FileSummary[] = [];
  let skippedLinks = 0;
  for (const entry of skipped) {
    if (entry.kind === 'link') {
      skippedLinks += 1;
      store.insertReject({ path: entry.path, line: null, kind: 'warning', reason: entry.reason, raw: '' });
    } else {
      summaries.push(await recordUnreadable(store, entry));
    }
  }
  let interrupted = false;
  const session = postgres ? { bulkLoad: false, end: () => undefined } : await beginIngestSession(handle as DatabaseHandle);
  const bulkLoad = session.bulkLoad;
  try {
    for (let index = 0; index < files.length; index++) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const file = files[index]!;
      // Until a file has loaded, the database is still empty: that file may build the indexes once at its end.
      const deferIndexes = bulkLoad && summaries.every((s) => s.status !== 'loaded');
      const summary = await ingestFile(store, feed, file, { ...options, fileIndex: index, fileCount: files.length, deferIndexes, prefetch });
      summaries.push(summary);
      if (summary.error === INTERRUPTED) {
        interrupted = true;
        break;
      }
    }
  } finally {
    session.end();
  }

  const records = sumCounts(summaries.map((s) => s.records));
  const messages = sumCounts(summaries.map((s) => s.messages));
  const warnings = skippedLinks + summaries.reduce((sum, s) => sum + s.warnings, 0);
  const failed = summaries.filter((s) => s.status === 'failed').length;
  const status: IngestRunStatus = interrupted
    ? 'interrupted'
    : failed === 0
      ? 'succeeded'
      : failed === summaries.length || records.read === 0
        ? 'failed'
        : 'partial';
  const finishedAt = Date.now();
  if (store instanceof PostgresIngestStore) await store.finish();
  const waiting = await FeedStore.countPending(db);
  const result: IngestSummary = { runId, status, files: summaries, skipped, records, messages, warnings, waiting, durationMs: finishedAt - startedAt };
  await finishIngestRun(db, runId, {
    finished_at: finishedAt,
    status,
    summary: JSON.stringify({ files: summaries.length, failedFiles: failed, records, messages, warnings, waiting }),
    error:
      failed > 0
        ? summaries
            .filter((s) => s.error)
            .map((s) => `${s.path}: ${s.error}`)
            .join('\n')
            .slice(0, 10_000)
        : null,
  });
  return result;
}

/** A file or folder the walk could not read: a failed file of the run, with the system's error. */
async function recordUnreadable(store: Store, entry: SkippedPath): Promise<FileSummary> {
  const now = Date.now();
  const summary: FileSummary = {
    path: entry.path,
    format: null,
    status: 'failed',
    error: entry.reason,
    records: emptyCounts(),
    messages: emptyCounts(),
    warnings: 0,
    placed: 0,
    durationMs: 0,
  };
  await store.insertFile({
    run_id: store.runId,
    path: entry.path,
    size_bytes: 0,
    sha256: null,
    format: null,
    status: 'failed',
    error: entry.reason,
    records_read: 0,
    records_inserted: 0,
    records_updated: 0,
    records_unchanged: 0,
    records_rejected: 0,
    messages_read: 0,
    messages_inserted: 0,
    messages_updated: 0,
    messages_unchanged: 0,
    messages_rejected: 0,
    warnings: 0,
    started_at: now,
    finished_at: now,
  });
  return summary;
}

const INTERRUPTED = 'interrupted before the file was complete; nothing of it was kept';

interface FileContext extends IngestOptions {
  fileIndex: number;
  fileCount: number;
  /** Drop the conversations' secondary indexes for this file's transaction and build them before its commit. */
  deferIndexes: boolean;
  /** A parsing thread already started for a file; the file it was started for takes it. */
  prefetch: { thread: ParseThread | undefined };
  /** PostgreSQL: read the file through the staging merge (its fast lane gave up on it). */
  staging?: boolean;
}

/** Formats whose large files are parsed in a worker thread, when the options allow it. */
function parsesInWorker(format: FormatName, size: number, options: IngestOptions): boolean {
  return options.parseInWorker !== false && WORKER_FORMATS.has(format) && (size >= WORKER_MIN_BYTES || options.workerUrl !== undefined);
}

async function startFirstThread(file: { path: string; size: number } | undefined, options: IngestOptions): Promise<ParseThread | undefined> {
  if (!file || options.parseInWorker === false || file.size < WORKER_MIN_BYTES) return undefined;
  const detection = await detectFormat(file.path).catch(() => undefined);
  if (detection?.kind !== 'format' || !parsesInWorker(detection.format, file.size, options)) return undefined;
  return startParseThread({ format: detection.format, path: file.path, timezone: options.timezone }, options.workerUrl);
}

async function ingestFile(store: Store, feed: FeedStore, file: { path: string; size: number }, context: FileContext): Promise<FileSummary> {
  const startedAt = Date.now();
  const records = emptyCounts();
  const messages = emptyCounts();
  let warnings = 0;
  let feedInUse = false;
  const summary = (status: IngestFileStatus, format: FormatName | null, error: string | null): FileSummary => ({
    path: file.path,
    format,
    status,
    error,
    records,
    messages,
    warnings,
    placed: status === 'loaded' && feedInUse ? feed.placed : 0,
    durationMs: Date.now() - startedAt,
  });
  /** What was read of a loaded file: its size as listed may be out of date by then. */
  let readBytes = file.size;
  const fileRow = (s: FileSummary, sha256: string | null) => ({
    run_id: 0,
    path: s.path,
    size_bytes: readBytes,
    sha256,
    format: s.format,
    status: s.status,
    error: s.error,
    records_read: s.records.read,
    records_inserted: s.records.inserted,
    records_updated: s.records.updated,
    records_unchanged: s.records.unchanged,
    records_rejected: s.records.rejected,
    messages_read: s.messages.read,
    messages_inserted: s.messages.inserted,
    messages_updated: s.messages.updated,
    messages_unchanged: s.messages.unchanged,
    messages_rejected: s.messages.rejected,
    warnings: s.warnings,
    started_at: startedAt,
    finished_at: Date.now(),
  });

  let detection: Awaited<ReturnType<typeof detectFormat>>;
  try {
    detection = await detectFormat(file.path);
  } catch (error) {
    const failed = summary('failed', null, `cannot read file: ${(error as Error).message}`);
    await store.insertFile({ ...fileRow(failed, null), run_id: store.runId });
    return failed;
  }
  if (detection.kind === 'empty') {
    // Nothing to read is not an error (a quiet day's export), but it is worth a word.
    warnings = 1;
    store.insertReject({ path: file.path, line: null, kind: 'warning', reason: EMPTY_FILE, raw: '' });
    const empty = summary('empty', null, null);
    await store.insertFile({ ...fileRow(empty, null), run_id: store.runId });
    return empty;
  }
  if (detection.kind === 'unknown') {
    const failed = summary('failed', null, `not a format supportlens reads: ${detection.reason}`);
    await store.insertFile({ ...fileRow(failed, null), run_id: store.runId });
    return failed;
  }

  const hash = createHash('sha256');
  let bytes = 0;
  let sha256: string | undefined;
  let lastProgress = Date.now();
  const report = (): void =>
    context.onProgress?.({
      path: file.path,
      fileIndex: context.fileIndex,
      fileCount: context.fileCount,
      records: records.read,
      bytes,
      fileBytes: file.size,
      elapsedMs: Date.now() - startedAt,
    });
  const now = Date.now();
  const addRowCounts = (written: MessageRowCounts): void => {
    for (const key of ['inserted', 'updated', 'unchanged'] as const) {
      records[key] += written.records[key];
      messages[key] += written.messages[key];
    }
    records.rejected += written.rejected?.records ?? 0;
    messages.rejected += written.rejected?.messages ?? 0;
  };
  // On PostgreSQL only a helpdesk file goes through the feed store; the others' connection is busy with their COPY.
  feedInUse = !(store instanceof PostgresIngestStore) || !MERGED_FORMATS.has(detection.format);
  if (store instanceof PostgresIngestStore) await store.begin(file.path, { staging: context.staging === true, records: feedInUse });
  else await store.begin();
  if (feedInUse) await feed.begin();
  try {
    // Building an index once from sorted rows is cheaper than updating it row by row; inside the file's transaction,
    // so a failed or killed load leaves the indexes exactly as they were.
    const deferredIndexes = context.deferIndexes ? await dropSecondaryIndexes(store.db, 'conversations') : [];
    const sourceContext = {
      path: file.path,
      timezone: context.timezone,
      onChunk: (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
      warn: (reason: string, line: number | null) => {
        warnings += 1;
        store.insertReject({ path: file.path, line, kind: 'warning', reason, raw: '' });
      },
    };
    const iterator = parsesInWorker(detection.format, file.size, context)
      ? readInWorker(takeThread(context.prefetch, { format: detection.format, path: file.path, timezone: context.timezone }, context.workerUrl), {
          ...sourceContext,
          onBytes: (read) => (bytes = read),
          onHash: (digest) => (sha256 = digest),
        })
      : detection.format === 'messages-csv'
        ? decodedInPlace((await import('./sources/messages-csv.js')).readMessagesCsvEncoded(sourceContext))
        : detection.source(sourceContext);
    const tally = (record: SourceRecord, outcome: StoreOutcome): void => {
      if (outcome.kind === 'rejected') {
        records.rejected += 1;
        messages.rejected += record.messagesRead;
      } else {
        if (outcome.record !== 'queued') records[outcome.record] += 1;
        messages.inserted += outcome.messages.inserted;
        messages.updated += outcome.messages.updated;
        messages.unchanged += outcome.messages.unchanged;
        messages.rejected += outcome.messages.rejected;
        warnings += outcome.warnings;
      }
    };
    /** Stores a record; a helpdesk record is written through the feed store, which waits on the database. */
    const count = (record: SourceRecord): Promise<void> | undefined => {
      records.read += 1;
      messages.read += record.messagesRead;
      const outcome = storeRecord(store, feed, file.path, record, now);
      if (outcome instanceof Promise) return outcome.then((stored) => tally(record, stored));
      tally(record, outcome);
      return undefined;
    };
    for await (const batch of iterator) {
      if (context.signal?.aborted) throw new Error(INTERRUPTED);
      if (batch instanceof DecodedBatch) {
        for (let i = 0; i < batch.size; i++) {
          if (!batch.isBare(i)) {
            const pending = count(batch.nextOther());
            if (pending) await pending;
            continue;
          }
          batch.nextBare();
          if (store.queueBareMessage(batch)) {
            records.read += 1;
            messages.read += 1;
          } else {
            const pending = count(batch.bareRecord());
            if (pending) await pending;
          }
        }
      } else {
        for (const record of batch) {
          const pending = count(record);
          if (pending) await pending;
        }
      }
      if (store instanceof PostgresIngestStore) await store.pace();
      if (Date.now() - lastProgress >= (context.progressIntervalMs ?? PROGRESS_INTERVAL_MS)) {
        lastProgress = Date.now();
        report();
      }
    }
    // Queued message rows are counted as they are written, in batches: the last partial batch is written here.
    addRowCounts(await store.flushMessageRows());
    const changed = await changedWhileRead(file, bytes);
    if (changed) sourceContext.warn(changed, null);
    readBytes = bytes;
    await createIndexes(store.db, deferredIndexes);
    const loaded = summary('loaded', detection.format, null);
    await store.insertFile({ ...fileRow(loaded, sha256 ?? hash.digest('hex')), run_id: store.runId });
    await store.commit();
    report();
    return loaded;
  } catch (error) {
    await store.rollback();
    if (error instanceof StagingMergeNeeded && !context.staging) return ingestFile(store, feed, file, { ...context, staging: true });
    const message = (error as Error).message;
    Object.assign(records, emptyCounts());
    Object.assign(messages, emptyCounts());
    warnings = 0;
    const failed = summary('failed', detection.format, message === INTERRUPTED ? INTERRUPTED : `${message}; nothing of this file was kept`);
    await store.insertFile({ ...fileRow(failed, null), run_id: store.runId });
    return failed;
  }
}

const EMPTY_FILE = 'the file is empty: nothing to read';

/**
 * A warning when the file changed size while it was read (truncated or appended to by another program): what was
 * read is loaded, and the next ingest of the complete file loads the rest.
 */
async function changedWhileRead(file: { path: string; size: number }, bytesRead: number): Promise<string | undefined> {
  const now = await stat(file.path).then(
    (info) => info.size,
    () => undefined,
  );
  if (bytesRead === file.size && (now === undefined || now === file.size)) return undefined;
  return (
    `the file changed while it was read: ${file.size} bytes when listed, ${bytesRead} read` +
    `${now === undefined ? ', gone now' : now === bytesRead ? '' : `, ${now} now`}; what was read is loaded, ingest it again when it is complete`
  );
}

/** The prefetched thread when it was started for this very request, else a new one. */
function takeThread(prefetch: { thread: ParseThread | undefined }, request: WorkerRequest, url: URL | undefined): ParseThread {
  const thread = prefetch.thread;
  const same = thread && thread.request.path === request.path && thread.request.format === request.format && thread.request.timezone === request.timezone;
  if (thread && same) {
    prefetch.thread = undefined;
    return thread;
  }
  return startParseThread(request, url);
}

/**
 * A messages CSV parsed in this thread comes encoded as one parsed in the worker: its clean rows take the writer's
 * fast lane either way, and both ways behave the same.
 */
async function* decodedInPlace(batches: AsyncIterable<EncodedBatch>): AsyncGenerator<DecodedBatch> {
  for await (const batch of batches) yield new DecodedBatch(batch);
}

type StoreOutcome =
  | { kind: 'rejected' }
  | { kind: 'stored'; record: Outcome | 'queued'; messages: { inserted: number; updated: number; unchanged: number; rejected: number }; warnings: number };

/**
 * Stores one record: at once on SQLite, and on PostgreSQL staged for the file's merge; a helpdesk record (a feed item,
 * or a whole helpdesk conversation, which items waiting for it join) through the feed store, record by record on
 * either engine.
 */
function storeRecord(store: Store, feed: FeedStore, path: string, record: SourceRecord, now: number): StoreOutcome | Promise<StoreOutcome> {
  const { parsed } = record;
  if (!parsed.ok) {
    store.insertReject({ path, line: record.line, kind: 'record', reason: parsed.reason, raw: record.raw });
    return { kind: 'rejected' };
  }
  const payload = parsed.value;
  if (payload.type === 'feed' || (payload.type === 'conversation' && payload.conversation.source !== 'canonical')) {
    return storeHelpdeskRecord(store, feed, path, record, payload, parsed.issues);
  }
  let result: { record: Outcome | 'queued'; messages: { inserted: number; updated: number; unchanged: number } };
  if (payload.type === 'conversation') {
    const saved = store.saveConversation(payload.conversation, record.line, {
      messagesRead: record.messagesRead,
      messageRejects: parsed.issues.filter((issue) => issue.kind === 'message').length,
      raw: () => record.raw || (record.rawOf?.() ?? ''),
    });
    if (saved.rejected !== undefined) return rejectRecord(store, path, record, saved.rejected);
    result = { record: saved.outcome, messages: saved.messages };
  } else if (payload.type === 'message') {
    const conflict = store.saveMessageRow(payload.head, payload.message, record.line, { raw: () => rawText(record, payload) });
    if (conflict) {
      store.insertReject({ path, line: record.line, kind: 'record', reason: conflict.reason, raw: rawText(record, payload) });
      return { kind: 'rejected' };
    }
    // Counted when the store writes the queued rows (flushMessageRows).
    result = { record: 'queued', messages: { inserted: 0, updated: 0, unchanged: 0 } };
  } else {
    const saved =
      store instanceof PostgresIngestStore
        ? store.saveFaqEntry(payload.entry, now, record.line, { raw: () => record.raw || (record.rawOf?.() ?? '') })
        : store.saveFaqEntry(payload.entry, now, record.line);
    if (typeof saved === 'object') return rejectRecord(store, path, record, saved.rejected);
    result = { record: saved, messages: { inserted: 0, updated: 0, unchanged: 0 } };
  }
  return storedRecord(store, path, record, payload.type === 'conversation', result, parsed.issues);
}

async function storeHelpdeskRecord(
  store: Store,
  feed: FeedStore,
  path: string,
  record: SourceRecord,
  payload: Extract<Payload, { type: 'feed' | 'conversation' }>,
  parsedIssues: readonly RecordIssue[],
): Promise<StoreOutcome> {
  // A file merged at once has its connection busy with a COPY: a helpdesk record there is a format listed wrongly.
  if (store instanceof PostgresIngestStore && !store.writesRecords) throw new Error(`a helpdesk record in a file PostgreSQL merges at once (${path})`);
  const issues = [...parsedIssues];
  const saved = payload.type === 'feed' ? await feed.save(payload.item, path, record.line) : await feed.saveConversation(payload.conversation, record.line);
  if (saved.rejected !== undefined) return rejectRecord(store, path, record, saved.rejected);
  issues.push(...saved.issues);
  return storedRecord(store, path, record, true, { record: saved.outcome, messages: saved.messages }, issues);
}

function rejectRecord(store: Store, path: string, record: SourceRecord, reason: string): StoreOutcome {
  store.insertReject({ path, line: record.line, kind: 'record', reason, raw: record.raw || (record.rawOf?.() ?? '') });
  return { kind: 'rejected' };
}

/** A stored record's issues written, and its messages counted (identical repeats inside a whole record as unchanged). */
function storedRecord(
  store: Store,
  path: string,
  record: SourceRecord,
  whole: boolean,
  result: { record: Outcome | 'queued'; messages: { inserted: number; updated: number; unchanged: number } },
  issues: readonly RecordIssue[],
): StoreOutcome {
  let messageRejects = 0;
  let warnings = 0;
  for (const issue of issues) {
    if (issue.kind === 'message') messageRejects += 1;
    else warnings += 1;
    store.insertReject({ path, line: record.line, kind: issue.kind, reason: issue.reason, raw: issue.raw });
  }
  const accounted = result.messages.inserted + result.messages.updated + result.messages.unchanged + messageRejects;
  // Identical repeats of a message inside one record were recognised as duplicates: they count as unchanged.
  // A record queued for PostgreSQL's merge is counted by the merge, duplicates included.
  const duplicates = result.record !== 'queued' && whole ? Math.max(0, record.messagesRead - accounted) : 0;
  return {
    kind: 'stored',
    record: result.record,
    messages: { ...result.messages, unchanged: result.messages.unchanged + duplicates, rejected: messageRejects },
    warnings,
  };
}

function emptyCounts(): Counts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
}

function sumCounts(list: Counts[]): Counts {
  const total = emptyCounts();
  for (const counts of list) for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
  return total;
}

/** The record's raw text; for a message row parsed elsewhere without it, the row described from its fields. */
function rawText(record: SourceRecord, payload: { head: NormalizedConversation; message: NormalizedMessage }): string {
  if (record.raw) return record.raw;
  if (record.rawOf) return record.rawOf();
  const { head, message } = payload;
  return JSON.stringify({
    conversation_id: head.externalId,
    message_id: message.externalId,
    channel: head.channel,
    author_role: message.role,
    author_id: message.authorId,
    created_at: new Date(message.createdAt).toISOString(),
    body: message.body,
  });
}
