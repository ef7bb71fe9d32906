// Which engine the suite's database helpers give the tests: SUPPORTLENS_TEST_ENGINE=postgres runs the suite against
// fresh databases on the test run's PostgreSQL server (test/support/postgres-setup.ts); unset or `sqlite`, SQLite.
// `.ci/run` runs the suite once per engine.

export type TestEngine = 'sqlite' | 'postgres';

export const TEST_ENGINE_VARIABLE = 'SUPPORTLENS_TEST_ENGINE';

/** The engine of this test run; throws on a value that names neither. */
export function testEngine(): TestEngine {
  const value = process.env[TEST_ENGINE_VARIABLE] ?? '';
  if (value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`${TEST_ENGINE_VARIABLE}=${value}: use sqlite or postgres`);
}

/**
 * Test files left out of the PostgreSQL pass, each with the reason: they test SQLite itself (its file, WAL, locks,
 * the sqlite3 shell), or they already run on both engines in the SQLite pass (they open a PostgreSQL database of
 * their own next to a SQLite one), so a second pass would repeat them exactly. Keep it short: a test that only
 * reads and writes through supportlens belongs in both passes.
 */
export const SQLITE_ONLY_TESTS: Readonly<Record<string, string>> = {
  'test/db/connection.test.ts': "SQLite's file handling: WAL, page size, read-only files, damaged files",
  'test/db/transaction.test.ts': "better-sqlite3's synchronous transactions on SQLite's connection",
  'test/ingest/bulk-load.test.ts': "SQLite's bulk-load mode (journal mode and index rebuild during a first load)",
  'test/cli/atomic-kill.test.ts': 'kill -9 of a SQLite ingest; test/cli/postgres-atomic-kill.test.ts is its PostgreSQL twin',
  'test/cli/environment-faults.test.ts': 'a SQLite file this process cannot use: read-only, random bytes, a hot journal, a newer schema',
  'test/cli/ingest-fault.test.ts': 'kill -9 of SQLite ingests compared with snapshots of clean SQLite files; on PostgreSQL, postgres-atomic-kill',
  'test/cli/analyze-fault.test.ts': 'kill -9 of analyze on copies of one SQLite file (not converted yet: it would need a database copy per case)',
  'test/cli/analyze-kill.test.ts': 'kill -9 of analyze on copies of one SQLite file, read through SQLite (not converted yet)',
  'test/cli/streaming-memory.test.ts': "the SQLite ingest's memory, SQLite's page cache within its bound (its --db is a SQLite file)",
  'test/cli/schedule/job-lock.test.ts': "SQLite's job-lock table and its busy write lock; the advisory lock has its own test",
  'test/db/postgres-migrations.test.ts': 'compares both engines already',
  'test/db/engine-statements.test.ts': 'runs on both engines already',
  'test/db/copy-to-postgres.test.ts': 'copies SQLite into PostgreSQL already',
  'test/ingest/postgres-ingest.test.ts': 'compares both engines already',
  'test/cli/postgres-engine.test.ts': 'compares both engines already',
  'test/cli/postgres-atomic-kill.test.ts': 'runs on PostgreSQL already',
  'test/db/postgres-job-lock.test.ts': 'runs on PostgreSQL already',
};

/**
 * Test files that touch no database at all (pure functions, parsers, configuration, the source's import lines): the
 * PostgreSQL pass would run them exactly as the SQLite pass did, so it leaves them out to keep CI's time. A file that
 * starts using a database helper must leave this list (test/support/test-engine.test.ts checks that none of these
 * imports one).
 */
export const NO_DATABASE_TESTS: readonly string[] = [
  'test/analysis/alerts/detect-alerts.test.ts',
  'test/analysis/alerts/read-events.test.ts',
  'test/analysis/faq/assemble-gap-topics.test.ts',
  'test/analysis/faq/calibrate-covered-threshold.test.ts',
  'test/analysis/faq/decide-article-coverage.test.ts',
  'test/analysis/faq/find-best-faq-entries.test.ts',
  'test/analysis/faq/gap-verdicts.test.ts',
  'test/analysis/faq/rank-distinct-questions.test.ts',
  'test/analysis/faq/rank-faq-entries.test.ts',
  'test/analysis/response-times/business-calendar.test.ts',
  'test/analysis/response-times/conversation-facts.test.ts',
  'test/analysis/response-times/duration-statistics.test.ts',
  'test/analysis/response-times/evaluate-targets.test.ts',
  'test/analysis/response-times/zone-clock.test.ts',
  'test/analysis/text/bilingual-lexicon.test.ts',
  'test/analysis/text/cross-language-pairs.test.ts',
  'test/analysis/text/redact-personal-data.test.ts',
  'test/analysis/text/text-processing.test.ts',
  'test/analysis/topics/assemble-topic-figures.test.ts',
  'test/analysis/topics/merge-across-languages.test.ts',
  'test/analysis/topics/nearest-centroid.test.ts',
  'test/analysis/topics/question-embedder.test.ts',
  'test/analysis/topics/repeated-questions.test.ts',
  'test/analysis/topics/small-inputs.test.ts',
  'test/analysis/topics/sparse-products.test.ts',
  'test/analysis/topics/summarize-topics.test.ts',
  'test/analysis/topics/topic-count.test.ts',
  'test/analysis/topics/topic-grouping.test.ts',
  'test/analysis/topics/worker-threads.test.ts',
  'test/architecture.test.ts',
  'test/cli/alerts-config.test.ts',
  'test/cli/config.test.ts',
  'test/cli/schedule/schedule-config.test.ts',
  'test/dashboard/conversation-list-filter.test.ts',
  'test/dashboard/response-cache.test.ts',
  'test/ingest/html-to-text.test.ts',
  'test/ingest/normalize-csat.test.ts',
  'test/ingest/sources/csv-records.test.ts',
  'test/ingest/sources/messages-csv.test.ts',
  'test/ingest/timestamps.test.ts',
];

/** True on the suite's PostgreSQL pass. */
export const ON_POSTGRES_PASS: boolean = testEngine() === 'postgres';
