import { resolve } from 'node:path';
import { Command } from 'commander';
import { describeDatabaseLocation, openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { loadConfig } from '../config.js';
import { dbOption } from '../options.js';
import { startSchedule } from '../schedule/start-schedule.js';

interface ScheduleCommandOptions {
  db: string;
  config?: string;
}

/** `supportlens schedule`: runs the nightly job on the configured cron expression until SIGINT or SIGTERM. */
export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('Run the job (new inbox files -> ingest -> analyse) on the configured schedule, until stopped')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .addHelpText(
      'after',
      `
The "schedule" section of the configuration sets cron (default "0 2 * * *"), timeZone (default the reporting time
zone), inbox (default ./inbox), sourceTimeZone, retries and retryDelay. Every attempt is recorded in job_runs.
SIGINT or SIGTERM: no new tick, the current attempt finishes, then the process exits; a second signal also stops
the ingest (the unfinished file is rolled back and taken again next time).`,
    )
    .action(async (options: ScheduleCommandOptions) => {
      const config = await loadConfig(options.config);
      const location = parseDatabaseLocation(options.db);
      const handle = await openLocation(location);
      const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const schedule = startSchedule(handle, config, { log });
      const { cron, timeZone, inbox } = config.schedule;
      log(
        `schedule "${cron}" in ${timeZone}; inbox ${resolve(inbox)}; database ${location.engine === 'sqlite' ? resolve(location.path) : describeDatabaseLocation(location)}; next run ${schedule.nextRun()?.toISOString() ?? 'never'}`,
      );
      let stopping: Promise<void> | undefined;
      await new Promise<void>((done) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          if (stopping) {
            log(`${signal} again: stopping the current run now`);
            schedule.abort();
            return;
          }
          log(`${signal}: waiting for the current run to finish`);
          stopping = schedule.stop().then(async () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            await handle.close();
            log('stopped');
            done();
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}
