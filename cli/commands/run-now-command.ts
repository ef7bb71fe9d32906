import { Command } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { loadConfig } from '../config.js';
import { dbOption } from '../options.js';
import { runTick, type TickResult } from '../schedule/run-tick.js';

interface RunNowCommandOptions {
  db: string;
  config?: string;
  json?: boolean;
}

/** `supportlens run-now`: one tick of the schedule by hand, recorded with trigger `manual`. */
export function runNowCommand(): Command {
  return new Command('run-now')
    .description('Run the scheduled job once now: ingest the new inbox files, then analyse (recorded in job_runs)')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Takes the same lock as "supportlens schedule": if a run is in progress elsewhere, this one is recorded as skipped.
A failed attempt is retried as configured (schedule.retries, schedule.retryDelay). Ctrl-C stops further retries;
a second Ctrl-C also stops the ingest (the unfinished file is rolled back).
Exit codes: 0 succeeded, 1 failed, skipped, interrupted or some files unreadable, 2 bad arguments or configuration.`,
    )
    .action(async (options: RunNowCommandOptions) => {
      const config = await loadConfig(options.config);
      const handle = await openLocation(parseDatabaseLocation(options.db));
      const stopRetrying = new AbortController();
      const abortWork = new AbortController();
      const onSignal = (): void => {
        if (stopRetrying.signal.aborted) abortWork.abort();
        else {
          stopRetrying.abort();
          process.stderr.write('supportlens: stopping after the current attempt (again to stop now)\n');
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result: TickResult;
      try {
        result = await runTick(handle, config, {
          trigger: 'manual',
          stopRetrying: stopRetrying.signal,
          signal: abortWork.signal,
          log: options.json ? undefined : (line) => process.stdout.write(`${line}\n`),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await handle.close();
      }
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = result.status === 'succeeded' ? 0 : 1;
    });
}
