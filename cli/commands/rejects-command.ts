import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { listRejects } from '../../ingest/list-rejects.js';
import type { RejectKind } from '../../db/schema.js';
import { formatTable } from '../format-table.js';
import { dbOption, UsageError } from '../options.js';

interface RejectsCommandOptions {
  db: string;
  run?: string;
  kind?: RejectKind;
  limit: string;
  json?: boolean;
}

export function rejectsCommand(): Command {
  return new Command('rejects')
    .description('List rejected records, rejected messages and warnings, with file, line, reason and raw text')
    .addOption(dbOption())
    .option('--run <n>', 'only this ingest run (default: every run)')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['record', 'message', 'warning']))
    .option('--limit <n>', 'at most this many rows', '1000')
    .option('--json', 'JSON Lines on stdout, raw text in full')
    .action(async (options: RejectsCommandOptions) => {
      const runId = options.run === undefined ? undefined : Number(options.run);
      if (runId !== undefined && (!Number.isInteger(runId) || runId < 1)) throw new UsageError(`--run must be a run number, got "${options.run}"`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got "${options.limit}"`);
      const handle = await openLocation(parseDatabaseLocation(options.db));
      try {
        const rows = await listRejects(handle.db, { runId, kind: options.kind, limit });
        if (options.json) {
          for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('no rejects\n');
          return;
        }
        process.stdout.write(
          `${formatTable(
            ['run', 'kind', 'file', 'line', 'reason', 'raw'],
            rows.map((r) => [r.run_id, r.kind, r.path, r.line, r.reason, oneLine(r.raw, 60)]),
          )}\n`,
        );
      } finally {
        await handle.close();
      }
    });
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
