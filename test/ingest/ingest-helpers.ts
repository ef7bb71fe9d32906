import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseHandle } from '../../db/connection.js';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.js';
import { FIXTURES, memoryDatabase } from '../helpers.js';

/** A fresh, migrated in-memory database: one per test. */
export const freshDatabase = memoryDatabase;

/** A fixture file under test/fixtures. */
export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** Ingests paths into the database, reading zone-less times as UTC. */
export function ingest(handle: DatabaseHandle, ...paths: string[]): Promise<IngestSummary> {
  return runIngest(handle, { paths, timezone: 'UTC' });
}

/** Writes `content` to a file in a new temporary folder; `cleanup` removes the folder. */
export async function temporaryFile(name: string, content: string | Buffer): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'supportlens-test-'));
  const path = join(folder, name);
  await writeFile(path, content);
  return { path, cleanup: () => rm(folder, { recursive: true, force: true }) };
}
