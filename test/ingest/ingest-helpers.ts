import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import type { ConversationSource } from '../../db/schema.js';
import { runIngest, type IngestSummary } from '../../ingest/run-ingest.js';
import { FIXTURES, memoryDatabase } from '../helpers.js';

/** A fresh, migrated in-memory database: one per test. */
export const freshDatabase = memoryDatabase;

/** A fixture file under test/fixtures. */
export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** Ingests paths into the database, reading zone-less times as UTC. */
export function ingest(handle: TestDatabase, ...paths: string[]): Promise<IngestSummary> {
  return runIngest(handle, { paths, timezone: 'UTC' });
}

/** Writes `content` to a file in a new temporary folder; `cleanup` removes the folder. */
export async function temporaryFile(name: string, content: string | Buffer): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'supportlens-test-'));
  const path = join(folder, name);
  await writeFile(path, content);
  return { path, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

/** A fresh database for each test of the file (closed after it), and lookups of what a reader stored in it. */
export interface EachTestDatabase {
  /** The current test's database. */
  readonly handle: TestDatabase;
  /** The stored conversation of this source and id; throws when there is none. */
  conversation(source: ConversationSource, externalId: string): ReturnType<typeof findConversation>;
  /** The stored message of this id (in any conversation), if any. */
  message(externalId: string): ReturnType<typeof findMessage>;
}

function findConversation(handle: TestDatabase, source: ConversationSource, externalId: string) {
  return handle.db.selectFrom('conversations').selectAll().where('source', '=', source).where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

function findMessage(handle: TestDatabase, externalId: string) {
  return handle.db.selectFrom('messages').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

/**
 * Registers the hooks that give each test of the file a fresh database.
 *
 * @example
 * const stored = eachTestDatabase();
 * test('...', async () => { await ingest(stored.handle, file); expect(await stored.conversation('zendesk', '1')).toMatchObject({}); });
 */
export function eachTestDatabase(): EachTestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await freshDatabase();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const handle = (): TestDatabase => {
    if (current === undefined) throw new Error('eachTestDatabase: the database exists only inside a test');
    return current;
  };
  return {
    get handle() {
      return handle();
    },
    conversation: (source, externalId) => findConversation(handle(), source, externalId),
    message: (externalId) => findMessage(handle(), externalId),
  };
}
