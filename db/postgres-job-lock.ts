import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { JobLockRow } from './schema.js';

// The job lock on PostgreSQL: a session advisory lock, held on a connection of its own for as long as the job runs.
// PostgreSQL frees it when that session ends, however it ends (the process killed, the machine gone, the network
// cut), so no heartbeat decides when a holder is dead: two schedulers on two machines against one database run one
// job at a time. The job_locks row says who holds it, for the waiting side's message and the dashboard.

/** The first key of every supportlens advisory lock (the second is the hash of the lock's name). */
const ADVISORY_NAMESPACE = 0x5_1e45;

export interface HeldPostgresJobLock {
  name: string;
  token: string;
  /** True while the lock's session is alive; records the heartbeat in job_locks for whoever looks. */
  heartbeat(): Promise<boolean>;
  /** Frees the lock and its session. Safe to call twice. */
  release(): Promise<void>;
}

export type PostgresAcquireResult = { acquired: true; lock: HeldPostgresJobLock } | { acquired: false; holder: JobLockRow | undefined };

export interface PostgresJobLockOptions {
  pid?: number;
  hostname?: string;
  now?: () => number;
}

/**
 * Takes the lock `name` without waiting, or reports who holds it.
 *
 * @example
 * const result = await acquirePostgresJobLock(pool, 'nightly');
 * if (result.acquired) try { await work(); } finally { await result.lock.release(); }
 */
export async function acquirePostgresJobLock(pool: pg.Pool, name: string, options: PostgresJobLockOptions = {}): Promise<PostgresAcquireResult> {
  const now = options.now ?? Date.now;
  const client = await pool.connect();
  let keep = false;
  try {
    // A lost session must not crash the process through an unhandled 'error': heartbeat() reports it.
    let lost = false;
    client.on('error', () => {
      lost = true;
    });
    const { rows } = await client.query<{ acquired: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as acquired', [ADVISORY_NAMESPACE, name]);
    if (!rows[0]!.acquired) {
      const holder = await client.query<JobLockRow>('select * from job_locks where name = $1', [name]);
      return { acquired: false, holder: holder.rows[0] };
    }
    const token = randomUUID();
    const at = now();
    await client.query(
      `insert into job_locks (name, token, holder_pid, holder_hostname, acquired_at, heartbeat_at) values ($1, $2, $3, $4, $5, $5)
       on conflict (name) do update set token = excluded.token, holder_pid = excluded.holder_pid,
         holder_hostname = excluded.holder_hostname, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
      [name, token, options.pid ?? process.pid, options.hostname ?? hostname(), at],
    );
    keep = true;
    let released = false;
    return {
      acquired: true,
      lock: {
        name,
        token,
        heartbeat: async () => {
          if (released || lost) return false;
          try {
            await client.query('update job_locks set heartbeat_at = $1 where name = $2 and token = $3', [now(), name, token]);
            return true;
          } catch {
            return false;
          }
        },
        release: async () => {
          if (released) return;
          released = true;
          try {
            await client.query('delete from job_locks where name = $1 and token = $2', [name, token]);
            await client.query('select pg_advisory_unlock($1, hashtext($2))', [ADVISORY_NAMESPACE, name]);
            client.release();
          } catch (error) {
            // The session is gone, and the lock with it: drop the connection instead of returning it to the pool.
            client.release(error as Error);
          }
        },
      },
    };
  } finally {
    if (!keep) client.release();
  }
}
