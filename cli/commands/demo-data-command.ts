import { Command } from 'commander';
import { generateDemoData } from '../demo/generate-demo-data.js';
import { isIsoDate } from '../config.js';
import { UsageError } from '../options.js';

export function demoDataCommand(): Command {
  return new Command('demo-data')
    .description("Write realistic demo logs of a crypto exchange's support (chat, email, social; English and Chinese) and an FAQ folder")
    .requiredOption('--out <dir>', 'folder to write into (inbox/ and faq/ inside)')
    .option('--days <n>', 'days of data, ending today (or on --end)', '90')
    .option('--end <YYYY-MM-DD>', 'the last day of data (UTC); default: today')
    .option('--seed <n>', 'random seed: the same seed gives the same files', '1')
    .action((options: { out: string; days: string; seed: string; end?: string }) => {
      const days = Number(options.days);
      const seed = Number(options.seed);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number from 1 to 3650, got "${options.days}"`);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${options.seed}"`);
      if (options.end !== undefined && !isIsoDate(options.end)) throw new UsageError(`--end: "${options.end}" is not a date (YYYY-MM-DD)`);
      const endDate = options.end === undefined ? undefined : new Date(`${options.end}T00:00:00Z`);
      const summary = generateDemoData({ outDir: options.out, days, seed, endDate });
      process.stdout.write(
        `wrote ${summary.files.length} files to ${options.out}: ${summary.conversations} conversations, ${summary.messages} messages; volatility days ${summary.spikeDays.join(', ')}\n`,
      );
    });
}
