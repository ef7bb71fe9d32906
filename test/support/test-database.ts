import type pg from 'pg';
import type { Kysely } from '#kysely';
import { afterAll, inject, test } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connection.js';
import { parseDatabaseLocation } from '../../db/database-location.js';
import { openPostgres } from '../../db/postgres-connection.js';
import type { Database } from '../../db/schema.js';
import { freshPostgresDatabase } from './postgres.js';
import { ON_POSTGRES_PASS, testEngine } from './test-engine.js';

// The databases the suite's tests get: SQLite (in memory, or a file) by default; with SUPPORTLENS_TEST_ENGINE=postgres
// a fresh database on the test run's PostgreSQL server, copied from the migrated template that
// test/support/postgres-setup.ts made, and dropped after the test.

/**
 * A PostgreSQL database of the test run: the shapes ingest (`pool`), the analysis (`sqlite` undefined) and the
 * schedule's job lock and stages (`postgres`, as `openLocation` gives it) take.
 */
export interface PostgresTestDatabase {
  engine: 'postgres';
  db: Kysely<Database>;
  pool: pg.Pool;
  postgres: pg.Pool;
  sqlite: undefined;
  close(): Promise<void>;
}

/** What a test's database helper returns: a SQLite handle, or a PostgreSQL database on the PostgreSQL pass. */
export type TestDatabase = DatabaseHandle | PostgresTestDatabase;

type FreshDatabase = { url: string; drop: () => Promise<void> };

/** The copy made ahead for the next test (copying the template takes a few hundred ms): made while a test runs. */
let madeAhead: Promise<FreshDatabase> | undefined;

function copyTemplate(): Promise<FreshDatabase> {
  const server = inject('postgresUrl');
  const template = inject('postgresTemplate');
  if (server === '' || template === '') return Promise.reject(new Error('the PostgreSQL pass needs the server and template of test/support/postgres-setup.ts'));
  return freshPostgresDatabase(server, template);
}

async function freshDatabaseUrl(): Promise<FreshDatabase> {
  const taken = madeAhead ?? copyTemplate();
  madeAhead = copyTemplate();
  // Awaited by the next call or dropped after the file; a failure then is reported by whoever awaits it.
  madeAhead.catch(() => undefined);
  return taken;
}

/** A fresh, migrated database: SQLite in memory, or on the PostgreSQL pass a new database dropped when closed. */
export async function testDatabase(): Promise<TestDatabase> {
  if (testEngine() === 'sqlite') return openDatabase({ path: ':memory:' });
  const fresh = await freshDatabaseUrl();
  return openPostgresTestDatabase(fresh.url, fresh.drop);
}

/**
 * A fresh, migrated database with its location for `--db` or a report thread: the SQLite file `path`, or on the
 * PostgreSQL pass a new database dropped when closed. Usable in beforeAll.
 */
export async function testDatabaseAt(path: string): Promise<TestDatabase & { location: string }> {
  if (testEngine() === 'sqlite') return Object.assign(await openDatabase({ path }), { location: path });
  const fresh = await freshDatabaseUrl();
  return Object.assign(await openPostgresTestDatabase(fresh.url, fresh.drop), { location: fresh.url });
}

async function openPostgresTestDatabase(url: string, drop?: () => Promise<void>): Promise<PostgresTestDatabase> {
  const handle = await openPostgres({ url });
  return {
    engine: 'postgres',
    db: handle.db,
    pool: handle.pool,
    postgres: handle.pool,
    sqlite: undefined,
    close: async () => {
      await handle.close();
      await drop?.();
    },
  };
}

/** The databases `testDatabaseLocation` made for this test file, dropped after its last test. */
const madeForFile: (() => Promise<void>)[] = [];
if (ON_POSTGRES_PASS) {
  // Registered while the test file imports this module, so on the file's root suite: it runs after the file's own
  // afterAll hooks have closed their connections.
  afterAll(async () => {
    for (const drop of madeForFile.splice(0)) await drop();
    const left = madeAhead;
    madeAhead = undefined;
    if (left !== undefined) await (await left).drop();
  });
}

/**
 * What a test passes as `--db`: the SQLite file `path` (not created), or on the PostgreSQL pass the URL of a fresh
 * migrated database, dropped after the test file.
 *
 * @example
 * const db = await testDatabaseLocation(join(folder.path, 'supportlens.db'));
 * spawnSync(process.execPath, [...CLI, 'ingest', '--db', db, inbox]);
 */
export async function testDatabaseLocation(path: string): Promise<string> {
  if (testEngine() === 'sqlite') return path;
  const fresh = await freshDatabaseUrl();
  madeForFile.push(fresh.drop);
  return fresh.url;
}

/** Opens what `testDatabaseLocation` gave (a SQLite file or a PostgreSQL URL), to look at what a command stored. */
export async function openTestLocation(location: string, options: { readonly?: boolean } = {}): Promise<TestDatabase> {
  const parsed = parseDatabaseLocation(location);
  if (parsed.engine === 'sqlite') return openDatabase({ path: parsed.path, ...options });
  return openPostgresTestDatabase(parsed.url);
}

/**
 * For the few tests about SQLite itself in a file that otherwise runs on both engines: `test` on SQLite, skipped on the
 * PostgreSQL pass with the reason in the test's name.
 *
 * @example
 * sqliteOnlyTest("SQLite's page cache")('listTopicQuestions gives the cache size back', async () => { ... });
 */
export function sqliteOnlyTest(reason: string): (name: string, fn: () => Promise<void> | void) => void {
  return (name, fn) => test.skipIf(ON_POSTGRES_PASS)(ON_POSTGRES_PASS ? `${name} [SQLite only: ${reason}]` : name, fn);
}

/** The SQLite handle of a test that `sqliteOnlyTest` runs only on SQLite. */
export function sqliteHandle(handle: TestDatabase): DatabaseHandle {
  if (handle.sqlite === undefined) throw new Error('this test runs on SQLite only');
  return handle;
}
