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

/**
 * A new database on the test server, empty or a copy of `template` (a file copy: a migrated template is copied in a
 * few milliseconds, where migrating takes a second); returns its URL and a function that drops it.
 */
export async function freshPostgresDatabase(serverUrl: string, template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${created++}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(template === undefined ? `create database ${name}` : `create database ${name} template ${template} strategy file_copy`);
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
