import { sql } from '#kysely';
import type { DatabaseHandle } from './connection.js';

/**
 * Runs `work` in one immediate transaction (the write lock taken at `begin`, so two writers never deadlock on an
 * upgrade): committed when it returns, rolled back when it throws. The project's one way to open a transaction
 * around Kysely queries.
 *
 * @example
 * await inImmediateTransaction(handle, async () => {
 *   await markRunFinished(handle.db, runId);
 *   await pruneAnalysisResults(handle.db, { keep: [runId] });
 * });
 */
export async function inImmediateTransaction<T>(handle: Pick<DatabaseHandle, 'db' | 'sqlite'>, work: () => Promise<T>): Promise<T> {
  await sql`begin immediate`.execute(handle.db);
  try {
    const result = await work();
    await sql`commit`.execute(handle.db);
    return result;
  } catch (error) {
    if (handle.sqlite.inTransaction) await sql`rollback`.execute(handle.db);
    throw error;
  }
}
