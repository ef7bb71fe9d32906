import { buildFaqIndex } from '../analysis/faq/faq-index.js';
import { rankFaqEntries } from '../analysis/faq/rank-faq-entries.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// FAQ matching at scale: distinct generated questions (English and Chinese) ranked against generated entries, as
// `analyze` does once per distinct question text. Run with `npm run bench:faq-scale` (QUESTIONS, ENTRIES to change).
const questionCount = Number(process.env.QUESTIONS ?? 100_000);
const entryCount = Number(process.env.ENTRIES ?? 1_000);
console.log(`machine: ${describeMachine()}`);
const entries = generateQuestions(entryCount, 9).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` }));
let started = performance.now();
const index = buildFaqIndex(entries);
const indexMs = performance.now() - started;
const distinct = [...new Set(generateQuestions(Math.ceil(questionCount * 1.6), 5).map((question) => question.body))].slice(0, questionCount);
started = performance.now();
let covered = 0;
for (const text of distinct) if ((rankFaqEntries(index, text, { limit: 10 })[0]?.score ?? 0) >= 0.4) covered++;
const rankMs = performance.now() - started;
console.log(`${entries.length} entries indexed in ${(indexMs / 1000).toFixed(1)} s; ${distinct.length} distinct questions ranked in ${(rankMs / 1000).toFixed(1)} s (${(rankMs / distinct.length).toFixed(3)} ms each, one thread); ${covered} at 0.40 or more`);
console.log(`1,000,000 generated questions hold about 666,000 distinct texts: about ${((rankMs / distinct.length) * 666_000 / 1000).toFixed(0)} s at this rate`);
