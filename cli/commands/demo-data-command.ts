import { Command } from 'commander';
import { generateDemoData } from '../demo/generate-demo-data.js';
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
      const endDate = options.end === undefined ? undefined : parseEndDay(options.end);
      const summary = generateDemoData({ outDir: options.out, days, seed, endDate });
      process.stdout.write(
        `wrote ${summary.files.length} files to ${options.out}: ${summary.conversations} conversations, ${summary.messages} messages; volatility days ${summary.spikeDays.join(', ')}\n`,
      );
    });
}

/** A calendar day as UTC midnight; a day that does not exist (2026-02-30) is refused rather than rolled over. */
function parseEndDay(text: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text) throw new UsageError(`--end must be a day as YYYY-MM-DD, got "${text}"`);
  return date;
}
