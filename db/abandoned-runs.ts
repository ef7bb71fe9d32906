import { hostname } from 'node:os';
import type { Kysely } from '#kysely';
import type { Database } from './schema.js';

/**
 * True while a process with this id exists on this machine (EPERM: it exists but belongs to someone else).
 *
 * @example
 * isProcessAlive(process.pid); // true
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks runs left `running` by a process that no longer exists (killed, crashed) as `interrupted`, with `error` as
 * the reason. Runs of live processes, and of processes on other hosts, are left alone.
 *
 * @example
 * await markAbandonedRuns(db, 'ingest_runs', 'the process ended before the run finished');
 */
export async function markAbandonedRuns(db: Kysely<Database>, table: 'ingest_runs' | 'analysis_runs', error: string): Promise<void> {
  const running = await db.selectFrom(table).select(['id', 'pid', 'hostname']).where('status', '=', 'running').execute();
  for (const run of running) {
    if (run.hostname === hostname() && isProcessAlive(run.pid)) continue;
    await db.updateTable(table).set({ status: 'interrupted', error }).where('id', '=', run.id).execute();
  }
}
