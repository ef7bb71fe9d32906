import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobLockTarget } from '../../db/engine-job-lock.js';
import { listLoadedFileHashes } from '../../db/ingest-file-queries.js';
import { listInputFiles, MissingInputError, type InputFile } from '../../ingest/list-input-files.js';
import { deferUntilRetry, recordFailure, type FailingFile } from './failing-files.js';

/** Time between the two looks at a file's size and modification time. */
export const SETTLE_CHECK_MS = 1_000;
/** A file modified more recently than this is still being written, even if it did not change between the looks. */
export const QUIET_PERIOD_MS = 5_000;

export interface InboxScanOptions {
  settleCheckMs?: number;
  quietPeriodMs?: number;
  now?: () => number;
  /** Waits between the two looks (default: `settleCheckMs` of sleep); tests write to a file here. */
  waitBetweenLooks?: (ms: number) => Promise<void>;
}

export interface InboxFile {
  path: string;
  sha256: string;
  sizeBytes: number;
  /** Size and change time when listed: a failing file whose signature moved is tried again at once. */
  signature: string;
}

/** A file or folder of the inbox that could not be read this time, with the system's error. */
export interface UnreadableInboxPath {
  path: string;
  error: string;
}

export interface InboxScan {
  /** Files whose content was never loaded, complete, one per content (a copy of a new file is listed once). */
  newFiles: InboxFile[];
  /** Files left for the next tick because they were still being written. */
  waiting: string[];
  /** Files whose content is already loaded (under any name). */
  known: number;
  /** The inbox folder does not exist. */
  missing: boolean;
  /** Files and folders the system refused this time. */
  unreadable: UnreadableInboxPath[];
  /** Files that failed the same way on their last tries, left alone this tick (see failing-files). */
  deferred: FailingFile[];
  /** Every file that is failing, as the next tick needs to know it: the new failures and the deferred ones. */
  failing: FailingFile[];
}

/**
 * Lists the inbox's files that are new: recognised by the SHA-256 of their content against the files ingest loaded
 * (`ingest_files.sha256`), so a renamed or re-sent file is not loaded twice. A file still being written (its size
 * or modification time changed between two looks `settleCheckMs` apart, or it was modified less than
 * `quietPeriodMs` ago) is left for the next tick. Empty and hidden files are skipped. A file or folder that cannot
 * be read is named in `unreadable`, and the others are listed; a file that failed on the last ticks (`failing`, from
 * the previous run) is left alone for a while (`deferred`). A missing inbox is reported as `missing`.
 *
 * @example
 * const { newFiles, waiting } = await findNewInboxFiles(handle, './inbox');
 */
export async function findNewInboxFiles(
  handle: JobLockTarget,
  inbox: string,
  options: InboxScanOptions & { failing?: readonly FailingFile[] } = {},
): Promise<InboxScan> {
  const now = options.now ?? Date.now;
  const scan: InboxScan = { newFiles: [], waiting: [], known: 0, missing: false, unreadable: [], deferred: [], failing: [] };
  let listing: Awaited<ReturnType<typeof listInputFiles>>;
  try {
    listing = await listInputFiles([resolve(inbox)]);
  } catch (error) {
    if (!(error instanceof MissingInputError)) throw error;
    scan.missing = true;
    return scan;
  }
  for (const entry of listing.skipped) if (entry.kind === 'unreadable') scan.unreadable.push({ path: entry.path, error: entry.reason });
  const failing = new Map((options.failing ?? []).map((file) => [file.path, file]));
  const first: InputFile[] = [];
  for (const file of listing.files) {
    const deferred = deferUntilRetry(failing.get(file.path), signatureOf(file));
    if (deferred) {
      scan.deferred.push(deferred);
      scan.failing.push(deferred);
    } else first.push(file);
  }
  if (first.length === 0) return scan;
  await (options.waitBetweenLooks ?? sleep)(options.settleCheckMs ?? SETTLE_CHECK_MS);
  const quietPeriodMs = options.quietPeriodMs ?? QUIET_PERIOD_MS;
  const settled: { path: string; sizeBytes: number; signature: string }[] = [];
  for (const before of first) {
    const after = await stat(before.path).catch(() => undefined);
    if (after === undefined) continue;
    const changed = after.size !== before.size || after.mtimeMs !== before.mtimeMs;
    if (changed || now() - after.mtimeMs < quietPeriodMs) scan.waiting.push(before.path);
    else if (after.size > 0) settled.push({ path: before.path, sizeBytes: after.size, signature: signatureOf(after) });
  }
  const hashed: InboxFile[] = [];
  for (const file of settled) {
    try {
      hashed.push({ ...file, sha256: await sha256Of(file.path) });
    } catch (error) {
      const message = `cannot read file: ${(error as Error).message}`;
      scan.unreadable.push({ path: file.path, error: message });
      scan.failing.push(recordFailure(failing.get(file.path), { path: file.path, error: message, signature: file.signature }));
    }
  }
  const known = await listLoadedFileHashes(
    handle.db,
    hashed.map((file) => file.sha256),
  );
  const seen = new Set<string>();
  for (const file of hashed) {
    if (known.has(file.sha256)) scan.known += 1;
    else if (!seen.has(file.sha256)) {
      seen.add(file.sha256);
      scan.newFiles.push(file);
    }
  }
  return scan;
}

/** Size and change time: a chmod, a rewrite or a new copy under the same name moves it. */
export function signatureOf(file: { size: number; ctimeMs: number }): string {
  return `${file.size}:${file.ctimeMs}`;
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
