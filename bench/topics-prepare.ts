import { createHash } from 'node:crypto';
import { runPrepareJob, type QuestionSources } from '../analysis/topics/topic-jobs.js';
import { describeMachine } from './bench-machine.js';
import { generateQuestions } from './synthetic-questions.js';

// Preparing a question (quoted text and signature removed, NFKC, redaction, language, terms, word hashes, character
// segments) is most of the CPU of assigning a million questions to topics (bench:topics-scale). This times it alone,
// in one thread, on the distinct questions bench:topics-scale generates (the same generator, seeds and chunks of
// 50,000), and prints a digest of everything prepared: a change meant only to be faster must leave it as it was.
// BENCH_QUESTIONS (default 300,000) distinct questions, in chunks of 25,000 as the topic workers take them; ROUNDS
// (default 3) passes, the first one warming up. Run with `npm run bench:topics-prepare`.
const QUESTIONS = Number(process.env['BENCH_QUESTIONS'] ?? 300_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const CHUNK = 25_000;

function distinctQuestions(count: number): QuestionSources {
  const sources: QuestionSources = { channels: [], subjects: [], bodies: [] };
  const seen = new Set<string>();
  for (let offset = 0; sources.bodies.length < count; offset += 50_000) {
    for (const question of generateQuestions(50_000, 1000 + offset / 50_000)) {
      const key = question.channel === 'email' ? `${question.subject ?? ''}\u0000${question.body}` : question.body;
      if (seen.has(key) || sources.bodies.length === count) continue;
      seen.add(key);
      sources.channels.push(question.channel);
      sources.subjects.push(question.subject);
      sources.bodies.push(question.body);
    }
  }
  return sources;
}

const sources = distinctQuestions(QUESTIONS);
console.log(`machine: ${describeMachine()}`);
console.log(`${QUESTIONS.toLocaleString('en-US')} distinct generated questions, chunks of ${CHUNK.toLocaleString('en-US')}`);
for (let round = 1; round <= ROUNDS; round++) {
  const digest = createHash('sha256');
  const started = performance.now();
  for (let start = 0; start < QUESTIONS; start += CHUNK) {
    const end = Math.min(QUESTIONS, start + CHUNK);
    const chunk = runPrepareJob(
      { channels: sources.channels.slice(start, end), subjects: sources.subjects.slice(start, end), bodies: sources.bodies.slice(start, end) },
      { distinct: true },
    );
    digest.update(chunk.texts.join('\n')).update(chunk.languages.join(',')).update(chunk.segments.join('\n'));
    for (const values of [chunk.wordOffsets, chunk.words, chunk.segmentOffsets, chunk.segmentIds])
      digest.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const ms = performance.now() - started;
  console.log(
    `round ${round}${round === 1 ? ' (warm-up)' : ''}: ${(ms / 1000).toFixed(2)} s, ${((1000 * ms) / QUESTIONS).toFixed(2)} µs per question; digest ${digest.digest('hex').slice(0, 16)}`,
  );
}
