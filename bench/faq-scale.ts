import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { hostname, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../analysis/faq/faq-matching-config.js';
import { rankDistinctQuestions } from '../analysis/faq/rank-distinct-questions.js';
import { ANALYSIS_STEPS, runAnalysis } from '../cli/commands/analyze-command.js';
import { loadConfig } from '../cli/config.js';
import { openDatabase } from '../db/connection.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// FAQ matching at scale: distinct generated questions (English and Chinese) ranked against generated entries, as
// `analyze` does once per distinct question text, in the calling thread and in worker threads (WORKERS, default 2).
// Wall and CPU time are printed with the load average: the machine is shared, so wall time alone says little.
// Run with `npm run bench:faq-scale` (QUESTIONS, ENTRIES to change).
// MODE=analyze measures the whole of `analyze` instead (every step, as the command runs them: response-time facts,
// topics, FAQ, alerts) on a database seeded as bench:topics-scale seeds it (QUESTIONS conversations, each a customer
// question and an agent reply) plus ENTRIES generated FAQ entries, in a child process of its own: wall and CPU
// seconds of each step (CPU over all threads), the process's peak memory, and analyze's time with the FAQ step
// against its time without it (the issue's floor: the FAQ step must not more than double analyze).
const self = fileURLToPath(import.meta.url);
const questionCount = Number(process.env.QUESTIONS ?? 100_000);
const entryCount = Number(process.env.ENTRIES ?? 1_000);
const workers = Number(process.env.WORKERS ?? 2);
const generatedEntries = (): { title: string; body: string }[] =>
  generateQuestions(entryCount, 9).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` }));
const loadText = (): string =>
  loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ');

/** Times one step: wall and CPU seconds (all threads of the process). */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Every step of `analyze` on a seeded database with entries added; one JSON line out. */
async function analyseSteps(path: string): Promise<void> {
  const handle = await openDatabase({ path });
  const { db } = handle;
  await db.transaction().execute(async (trx) => {
    for (const [i, entry] of generatedEntries().entries()) {
      const { id } = await trx
        .insertInto('faq_entries')
        .values({ external_id: `entry-${i}`, current_version: 1, first_run_id: 1, last_run_id: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('faq_entry_versions')
        .values({
          entry_id: id,
          version: 1,
          title: entry.title,
          body: entry.body,
          updated_at: 0,
          content_hash: `h${i}`,
          source_path: `entry-${i}.md`,
          run_id: 1,
        })
        .execute();
    }
  });
  // Each step timed as `analyze` runs it, in one recorded run; the result of each step is its summary counts.
  const steps: StepTiming[] = [];
  const timedSteps = ANALYSIS_STEPS.map((step) => ({
    name: step.name,
    run: async (...args: Parameters<typeof step.run>) => {
      const load = loadText();
      const { result, seconds, cpuSeconds } = await timed(() => step.run(...args));
      steps.push({ name: step.name, seconds, cpuSeconds, load, result });
      return result;
    },
  }));
  const summary = await runAnalysis(handle, await loadConfig(), timedSteps);
  await handle.close();
  if (summary.status !== 'succeeded') throw new Error(`analyze failed: ${summary.error}`);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ steps, loadAfter: loadText(), maxRssMb })}\n`);
}

interface StepTiming {
  name: string;
  seconds: number;
  cpuSeconds: number;
  load: string;
  result: Record<string, number>;
}

async function measureAnalyze(): Promise<void> {
  const outDir = join(resolve(self, '../../..'), 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `faq-analyze-${questionCount}.db`);
  const texts = join(outDir, `faq-analyze-${questionCount}.txt`);
  const seeder = join(resolve(self, '..'), 'topics-scale.js');
  execFileSync(process.execPath, [seeder, '--seed', path, String(questionCount), texts], { stdio: 'inherit' });
  rmSync(texts, { force: true });
  const output = execFileSync(process.execPath, [self, '--analyse-steps', path], { encoding: 'utf8', maxBuffer: 2 ** 24 });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const measured = JSON.parse(output.trim().split('\n').pop()!) as { steps: StepTiming[]; loadAfter: string; maxRssMb: number };
  for (const step of measured.steps) {
    const counts = Object.entries(step.result)
      .filter(([key]) => key !== 'durationMs')
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    console.log(`${step.name} step: ${step.seconds.toFixed(1)} s wall, ${step.cpuSeconds.toFixed(1)} CPU s (${counts}; load before ${step.load})`);
  }
  const sum = (pick: (step: StepTiming) => number, keep: (step: StepTiming) => boolean = () => true): number =>
    measured.steps.filter(keep).reduce((total, step) => total + pick(step), 0);
  const withoutFaq = (step: StepTiming): boolean => step.name !== 'faq';
  const wall = sum((step) => step.seconds);
  const cpu = sum((step) => step.cpuSeconds);
  const wallWithout = sum((step) => step.seconds, withoutFaq);
  const cpuWithout = sum((step) => step.cpuSeconds, withoutFaq);
  console.log(
    `analyze: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU s; without the FAQ step ${wallWithout.toFixed(1)} s wall, ${cpuWithout.toFixed(1)} CPU s; ` +
      `with / without: wall ${(wall / wallWithout).toFixed(2)}x, CPU ${(cpu / cpuWithout).toFixed(2)}x (floor: at most 2x); peak memory ${measured.maxRssMb.toFixed(0)} MB; load after ${measured.loadAfter}`,
  );
}

async function measureRanking(): Promise<void> {
  const entries = generatedEntries();
  const distinct = [...new Set(generateQuestions(Math.ceil(questionCount * 1.6), 5).map((question) => question.body))].slice(0, questionCount);
  console.log(`${entries.length} entries, ${distinct.length} distinct questions`);
  for (const threads of [0, workers]) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const { rankings, threads: used } = await rankDistinctQuestions(entries, DEFAULT_FAQ_MATCHING_CONFIG, distinct, { workers: threads, parallelFrom: 1 });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const covered = rankings.filter((ranking) => (ranking.best?.score ?? 0) >= 0.4).length;
    console.log(
      `${used === 0 ? 'calling thread' : `${used} worker threads`}: ${(ms / 1000).toFixed(1)} s (${(ms / distinct.length).toFixed(3)} ms per question, index build included); ${covered} at 0.40 or more; ` +
        `about ${(((ms / distinct.length) * 666_000) / 1000).toFixed(0)} s for the 666,000 distinct texts of 1,000,000 questions; ` +
        `CPU ${cpuSeconds.toFixed(1)} s over all threads (${((cpuSeconds * 1000) / distinct.length).toFixed(3)} ms per question); load average ${loadText()}`,
    );
  }
}

const [flag, path] = process.argv.slice(2);
if (flag === '--analyse-steps') await analyseSteps(path!);
else {
  console.log(`machine: ${describeMachine()}`);
  if (process.env.MODE === 'analyze') await measureAnalyze();
  else await measureRanking();
}
