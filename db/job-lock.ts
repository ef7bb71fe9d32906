import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isProcessAlive } from './abandoned-runs.js';
import type { Compilable } from '#kysely';
import type { JobLockRow } from './schema.js';
import { inTransactionSync, type SqliteTarget } from './transaction.js';

/** How often the holder refreshes `heartbeat_at`. */
export const LOCK_HEARTBEAT_INTERVAL_MS = 30_000;
/** A lock not refreshed for this long is taken over, whatever host holds it (a crashed machine, a frozen process). */
export const LOCK_STALE_AFTER_MS = 10 * 60_000;

export interface JobLockOptions {
  staleAfterMs?: number;
  heartbeatIntervalMs?: number;
  /** Who is asking; defaults to this process. Tests pretend to be another process. */
  pid?: number;
  hostname?: string;
  now?: () => number;
}

export interface HeldJobLock {
  name: string;
  token: string;
  /** Why the lock was free: nobody held it, or the holder was dead or stale (its row is kept here). */
  tookOverFrom: JobLockRow | null;
  /** Refreshes the heartbeat; false when the lock was taken from us (our heartbeat went stale). */
  heartbeat(): boolean;
  /** Deletes the row if we still hold it. Safe to call twice. */
  release(): void;
}

export type AcquireResult = { acquired: true; lock: HeldJobLock } | { acquired: false; holder: JobLockRow };

/**
 * Takes the lock `name` in one IMMEDIATE transaction (so two processes cannot both see it free), or reports who
 * holds it. A lock whose holder runs on this host and no longer exists, or whose heartbeat is older than
 * `staleAfterMs`, is taken over. While held, call `heartbeat()` (or use `startHeartbeat`), and `release()` at the end.
 *
 * @example
 * const result = acquireJobLock(handle, 'nightly');
 * if (result.acquired) try { await work(); } finally { result.lock.release(); }
 */
export function acquireJobLock(handle: SqliteTarget, name: string, options: JobLockOptions = {}): AcquireResult {
  const { db, sqlite } = handle;
  const now = options.now ?? Date.now;
  const me = { pid: options.pid ?? process.pid, hostname: options.hostname ?? hostname() };
  const staleAfterMs = options.staleAfterMs ?? LOCK_STALE_AFTER_MS;
  const get = (query: Compilable): JobLockRow | undefined => {
    const compiled = query.compile();
    return sqlite.prepare(compiled.sql).get(compiled.parameters as unknown[]) as JobLockRow | undefined;
  };
  const run = (query: Compilable): number => {
    const compiled = query.compile();
    return sqlite.prepare(compiled.sql).run(compiled.parameters as unknown[]).changes;
  };
  return inTransactionSync(handle, (): AcquireResult => {
    const current = get(db.selectFrom('job_locks').selectAll().where('name', '=', name));
    const at = now();
    const token = randomUUID();
    const row = { token, holder_pid: me.pid, holder_hostname: me.hostname, acquired_at: at, heartbeat_at: at };
    if (current === undefined) {
      run(db.insertInto('job_locks').values({ name, ...row }));
    } else if (isAbandoned(current, at, staleAfterMs, me.hostname)) {
      run(db.updateTable('job_locks').set(row).where('name', '=', name).where('token', '=', current.token));
    } else {
      return { acquired: false, holder: current };
    }
    return { acquired: true, lock: heldLock(handle, { name, token, tookOverFrom: current ?? null }, now) };
  });
}

/**
 * Refreshes the lock's heartbeat every `intervalMs` (the timer does not keep the process alive); returns a stop function.
 *
 * @example
 * const stop = startHeartbeat(lock);
 * try { await work(); } finally { stop(); lock.release(); }
 */
export function startHeartbeat(lock: { heartbeat(): boolean | Promise<boolean> }, intervalMs = LOCK_HEARTBEAT_INTERVAL_MS, onLost?: () => void): () => void {
  const timer = setInterval(() => {
    void Promise.resolve(lock.heartbeat()).then((held) => {
      if (!held) onLost?.();
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function isAbandoned(lock: JobLockRow, now: number, staleAfterMs: number, ourHostname: string): boolean {
  if (now - lock.heartbeat_at > staleAfterMs) return true;
  return lock.holder_hostname === ourHostname && !isProcessAlive(lock.holder_pid);
}

function heldLock(
  handle: SqliteTarget,
  { name, token, tookOverFrom }: { name: string; token: string; tookOverFrom: JobLockRow | null },
  now: () => number,
): HeldJobLock {
  const { db, sqlite } = handle;
  const run = (query: Compilable): number => {
    const compiled = query.compile();
    return sqlite.prepare(compiled.sql).run(compiled.parameters as unknown[]).changes;
  };
  return {
    name,
    token,
    tookOverFrom,
    heartbeat: () => run(db.updateTable('job_locks').set({ heartbeat_at: now() }).where('name', '=', name).where('token', '=', token)) === 1,
    release: () => {
      run(db.deleteFrom('job_locks').where('name', '=', name).where('token', '=', token));
    },
  };
}
