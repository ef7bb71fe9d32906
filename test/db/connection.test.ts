import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { temporaryFolder } from '../helpers.js';

let folder: ReturnType<typeof temporaryFolder>;
beforeEach(() => {
  folder = temporaryFolder();
});
afterEach(() => folder.cleanup());

test('a new file database is created in WAL mode with foreign keys on and every table migrated', async () => {
  const handle = await openDatabase({ path: join(folder.path, 'new.db') });
  try {
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (await handle.db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual(
      expect.arrayContaining(['conversations', 'messages', 'conversation_events', 'faq_entries', 'faq_entry_versions', 'ingest_runs', 'ingest_files', 'rejects', 'analysis_runs']),
    );
  } finally {
    await handle.close();
  }
});

test('opening again applies nothing twice', async () => {
  const path = join(folder.path, 'again.db');
  await (await openDatabase({ path })).close();
  const handle = await openDatabase({ path, migrate: false });
  try {
    const { error, results } = await migrateToLatest(handle.db);
    expect(error).toBeUndefined();
    expect(results).toEqual([]);
  } finally {
    await handle.close();
  }
});

test('foreign keys are enforced', async () => {
  const handle = await openDatabase({ path: ':memory:' });
  try {
    await expect(
      handle.db
        .insertInto('messages')
        .values({ conversation_id: 999, external_id: 'm', author_role: 'customer', author_id: null, created_at: 0, body: '', body_length: 0, first_run_id: 1, last_run_id: 1 })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  } finally {
    await handle.close();
  }
});
