import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { hostname, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeFaqMatches } from '../analysis/faq/compute-faq-matches.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../analysis/faq/faq-matching-config.js';
import { rankDistinctQuestions } from '../analysis/faq/rank-distinct-questions.js';
import { computeTopics } from '../analysis/topics/compute-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../analysis/topics/topics-config.js';
import { openDatabase } from '../db/connection.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// FAQ matching at scale: distinct generated questions (English and Chinese) ranked against generated entries, as
// `analyze` does once per distinct question text, in the calling thread and in worker threads (WORKERS, default 2).
// Wall and CPU time are printed with the load average: the machine is shared, so wall time alone says little.
// Run with `npm run bench:faq-scale` (QUESTIONS, ENTRIES to change).
// MODE=analyze measures the two steps of `analyze` instead, topics then FAQ, on a database seeded as
// bench:topics-scale seeds it (QUESTIONS conversations) plus ENTRIES generated FAQ entries, in a child process of its
// own: wall and CPU seconds of each step (CPU over all threads) and the process's peak memory.
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

/** The topics step, then the FAQ step, on a seeded database with entries added; one JSON line out. */
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
  const run = await db
    .insertInto('analysis_runs')
    .values({ started_at: Date.now(), status: 'running', pid: process.pid, hostname: hostname() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const loadBefore = loadText();
  const topics = await timed(() => computeTopics(handle, DEFAULT_TOPICS_CONFIG, { analysisRunId: run.id }));
  const loadBetween = loadText();
  const faq = await timed(() => computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run.id, workers: DEFAULT_TOPICS_CONFIG.workers }));
  await handle.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ topics, faq, loadBefore, loadBetween, loadAfter: loadText(), maxRssMb })}\n`);
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
  const measured = JSON.parse(output.trim().split('\n').pop()!) as {
    topics: { seconds: number; cpuSeconds: number; result: { questions: number; topics: number } };
    faq: { seconds: number; cpuSeconds: number; result: { distinctQuestions: number; rankingThreads: number; covered: number } };
    loadBefore: string;
    loadBetween: string;
    loadAfter: string;
    maxRssMb: number;
  };
  const { topics, faq } = measured;
  console.log(
    `topics step: ${topics.seconds.toFixed(1)} s wall, ${topics.cpuSeconds.toFixed(1)} CPU s (${topics.result.questions} questions, ${topics.result.topics} topics; load before ${measured.loadBefore})`,
  );
  console.log(
    `FAQ step: ${faq.seconds.toFixed(1)} s wall, ${faq.cpuSeconds.toFixed(1)} CPU s (${faq.result.distinctQuestions} distinct questions, ${faq.result.rankingThreads} threads, ${faq.result.covered} covered; load before ${measured.loadBetween}, after ${measured.loadAfter})`,
  );
  console.log(
    `FAQ / topics: wall ${(faq.seconds / topics.seconds).toFixed(2)}x, CPU ${(faq.cpuSeconds / topics.cpuSeconds).toFixed(2)}x; peak memory ${measured.maxRssMb.toFixed(0)} MB`,
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
