import { Migrator, type Kysely, type MigrationResultSet, type Migration, type MigrationProvider } from '#kysely';
import { DatabaseError } from './database-error.js';
import { migrations } from './migrations/index.js';

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly all: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.all;
  }
}

/**
 * Brings the schema up to date. Returns Kysely's `{ error, results }` instead of throwing.
 *
 * @example
 * const { error } = await migrateToLatest(db);
 * if (error) throw error;
 */
export async function migrateToLatest(db: Kysely<any>, options: { disableTransactions?: boolean } = {}): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(migrations), disableTransactions: options.disableTransactions ?? false });
  return migrator.migrateToLatest();
}

/** The table where Kysely records the migrations applied (its default name). */
export const MIGRATION_TABLE = 'kysely_migration';

/** Names of every migration this version knows, in order. */
export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(migrations);

/** A migration we do not know was applied by a later version: its schema may mean what we do not expect. */
export function refuseNewerSchema(applied: readonly string[] | undefined, where: string): void {
  const unknown = (applied ?? []).filter((name) => !KNOWN_MIGRATIONS.includes(name));
  if (unknown.length > 0) {
    throw new DatabaseError(
      'newer-version',
      `the database ${where} was made by a newer supportlens (migration ${unknown.join(', ')} is unknown to this version): upgrade supportlens, or give another --db`,
    );
  }
}
