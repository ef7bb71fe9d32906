import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './postgres-cluster.js';

// Vitest global setup: the PostgreSQL server the tests of the PostgreSQL engine use, given to them as `postgresUrl`
// (test/support/postgres.ts). SUPPORTLENS_TEST_POSTGRES names a server to use (a URL; `.ci/run` starts one), or
// `off`; otherwise a throwaway cluster is started here when PostgreSQL's programs are installed. Without a server the
// PostgreSQL tests skip and say why, except in CI (CI=true), where a missing server fails the run.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresAbsentBecause: string;
  }
}

let cluster: ThrowawayCluster | undefined;

export default function setup(project: TestProject): () => void {
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
  if (url === '' && process.env.CI === 'true') throw new Error(`CI needs a PostgreSQL server for the tests: ${absentBecause}`);
  project.provide('postgresUrl', url);
  project.provide('postgresAbsentBecause', absentBecause);
  return () => {
    cluster?.stop();
    cluster = undefined;
  };
}
