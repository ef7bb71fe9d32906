import { type Kysely, sql } from '#kysely';
import type { Database } from './schema.js';

/**
 * Share of a table's rows changed since its statistics were gathered beyond which they are gathered again: the
 * planner's estimates are then off by more than autovacuum's own threshold (10% by default) allows.
 */
export const STALE_STATISTICS_SHARE = 0.1;

/**
 * PostgreSQL: gathers the planner's statistics (ANALYZE) of every table of the schema that changed much since they were
 * last gathered, or that never had any while holding rows, and returns their names. A bulk load (an ingest into an
 * empty database, `copy-database`, an analysis run) would otherwise leave the next queries planned on guesses until
 * autovacuum comes by (a minute later, or never within a short job). A table small or unchanged costs nothing here.
 *
 * @example
 * await refreshPostgresStatistics(db); // after the load's commit
 */
export async function refreshPostgresStatistics(db: Kysely<Database>): Promise<string[]> {
  const stale = await sql<{ name: string }>`
    select format('%I.%I', schemaname, relname) as name
    from pg_stat_user_tables
    where schemaname = current_schema()
      and n_mod_since_analyze > 0
      and (coalesce(last_analyze, last_autoanalyze) is null or n_mod_since_analyze > ${STALE_STATISTICS_SHARE}::float8 * greatest(n_live_tup, 1))
    order by relname
  `.execute(db);
  for (const { name } of stale.rows) await sql.raw(`analyze ${name}`).execute(db);
  return stale.rows.map((row) => row.name);
}
