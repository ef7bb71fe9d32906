import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresHandle } from '../../db/postgres-connection.js';
import { acquirePostgresJobLock } from '../../db/postgres-job-lock.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

// Two schedulers on two machines are two connection pools on one database: one job at a time, and a holder whose
// session ends (killed, machine gone) frees the lock at once, with no stale-heartbeat wait.

const serverUrl = testPostgresUrl();

describe.skipIf(serverUrl === undefined)('the job lock on PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let machineA: PostgresHandle;
  let machineB: PostgresHandle;

  beforeAll(async () => {
    database = await freshPostgresDatabase(serverUrl!);
    machineA = await openPostgres({ url: database.url });
    machineB = await openPostgres({ url: database.url });
  });
  afterAll(async () => {
    await machineA?.close();
    await machineB?.close();
    await database?.drop();
  });

  it('lets one holder in at a time and says who holds it', async () => {
    const first = await acquirePostgresJobLock(machineA.pool, 'nightly', { pid: 111, hostname: 'machine-a' });
    expect(first.acquired).toBe(true);
    const second = await acquirePostgresJobLock(machineB.pool, 'nightly', { pid: 222, hostname: 'machine-b' });
    expect(second).toMatchObject({ acquired: false, holder: { holder_pid: 111, holder_hostname: 'machine-a' } });
    const other = await acquirePostgresJobLock(machineB.pool, 'digest', { pid: 222, hostname: 'machine-b' });
    expect(other.acquired).toBe(true);
    if (!first.acquired || !other.acquired) return;
    expect(await first.lock.heartbeat()).toBe(true);
    await first.lock.release();
    await first.lock.release();
    expect(await first.lock.heartbeat()).toBe(false);
    const third = await acquirePostgresJobLock(machineB.pool, 'nightly', { pid: 222, hostname: 'machine-b' });
    expect(third.acquired).toBe(true);
    if (third.acquired) await third.lock.release();
    await other.lock.release();
    const rows = await machineA.pool.query('select count(*)::int as n from job_locks');
    expect(rows.rows[0].n).toBe(0);
  });

  it('is free as soon as the holding session ends, whatever ended it', async () => {
    const held = await acquirePostgresJobLock(machineA.pool, 'nightly', { pid: 111, hostname: 'machine-a' });
    expect(held.acquired).toBe(true);
    if (!held.acquired) return;
    // The holder's machine disappears: its backend is terminated from outside.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) as done from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()`,
      );
      expect(killed.rows.map((row) => row.done)).toEqual([true]);
    } finally {
      await admin.end();
    }
    let taken = await acquirePostgresJobLock(machineB.pool, 'nightly', { pid: 222, hostname: 'machine-b' });
    for (let i = 0; i < 50 && !taken.acquired; i++) {
      await new Promise((done) => setTimeout(done, 100));
      taken = await acquirePostgresJobLock(machineB.pool, 'nightly', { pid: 222, hostname: 'machine-b' });
    }
    expect(taken).toMatchObject({ acquired: true });
    expect(await held.lock.heartbeat()).toBe(false);
    await held.lock.release();
    if (taken.acquired) {
      const holder = await machineA.pool.query('select holder_hostname from job_locks where name = $1', ['nightly']);
      expect(holder.rows).toEqual([{ holder_hostname: 'machine-b' }]);
      await taken.lock.release();
    }
  });
});
