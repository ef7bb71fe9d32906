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
// StackFAQ part) or `node dist/bench/faq-demo.js` (`DEMO_SEED=2` for another demo, `DEMO_DAYS` for its length,
// `DEMO_END=2027-01-15` for its last day); needs
// nothing from ../shared.
const CLI = resolve('dist/cli/main.js');
const DAY = 86_400_000;
const days = Number(process.env.DEMO_DAYS ?? 90);
const seed = Number(process.env.DEMO_SEED ?? 1);
const folder = mkdtempSync(join(tmpdir(), 'supportlens-faq-demo-'));
try {
  const end = new Date(process.env.DEMO_END ? `${process.env.DEMO_END}T00:00:00Z` : Date.UTC(2026, 11, 6));
  const demo = generateDemoData({ outDir: join(folder, 'demo'), days, seed, endDate: end });
  const db = join(folder, 'demo.db');
  const run = (...args: string[]): string => {
    const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`supportlens ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  console.log(`machine: ${describeMachine()}`);
  console.log(`demo: ${days} days, seed ${seed}, ${demo.conversations} conversations, ${demo.messages} messages`);
  run('ingest', '--db', db, '--quiet', join(folder, 'demo'));
  const started = performance.now();
  const summary = JSON.parse(run('analyze', '--db', db, '--json')) as { analyses: Record<string, Record<string, number>> };
  const seconds = (performance.now() - started) / 1000;
  const step = (name: string): string => `${((summary.analyses[name]?.durationMs ?? 0) / 1000).toFixed(1)} s`;
  console.log(
    `analyze: ${seconds.toFixed(1)} s wall (response times ${step('responseTimes')}, topics ${step('topics')}, FAQ ${step('faq')}); covered threshold ${summary.analyses.faq?.coveredThreshold}`,
  );
  const lastDay = end.getTime() + DAY;
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
    console.log(
      `\n${windowDays}-day report: ${report.findings.length} findings, ${expected.length} planted; precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}`,
    );
    console.log(`  found and planted: ${result.truePositives.join('; ')}`);
    console.log(`  reported, not planted (or repeated): ${result.falsePositives.join('; ') || 'none'}`);
    console.log(`  planted, not reported: ${result.missed.join('; ') || 'none'}`);
  }
} finally {
  if (process.env.KEEP) console.log(`kept ${folder}`);
  else rmSync(folder, { recursive: true, force: true });
}
