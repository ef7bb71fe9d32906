import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from '#kysely';
import { acquireJobLock, type JobLockOptions } from './job-lock.js';
import { acquirePostgresJobLock } from './postgres-job-lock.js';
import type { Database, JobLockRow } from './schema.js';

/** Either engine's connection: SQLite's file (`sqlite`), or PostgreSQL's pool (`postgres`). */
export interface JobLockTarget {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | undefined;
  postgres?: pg.Pool | undefined;
}

/** A job lock held on either engine. */
export interface HeldEngineJobLock {
  name: string;
  token: string;
  /** SQLite only: the holder whose lock was taken over (dead, or its heartbeat stale); PostgreSQL frees it itself. */
  tookOverFrom: JobLockRow | null;
  /** Refreshes the heartbeat; false when the lock is lost. */
  heartbeat(): Promise<boolean>;
  release(): Promise<void>;
}

/** `holder` is undefined only in the instant between another process taking PostgreSQL's lock and writing its row. */
export type EngineAcquireResult = { acquired: true; lock: HeldEngineJobLock } | { acquired: false; holder: JobLockRow | undefined };

/**
 * Takes the job lock `name` without waiting, on the handle's engine: on SQLite the `job_locks` row in an immediate
 * transaction, with takeover of a dead or stale holder (`db/job-lock.ts`); on PostgreSQL a session advisory lock on a
 * connection of its own, freed by the server when its holder's session ends (`db/postgres-job-lock.ts`).
 *
 * @example
 * const result = await acquireEngineJobLock(handle, 'nightly');
 * if (result.acquired) try { await work(); } finally { await result.lock.release(); }
 */
export async function acquireEngineJobLock(target: JobLockTarget, name: string, options: JobLockOptions = {}): Promise<EngineAcquireResult> {
  if (target.sqlite !== undefined) {
    const result = acquireJobLock({ db: target.db, sqlite: target.sqlite }, name, options);
    if (!result.acquired) return result;
    const { lock } = result;
    return {
      acquired: true,
      lock: {
        name,
        token: lock.token,
        tookOverFrom: lock.tookOverFrom,
        heartbeat: async () => lock.heartbeat(),
        release: async () => lock.release(),
      },
    };
  }
  if (target.postgres === undefined) throw new Error('acquireEngineJobLock: neither a SQLite connection nor a PostgreSQL pool');
  const result = await acquirePostgresJobLock(target.postgres, name, {
    ...(options.pid === undefined ? {} : { pid: options.pid }),
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  if (!result.acquired) return result;
  const { lock } = result;
  return { acquired: true, lock: { name, token: lock.token, tookOverFrom: null, heartbeat: lock.heartbeat, release: lock.release } };
}
