import pg from 'pg';
import { inject } from 'vitest';

// The PostgreSQL server of the test run (test/support/postgres-setup.ts) and fresh databases on it.

/** The server's URL, or undefined with the reason printed once: the caller skips its PostgreSQL tests. */
export function testPostgresUrl(): string | undefined {
  const url = inject('postgresUrl');
  if (url !== '') return url;
  console.warn(`PostgreSQL tests skipped: ${inject('postgresAbsentBecause')}`);
  return undefined;
}

let created = 0;

/** A new empty database on the test server; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${created++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
