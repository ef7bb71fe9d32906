import { Option } from 'commander';
import { DEFAULT_DB_PATH, parseDatabaseLocation } from '../db/database-location.js';

export { DEFAULT_DB_PATH };

/** `--db FILE|URL`, on every command: a SQLite file, or a postgres:// URL; SUPPORTLENS_DB when not given. */
export function dbOption(): Option {
  return new Option('--db <file|url>', 'SQLite database file (created if missing) or postgres://user@host:port/database URL')
    .env('SUPPORTLENS_DB')
    .default(DEFAULT_DB_PATH);
}

/**
 * The SQLite file of `--db`, for the command that still writes through SQLite's driver only (ingest): a PostgreSQL URL
 * there is a usage error that says what works instead.
 */
export function sqliteOnly(db: string, command: string): string {
  const location = parseDatabaseLocation(db);
  if (location.engine === 'sqlite') return location.path;
  throw new UsageError(
    `supportlens ${command} does not work on PostgreSQL yet: run it on a SQLite file, then move the data with "supportlens copy-database --from FILE --to URL"`,
  );
}

/** Thrown for a bad command line; the process exits with `EXIT_USAGE`. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
/** Some files could not be read at all; the others were loaded. */
export const EXIT_PARTIAL = 1;
/** Bad arguments: a missing path, an unknown option or time zone. Nothing was ingested. */
export const EXIT_USAGE = 2;
/** Nothing could be read: no record in any of the files. */
export const EXIT_NOTHING_READ = 3;
/**
 * The environment stopped the command: a database it cannot open, write or read (read-only, damaged, made by a newer
 * version), a full disk, a port in use, a missing output folder. Nothing was changed; the message says what to do.
 */
export const EXIT_ENVIRONMENT = 74;
/** An unexpected internal error. */
export const EXIT_INTERNAL = 70;

/** Thrown when the environment stops a command (a port in use, a missing folder); the process exits with `EXIT_ENVIRONMENT`. */
export class EnvironmentError extends Error {}
