import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from '../../db/connection.js';

/** Time between the two looks at a file's size and modification time. */
export const SETTLE_CHECK_MS = 1_000;
/** A file modified more recently than this is still being written, even if it did not change between the looks. */
export const QUIET_PERIOD_MS = 5_000;

export interface InboxScanOptions {
  settleCheckMs?: number;
  quietPeriodMs?: number;
  now?: () => number;
}

export interface InboxFile {
  path: string;
  sha256: string;
  sizeBytes: number;
}

export interface InboxScan {
  /** Files whose content was never loaded, complete, one per content (a copy of a new file is listed once). */
  newFiles: InboxFile[];
  /** Files left for the next tick because they were still being written. */
  waiting: string[];
  /** Files whose content is already loaded (under any name). */
  known: number;
}

/**
 * Lists the inbox's files that are new: recognised by the SHA-256 of their content against the files ingest loaded
 * (`ingest_files.sha256`), so a renamed or re-sent file is not loaded twice. A file still being written (its size
 * or modification time changed between two looks `settleCheckMs` apart, or it was modified less than
 * `quietPeriodMs` ago) is left for the next tick. Empty and hidden files are skipped. A missing inbox is empty.
 *
 * @example
 * const { newFiles, waiting } = await findNewInboxFiles(handle, './inbox');
 */
export async function findNewInboxFiles(handle: DatabaseHandle, inbox: string, options: InboxScanOptions = {}): Promise<InboxScan> {
  const now = options.now ?? Date.now;
  const first = await listFiles(resolve(inbox));
  const scan: InboxScan = { newFiles: [], waiting: [], known: 0 };
  if (first.size === 0) return scan;
  await sleep(options.settleCheckMs ?? SETTLE_CHECK_MS);
  const quietPeriodMs = options.quietPeriodMs ?? QUIET_PERIOD_MS;
  const settled: { path: string; sizeBytes: number }[] = [];
  for (const [path, before] of first) {
    const after = await stat(path).catch(() => undefined);
    if (after === undefined) continue;
    const changed = after.size !== before.size || after.mtimeMs !== before.mtimeMs;
    if (changed || now() - after.mtimeMs < quietPeriodMs) scan.waiting.push(path);
    else if (after.size > 0) settled.push({ path, sizeBytes: after.size });
  }
  const hashed: InboxFile[] = [];
  for (const file of settled) hashed.push({ ...file, sha256: await sha256Of(file.path) });
  const known = await loadedHashes(handle, hashed.map((file) => file.sha256));
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

const HASH_LOOKUP_CHUNK = 500;

async function loadedHashes(handle: DatabaseHandle, hashes: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let start = 0; start < hashes.length; start += HASH_LOOKUP_CHUNK) {
    const rows = await handle.db
      .selectFrom('ingest_files')
      .select('sha256')
      .distinct()
      .where('status', '=', 'loaded')
      .where('sha256', 'in', hashes.slice(start, start + HASH_LOOKUP_CHUNK))
      .execute();
    for (const row of rows) if (row.sha256 !== null) known.add(row.sha256);
  }
  return known;
}

async function listFiles(folder: string): Promise<Map<string, { size: number; mtimeMs: number }>> {
  const files = new Map<string, { size: number; mtimeMs: number }>();
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) {
        const info = await stat(path).catch(() => undefined);
        if (info) files.set(path, { size: info.size, mtimeMs: info.mtimeMs });
      }
    }
  };
  await visit(folder);
  return files;
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
