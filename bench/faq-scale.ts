import { loadavg } from 'node:os';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../analysis/faq/faq-matching-config.js';
import { rankDistinctQuestions } from '../analysis/faq/rank-distinct-questions.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// FAQ matching at scale: distinct generated questions (English and Chinese) ranked against generated entries, as
// `analyze` does once per distinct question text, in the calling thread and in worker threads (WORKERS, default 2).
// Wall and CPU time are printed with the load average: the machine is shared, so wall time alone says little.
// Run with `npm run bench:faq-scale` (QUESTIONS, ENTRIES to change).
const questionCount = Number(process.env.QUESTIONS ?? 100_000);
const entryCount = Number(process.env.ENTRIES ?? 1_000);
const workers = Number(process.env.WORKERS ?? 2);
console.log(`machine: ${describeMachine()}`);
const entries = generateQuestions(entryCount, 9).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` }));
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
      `CPU ${cpuSeconds.toFixed(1)} s over all threads (${((cpuSeconds * 1000) / distinct.length).toFixed(3)} ms per question); load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' / ')}`,
  );
}
