import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from '../../db/throwaway-postgres.js';
import { NO_DATABASE_TESTS, SQLITE_ONLY_TESTS, TEST_ENGINE_VARIABLE, testEngine } from './test-engine.js';

// Vitest global setup: the PostgreSQL server the tests of the PostgreSQL engine use, given to them as `postgresUrl`
// (test/support/postgres.ts). SUPPORTLENS_TEST_POSTGRES names a server to use (a URL; `.ci/run` starts one), or
// `off`; otherwise a throwaway cluster is started here when PostgreSQL's programs are installed. Without a server the
// PostgreSQL tests skip and say why, except in CI (CI=true), where a missing server fails the run.
// With SUPPORTLENS_TEST_ENGINE=postgres the whole suite runs on that server: a migrated template database is made
// here once, and each test's database is a copy of it (test/support/postgres.ts), dropped after the test.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresAbsentBecause: string;
    /** The migrated database each test's database is copied from; '' when the suite runs on SQLite. */
    postgresTemplate: string;
  }
}

let cluster: ThrowawayCluster | undefined;

const TEMPLATE = 'supportlens_test_template';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Migrates the database at `url` with supportlens's own code, in a child process: this setup runs outside the test
 * processes, without the `supportlens-source` condition that resolves `#kysely` to the sources.
 */
function migrate(url: string): void {
  const script = `const { openPostgres } = await import(${JSON.stringify(join(ROOT, 'db/postgres-connection.ts'))}); await (await openPostgres({ url: process.env.TEMPLATE_URL })).close();`;
  execFileSync(
    process.execPath,
    ['--import', join(ROOT, 'test/support/register-source.mjs'), '--conditions=supportlens-source', '--input-type=module', '-e', script],
    {
      env: { ...process.env, TEMPLATE_URL: url },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}

/** A database on the server migrated to the latest schema, marked as a template so that copies of it are cheap. */
async function createTemplate(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE} with (force)`);
    await admin.query(`create database ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE}`;
  migrate(url.toString());
  return TEMPLATE;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const engine = testEngine();
  const given = process.env.SUPPORTLENS_TEST_POSTGRES;
  let url = '';
  let absentBecause = '';
  if (given !== undefined && given !== '' && given !== 'off') url = given;
  else if (given === 'off') absentBecause = 'SUPPORTLENS_TEST_POSTGRES=off';
  else {
    const binaries = findPostgresBinaries();
    if (binaries === undefined) absentBecause = "PostgreSQL's programs (initdb, pg_ctl) are not installed; on Debian: apt-get install postgresql";
    else {
      try {
        cluster = startThrowawayCluster(binaries);
        url = cluster.url;
      } catch (error) {
        absentBecause = (error as Error).message;
      }
    }
  }
  const stop = (): void => {
    cluster?.stop();
    cluster = undefined;
  };
  if (url === '' && process.env.CI === 'true') throw new Error(`CI needs a PostgreSQL server for the tests: ${absentBecause}`);
  if (url === '' && engine === 'postgres') throw new Error(`${TEST_ENGINE_VARIABLE}=postgres needs a PostgreSQL server: ${absentBecause}`);
  let template = '';
  if (engine === 'postgres') {
    try {
      template = await createTemplate(url);
    } catch (error) {
      stop();
      throw error;
    }
    const left = Object.entries(SQLITE_ONLY_TESTS).map(([file, reason]) => `  ${file}: ${reason}`);
    console.log(
      `The suite runs on PostgreSQL; left out of this pass (SQLite only):\n${left.join('\n')}\n` +
        `and ${NO_DATABASE_TESTS.length} files that touch no database (NO_DATABASE_TESTS in test/support/test-engine.ts)`,
    );
  }
  project.provide('postgresUrl', url);
  project.provide('postgresAbsentBecause', absentBecause);
  project.provide('postgresTemplate', template);
  return stop;
}
