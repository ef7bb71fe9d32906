import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_GAP_VERDICT_OPTIONS } from '../analysis/faq/gap-verdicts.js';
import { generateDemoData } from '../cli/demo/generate-demo-data.js';
import { describeMachine } from './bench-machine.js';
import { comparePlantedFindings, plantedFindings, type ReportedFinding } from './planted-findings.js';

// The FAQ-gap report on the demo against what the generator planted: precision and recall of the findings of the
// 7-day and 30-day reports, and the time of `analyze` on the 90-day demo. Run with `npm run bench:faq` (after the
// StackFAQ part) or `node dist/bench/faq-demo.js`; needs nothing from ../shared. Other demos: `DEMO_SEEDS=1-10` (a
// range or a list), `DEMO_ENDS=2026-12-06,2027-03-20` (their last days), `DEMO_DAYS` (their length); with more than
// one, a line per report and a summary. `KEEP=1` keeps the folders.
const CLI = resolve('dist/cli/main.js');
const DAY = 86_400_000;
const days = Number(process.env.DEMO_DAYS ?? 90);
const seeds = parseSeeds(process.env.DEMO_SEEDS ?? '1');
const ends = (process.env.DEMO_ENDS ?? '2026-12-06').split(',').map((day) => new Date(`${day.trim()}T00:00:00Z`));
const verbose = seeds.length * ends.length === 1;

function parseSeeds(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [first, last] = part.split('-').map(Number);
    return last === undefined ? [first!] : Array.from({ length: last - first! + 1 }, (_, i) => first! + i);
  });
}

interface ReportResult {
  label: string;
  precision: number;
  recall: number;
  errors: string[];
}

async function runDemo(seed: number, end: Date): Promise<ReportResult[]> {
  const folder = mkdtempSync(join(tmpdir(), 'supportlens-faq-demo-'));
  try {
    const demo = generateDemoData({ outDir: join(folder, 'demo'), days, seed, endDate: end });
    const db = join(folder, 'demo.db');
    const run = (...args: string[]): string => {
      const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`supportlens ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    const name = `seed ${seed}, ${days} days to ${end.toISOString().slice(0, 10)}`;
    if (verbose) console.log(`demo: ${name}, ${demo.conversations} conversations, ${demo.messages} messages`);
    run('ingest', '--db', db, '--quiet', join(folder, 'demo'));
    const started = performance.now();
    const summary = JSON.parse(run('analyze', '--db', db, '--json')) as { analyses: Record<string, Record<string, number>> };
    const seconds = (performance.now() - started) / 1000;
    const step = (stepName: string): string => `${((summary.analyses[stepName]?.durationMs ?? 0) / 1000).toFixed(1)} s`;
    if (verbose) {
      console.log(
        `analyze: ${seconds.toFixed(1)} s wall (response times ${step('responseTimes')}, topics ${step('topics')}, FAQ ${step('faq')}); covered threshold ${summary.analyses.faq?.coveredThreshold}`,
      );
    }
    const lastDay = end.getTime() + DAY;
    const results: ReportResult[] = [];
    for (const windowDays of [7, 30]) {
      const from = lastDay - windowDays * DAY;
      const report = JSON.parse(
        run(
          'report',
          'faq-gaps',
          '--db',
          db,
          '--format',
          'json',
          '--from',
          new Date(from).toISOString().slice(0, 10),
          '--to',
          new Date(lastDay - DAY).toISOString().slice(0, 10),
        ),
      ) as { findings: ReportedFinding[] };
      const expected = plantedFindings(demo.truth, from, lastDay, DEFAULT_GAP_VERDICT_OPTIONS);
      const result = await comparePlantedFindings(db, { findings: report.findings, truth: demo.truth, window: { from, to: lastDay }, expected });
      const errors = [...result.falsePositives.map((finding) => `extra ${finding}`), ...result.missed.map((finding) => `missed ${finding}`)];
      results.push({ label: `${name}, ${windowDays}-day report`, precision: result.precision, recall: result.recall, errors });
      if (verbose) {
        console.log(
          `\n${windowDays}-day report: ${report.findings.length} findings, ${expected.length} planted; precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}`,
        );
        console.log(`  found and planted: ${result.truePositives.join('; ')}`);
        console.log(`  reported, not planted (or repeated): ${result.falsePositives.join('; ') || 'none'}`);
        console.log(`  planted, not reported: ${result.missed.join('; ') || 'none'}`);
      }
    }
    return results;
  } finally {
    if (process.env.KEEP) console.log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

if (!verbose) console.log(`machine: ${describeMachine()}`);
const all: ReportResult[] = [];
for (const end of ends) {
  for (const seed of seeds) {
    if (verbose) console.log(`machine: ${describeMachine()}`);
    const results = await runDemo(seed, end);
    all.push(...results);
    if (!verbose) {
      for (const result of results) {
        console.log(
          `${result.label}: precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}${result.errors.length > 0 ? ` (${result.errors.join('; ')})` : ''}`,
        );
      }
    }
  }
}
if (!verbose) {
  const exact = all.filter((result) => result.errors.length === 0).length;
  const mean = (pick: (result: ReportResult) => number): string => (all.reduce((sum, result) => sum + pick(result), 0) / all.length).toFixed(3);
  console.log(
    `\n${exact} of ${all.length} reports are exactly the planted findings; mean precision ${mean((r) => r.precision)}, mean recall ${mean((r) => r.recall)}`,
  );
}
