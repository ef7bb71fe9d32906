import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { NO_DATABASE_TESTS, SQLITE_ONLY_TESTS, testEngine } from './test/support/test-engine.js';

// The tests run the TypeScript sources, no build: `#kysely` resolves to the kysely package under the
// `supportlens-source` condition (package.json "imports"), and the test processes start with the type-stripping
// hooks of test/support/register-source.mjs so that the worker threads they start (ingest parsing, topics, dashboard
// reports) load their `.ts` scripts as real threads.
const SOURCE_CONDITION = 'supportlens-source';

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The PostgreSQL pass (SUPPORTLENS_TEST_ENGINE=postgres) leaves out the files about SQLite itself (with the reason)
    // and those that touch no database (test/support/test-engine.ts).
    exclude: [...configDefaults.exclude, ...(testEngine() === 'postgres' ? [...Object.keys(SQLITE_ONLY_TESTS), ...NO_DATABASE_TESTS] : [])],
    globalSetup: ['./test/support/postgres-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--import', './test/support/register-source.mjs', `--conditions=${SOURCE_CONDITION}`],
  },
});
