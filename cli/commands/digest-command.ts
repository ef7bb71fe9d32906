import { Command, Option } from 'commander';
import { openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { buildDigest, digestWindow, DIGEST_PERIODS, type DigestPeriod } from '../../analysis/alerts/digest.js';
import { DIGEST_FORMATS, renderDigest, type DigestFormat } from '../../analysis/alerts/render-digest.js';
import { loadConfig } from '../config.js';
import { runDeliveries } from '../deliveries/run-deliveries.js';
import { dbOption, UsageError } from '../options.js';
import { acquireEngineJobLock } from '../../db/engine-job-lock.js';
import { NIGHTLY_JOB } from '../schedule/run-tick.js';

interface DigestCommandOptions {
  db: string;
  config?: string;
  period: DigestPeriod;
  asOf?: string;
  dryRun?: boolean;
  format: DigestFormat;
}

/** `supportlens digest`: prints a daily or weekly digest; without --dry-run also delivers it to the destinations. */
export function digestCommand(): Command {
  return new Command('digest')
    .description('Print the daily or weekly digest (and deliver it to the configured destinations unless --dry-run)')
    .addOption(dbOption())
    .option('--config <file>', 'configuration file (default ./supportlens.config.json if present)')
    .addOption(new Option('--period <period>', 'the digest period').choices([...DIGEST_PERIODS]).default('day'))
    .option('--as-of <date>', 'the day (YYYY-MM-DD, reporting time zone) whose day or week to digest (default: the last complete one)')
    .option('--dry-run', 'print only: send nothing, record nothing')
    .addOption(new Option('--format <format>', 'output format').choices([...DIGEST_FORMATS]).default('text'))
    .addHelpText(
      'after',
      `
A day is a local day of the reporting time zone; a week runs Monday to Sunday. Figures come from the latest
successful analysis. Without --dry-run the digest also goes to every destination in "deliveries" that takes this
period, claimed in the deliveries table first, so it is never sent twice (the nightly job sends the same digests).
Exit codes: 0 printed (and delivered, or nothing to deliver), 1 a delivery failed or another run holds the lock,
2 bad arguments or configuration.`,
    )
    .action(async (options: DigestCommandOptions) => {
      const config = await loadConfig(options.config);
      const zone = config.responseTimes.reportingTimeZone;
      if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf))
        throw new UsageError(`--as-of: "${options.asOf}" is not a date (YYYY-MM-DD)`);
      let window: ReturnType<typeof digestWindow>;
      try {
        window = digestWindow(options.period, { day: options.asOf }, zone);
      } catch (error) {
        throw new UsageError(`--as-of: ${(error as Error).message}`);
      }
      const handle = await openLocation(parseDatabaseLocation(options.db), { migrate: !options.dryRun });
      try {
        const digest = await buildDigest(handle.db, { window, responseTimes: config.responseTimes, dashboardUrl: config.deliveries.dashboardUrl });
        process.stdout.write(renderDigest(digest, options.format));
        if (options.dryRun || config.deliveries.destinations.every((destination) => !destination.digests.includes(options.period))) return;
        const acquired = await acquireEngineJobLock(handle, NIGHTLY_JOB);
        if (!acquired.acquired) {
          const holder = acquired.holder === undefined ? '' : ` (pid ${acquired.holder.holder_pid} on ${acquired.holder.holder_hostname})`;
          process.stderr.write(`supportlens: not delivered: the nightly job${holder} is running; try again later\n`);
          process.exitCode = 1;
          return;
        }
        try {
          const outcomes = await runDeliveries(handle, config, { digestOnly: window, log: (line) => process.stderr.write(`supportlens: ${line}\n`) });
          for (const outcome of outcomes)
            if (outcome.status === 'skipped')
              process.stderr.write(`supportlens: ${outcome.destination} ${outcome.kind} ${outcome.period}: already delivered (or in doubt), not sent again\n`);
          if (outcomes.some((outcome) => outcome.status === 'failed' || outcome.status === 'unknown')) process.exitCode = 1;
        } finally {
          await acquired.lock.release();
        }
      } finally {
        await handle.close();
      }
    });
}
