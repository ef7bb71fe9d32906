/** What keeps a database from being used; each comes with what to do about it. */
export type DatabaseProblem = 'read-only' | 'unfinished-write' | 'not-a-database' | 'newer-version' | 'cannot-open' | 'disk-full' | 'io' | 'busy';

/**
 * A database this process cannot use as it is (a file it may not write, a damaged file, one made by a newer
 * version, a full disk): the environment's fault, not a bug. The message is one line that says what to do.
 */
export class DatabaseError extends Error {
  constructor(
    readonly problem: DatabaseProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The `DatabaseError` for a SQLite error code (`SQLITE_READONLY`, `SQLITE_NOTADB`, ...), or undefined for an error
 * that is not about the database file or disk (a constraint, a bad statement: those are bugs).
 *
 * @example
 * databaseErrorFrom(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), 'x.db')?.problem; // 'not-a-database'
 */
export function databaseErrorFrom(error: unknown, path?: string): DatabaseError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const file = path === undefined ? 'the database' : `the database ${path}`;
  const said = (error as Error).message;
  const make = (problem: DatabaseProblem, message: string): DatabaseError => new DatabaseError(problem, message, { cause: error });
  if (code === 'SQLITE_READONLY_ROLLBACK' || code === 'SQLITE_READONLY_RECOVERY') {
    return make('unfinished-write', unfinishedWriteMessage(file));
  }
  if (code.startsWith('SQLITE_READONLY')) return make('read-only', readOnlyMessage(file, said));
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return make('not-a-database', `${file} is damaged or not a supportlens database (${said}): restore it from a backup or give another --db`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return make('cannot-open', `cannot open ${file} (${said}): check that its folder exists and that this user may read and write both`);
  }
  if (code === 'SQLITE_FULL')
    return make('disk-full', `the disk holding ${file} is full: free some space and run the command again (the unfinished work was rolled back)`);
  if (code.startsWith('SQLITE_IOERR')) return make('io', `reading or writing ${file} failed (${said}, ${code}): check the disk, then run the command again`);
  if (code.startsWith('SQLITE_BUSY'))
    return make('busy', `${file} stayed locked by another process (${said}): run the command again when that one has finished`);
  return undefined;
}

export function readOnlyMessage(file: string, detail: string): string {
  return `${file} cannot be written (${detail}): make the file and its folder writable for this user, or give another --db`;
}

export function unfinishedWriteMessage(file: string): string {
  return `${file} holds an unfinished write of a process that ended, which this user cannot roll back: run any supportlens command that writes (such as "supportlens analyze") as a user who may write the file and its folder`;
}
