import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The tests run the TypeScript sources, no build: `#kysely` resolves to the kysely package under the
// `supportlens-source` condition (package.json "imports"), and the test processes start with the type-stripping
// hooks of test/support/register-source.mjs so that the worker threads they start (ingest parsing, topics, dashboard
// reports) load their `.ts` scripts as real threads.
const SOURCE_CONDITION = 'supportlens-source';

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/support/postgres-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--import', './test/support/register-source.mjs', `--conditions=${SOURCE_CONDITION}`],
  },
});
