import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers.js';
import { NO_DATABASE_TESTS, SQLITE_ONLY_TESTS } from './test-engine.js';

// The PostgreSQL pass leaves out two lists of files; a renamed file, or one that starts reaching a database, must not
// silently stay out of it.

/** What a test file that reaches a database names: the suite's database helpers, the CLI, the engines' openers, ingest. */
const DATABASE_USE =
  /memoryDatabase|eachTestDatabaseAndFolder|TestDatabase|testDatabase|openTestDatabase|seededDatabase|seedDashboardDatabase|\bCLI\b|openDatabase|openLocation|openPostgres|runIngest|runFuzz|demo-analysis|ingest-helpers|buildApp|spawn/;

test.each(NO_DATABASE_TESTS)('%s exists and reaches no database', (file) => {
  const path = join(ROOT, file);
  expect(existsSync(path)).toBe(true);
  const text = readFileSync(path, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
  expect(text).not.toMatch(DATABASE_USE);
});

test.each(Object.keys(SQLITE_ONLY_TESTS))('%s exists', (file) => {
  expect(existsSync(join(ROOT, file))).toBe(true);
});
