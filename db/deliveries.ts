import { randomUUID } from 'node:crypto';
import type { Kysely } from '#kysely';
import type { Database, DeliveryKind, DeliveryRow, DeliveryStatus } from './schema.js';
import { inTransaction } from './transaction.js';

/** What is delivered to whom: a destination, a kind and a period (a day, a week, or an alert's id). */
export interface DeliveryKey {
  destination: string;
  kind: DeliveryKind;
  period: string;
}

export type ClaimResult =
  | { claimed: true; token: string; attempt: number }
  /** `sent`: delivered before. `sending`/`unknown`: a send may have happened (a crash or an unanswered send): never again. */
  | { claimed: false; status: DeliveryStatus };

/**
 * Claims a delivery before sending it: the row (destination, kind, period) is created `sending`, or a `failed` one is
 * taken back to `sending`. Anything else is not claimed: `sent` was delivered, and `sending` or `unknown` may have
 * been (the process died after claiming, or the send got no answer), so it is never sent again: at most once.
 *
 * @example
 * const claim = await claimDelivery(db, { destination: 'team', kind: 'digest-day', period: '2026-12-05' }, { jobRunId: 3 });
 * if (claim.claimed) { await send(); await finishDelivery(db, key, claim.token, { status: 'sent' }); }
 */
export async function claimDelivery(db: Kysely<Database>, key: DeliveryKey, options: { jobRunId?: number | null; now?: number } = {}): Promise<ClaimResult> {
  const token = randomUUID();
  const now = options.now ?? Date.now();
  return inTransaction(db, async (trx) => {
    const inserted = await trx
      .insertInto('deliveries')
      .values({ ...key, status: 'sending', attempts: 1, claim_token: token, claimed_at: now, job_run_id: options.jobRunId ?? null, pid: process.pid })
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { claimed: true, token, attempt: 1 };
    const row = await findDelivery(trx, key);
    if (!row) throw new Error(`delivery ${key.destination}/${key.kind}/${key.period} vanished while being claimed`);
    if (row.status !== 'failed') return { claimed: false, status: row.status };
    const updated = await trx
      .updateTable('deliveries')
      .set({
        status: 'sending',
        attempts: row.attempts + 1,
        claim_token: token,
        claimed_at: now,
        finished_at: null,
        job_run_id: options.jobRunId ?? null,
        pid: process.pid,
      })
      .where('destination', '=', key.destination)
      .where('kind', '=', key.kind)
      .where('period', '=', key.period)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { claimed: false, status: 'sending' };
    return { claimed: true, token, attempt: row.attempts + 1 };
  });
}

/**
 * Records how a claimed send ended. Only the holder of the claim (its token) can finish it.
 *
 * @example
 * await finishDelivery(db, key, claim.token, { status: 'failed', error: 'connection refused' });
 */
export async function finishDelivery(
  db: Kysely<Database>,
  key: DeliveryKey,
  token: string,
  outcome: { status: Exclude<DeliveryStatus, 'sending'>; error?: string | null; now?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: outcome.status, error: outcome.error?.slice(0, 2_000) ?? null, finished_at: outcome.now ?? Date.now() })
    .where('destination', '=', key.destination)
    .where('kind', '=', key.kind)
    .where('period', '=', key.period)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * One delivery's row, if it was ever claimed.
 *
 * @example
 * (await findDelivery(db, key))?.status; // "sent"
 */
export async function findDelivery(db: Kysely<Database>, key: DeliveryKey): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('destination', '=', key.destination)
    .where('kind', '=', key.kind)
    .where('period', '=', key.period)
    .executeTakeFirst();
}

/**
 * Deliveries, newest claim first (the run history's view).
 *
 * @example
 * await listDeliveries(db, { limit: 50 });
 */
export async function listDeliveries(db: Kysely<Database>, options: { limit?: number; jobRunId?: number } = {}): Promise<DeliveryRow[]> {
  let query = db.selectFrom('deliveries').selectAll();
  if (options.jobRunId !== undefined) query = query.where('job_run_id', '=', options.jobRunId);
  return query
    .orderBy('claimed_at', 'desc')
    .limit(options.limit ?? 100)
    .execute();
}

/** Why a `sending` row left by an earlier process is never sent again. */
export const IN_DOUBT_REASON =
  'the process ended after claiming it and before recording the result: it may have been sent, so it is not sent again (at most once)';

/**
 * Marks `sending` rows left by processes that ended (only the holder of the job lock calls this) as `unknown`.
 *
 * @example
 * const inDoubt = await markDeliveriesInDoubt(db); // 1
 */
export async function markDeliveriesInDoubt(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'unknown', error: IN_DOUBT_REASON, finished_at: now })
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
