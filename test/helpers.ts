import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { mulberry32 } from '../analysis/topics/seeded-random.js';
import type { DatabaseHandle } from '../db/connection.js';
import { type TestDatabase, testDatabase } from './support/test-database.js';

export type { TestDatabase };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'test/fixtures');
/** Node arguments that run a TypeScript source file: the type-stripping hooks and the `#kysely` source condition. */
export const SOURCE_NODE_ARGS: readonly string[] = ['--import', join(ROOT, 'test/support/register-source.mjs'), '--conditions=supportlens-source'];
/**
 * How a test starts the CLI: `spawn(process.execPath, [...CLI, 'ingest', ...])` runs the TypeScript sources (no build)
 * through the hooks of test/support/register-source.mjs, which its worker threads inherit.
 */
export const CLI: readonly string[] = [...SOURCE_NODE_ARGS, join(ROOT, 'cli/main.ts')];

/**
 * A fresh migrated database: SQLite in memory, or on the suite's PostgreSQL pass (SUPPORTLENS_TEST_ENGINE=postgres) a
 * new PostgreSQL database, dropped when closed.
 */
export function memoryDatabase(): Promise<TestDatabase> {
  return testDatabase();
}

export type TemporaryFolder = { path: string; cleanup: () => void };

/** A temporary folder removed by the returned cleanup. */
export function temporaryFolder(prefix = 'supportlens-test-'): TemporaryFolder {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A fresh in-memory database and temporary folder for each test of the file, closed and removed after it.
 *
 * @example
 * let handle: TestDatabase;
 * let folder: TemporaryFolder;
 * eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));
 */
export function eachTestDatabaseAndFolder(use: (handle: TestDatabase, folder: TemporaryFolder) => void): void {
  let handle: TestDatabase | undefined;
  let folder: TemporaryFolder | undefined;
  beforeEach(async () => {
    handle = await memoryDatabase();
    folder = temporaryFolder();
    use(handle, folder);
  });
  afterEach(async () => {
    await handle?.close();
    folder?.cleanup();
  });
}

/** A deterministic pseudo-random sequence in [0, 1) for generated test data: the project's one generator, mulberry32. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/**
 * An analysis run recorded as succeeded, for tests that run one analysis step directly and then read its results
 * (readers show only the latest succeeded run's).
 *
 * @example
 * await computeResponseFacts(handle, config, { runId: await insertSucceededAnalysisRun(handle) });
 */
export async function insertSucceededAnalysisRun(handle: Pick<DatabaseHandle, 'db'>): Promise<number> {
  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: 0, finished_at: 0, status: 'succeeded', pid: 1, hostname: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}

/** Kernel files and folders that refuse reading even to root (write-only sysfs files; another process's map_files). */
const ROOT_UNREADABLE = {
  file: ['/sys/bus/pci/rescan', '/sys/class/zram-control/hot_remove', '/sys/kernel/mm/transparent_hugepage/khugepaged/defrag'],
  folder: ['/proc/1/map_files'],
};

/**
 * Makes `path` a file or folder this process cannot read, failing with the system's own EACCES: for a normal user a
 * file or folder with mode 000; root reads through any mode, so for root a link to a kernel file or folder that
 * refuses even root. Returns false where neither is possible (the caller then skips what needs it).
 */
export function makeUnreadable(path: string, kind: 'file' | 'folder'): boolean {
  if (process.getuid?.() !== 0) {
    if (kind === 'file') writeFileSync(path, '{"id":"x"}\n');
    else mkdirSync(path);
    chmodSync(path, 0);
    return true;
  }
  for (const candidate of ROOT_UNREADABLE[kind]) {
    try {
      if (kind === 'file') readFileSync(candidate);
      else readdirSync(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EACCES') continue;
      symlinkSync(candidate, path);
      // A kernel file's time is set when it is first looked up, so on a fresh machine it looks just written and the
      // inbox scan waits for it to settle: its time is put back an hour (root may change it).
      try {
        const hourAgo = new Date(Date.now() - 3_600_000);
        utimesSync(candidate, hourAgo, hourAgo);
      } catch {}
      return true;
    }
  }
  return false;
}

/** Undoes `makeUnreadable` so that the folder can be removed. */
export function makeReadableAgain(path: string): void {
  if (process.getuid?.() !== 0) chmodSync(path, 0o755);
}
