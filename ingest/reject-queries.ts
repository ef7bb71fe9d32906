import type { Kysely } from '#kysely';
import type { Database, RejectKind, RejectRow } from '../db/schema.js';

/** Which stored rejects to list: by ingest run and kind. Not a `ConversationFilter`: rejects are input records, not conversations. */
export interface RejectFilter {
  runId?: number | undefined;
  kind?: RejectKind | undefined;
  limit: number;
}

/** Rejects and warnings, oldest first. */
export async function listRejects(db: Kysely<Database>, filter: RejectFilter): Promise<RejectRow[]> {
  let query = db.selectFrom('rejects').selectAll().orderBy('id').limit(filter.limit);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  return query.execute();
}
