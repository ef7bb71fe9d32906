import { Command } from 'commander';
import { openDatabase } from '../../db/connection.js';
import { copyToPostgres } from '../../db/copy-to-postgres.js';
import { describeDatabaseLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { openPostgres } from '../../db/postgres-connection.js';
import { UsageError } from '../options.js';

interface CopyDatabaseOptions {
  from: string;
  to: string;
}

/** `supportlens copy-database`: a SQLite file's whole history into an empty PostgreSQL database. */
export function copyDatabaseCommand(): Command {
  return new Command('copy-database')
    .description('Copy everything in a SQLite file into an empty PostgreSQL database (for a team moving to PostgreSQL)')
    .requiredOption('--from <file>', 'the SQLite database file')
    .requiredOption('--to <url>', 'postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass)')
    .addHelpText(
      'after',
      `
Both databases are first brought to this version's schema. Every table is copied with COPY inside one PostgreSQL
transaction: when anything fails, the PostgreSQL database is left as it was. It must hold no data yet.`,
    )
    .action(async (options: CopyDatabaseOptions) => {
      const from = parseDatabaseLocation(options.from);
      const to = parseDatabaseLocation(options.to);
      if (from.engine !== 'sqlite') throw new UsageError('--from: give a SQLite database file');
      if (to.engine !== 'postgres') throw new UsageError('--to: give a postgres:// URL');
      const source = await openDatabase({ path: from.path });
      try {
        const target = await openPostgres({ url: to.url });
        try {
          const started = Date.now();
          const copied = await copyToPostgres(source.sqlite, target.pool, {
            onTable: ({ table, rows }) => process.stderr.write(`${table}: ${rows} rows\n`),
          });
          const rows = copied.reduce((sum, table) => sum + table.rows, 0);
          process.stdout.write(
            `copied ${rows} rows in ${copied.length} tables from ${from.path} to ${describeDatabaseLocation(to)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
          );
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}
