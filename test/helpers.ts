import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const CLI = join(ROOT, 'dist/cli/main.js');

/** A fresh in-memory database, migrated. */
export function memoryDatabase(): Promise<DatabaseHandle> {
  return openDatabase({ path: ':memory:' });
}

/** A temporary folder removed by the returned cleanup. */
export function temporaryFolder(prefix = 'supportlens-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
