import { expect, test } from 'vitest';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';

// The sources run (no build): topics-worker.ts starts as a real thread through the tests' type-stripping hooks.
test('the analysis runs in worker threads and leaves the event loop free', async () => {
  const questions = generateQuestions(3000, 21);
  let longestGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 10);
  const analysis = await analyzeTopics(
    {
      keys: questions.map((_, i) => i),
      channels: questions.map((q) => q.channel),
      subjects: questions.map((q) => q.subject),
      bodies: questions.map((q) => q.body),
    },
    { ...DEFAULT_TOPICS_CONFIG, workers: 2 },
  );
  clearInterval(timer);
  longestGap = Math.max(longestGap, performance.now() - last);
  expect(analysis.workers).toBe(2);
  expect(analysis.topics.length).toBeGreaterThan(5);
  // Fitting alone takes seconds; inline, the timer would stall that long.
  expect(longestGap).toBeLessThan(1000);
});

test('worker threads give exactly what the calling thread gives, repeated questions included', async () => {
  const generated = generateQuestions(400, 22);
  // Every question twice, far apart: the repeats are found across the whole set, not only within a chunk.
  const questions = [...generated, ...generated];
  const input = {
    keys: questions.map((_, i) => i),
    channels: questions.map((q) => q.channel),
    subjects: questions.map((q) => q.subject),
    bodies: questions.map((q) => q.body),
  };
  const threads = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers: 2 });
  const inline = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers: 0 });
  expect(threads.workers).toBe(2);
  expect(inline.workers).toBe(0);
  expect(threads.texts).toEqual(inline.texts);
  expect(threads.languages).toEqual(inline.languages);
  expect([...threads.assignment]).toEqual([...inline.assignment]);
  expect([...threads.similarity]).toEqual([...inline.similarity]);
  expect(threads.topics).toEqual(inline.topics);
  expect([...threads.assignment.subarray(400)]).toEqual([...threads.assignment.subarray(0, 400)]);
});

function sourcesOf(questions: ReturnType<typeof generateQuestions>) {
  return {
    keys: questions.map((_, i) => i),
    channels: questions.map((q) => q.channel),
    subjects: questions.map((q) => q.subject),
    bodies: questions.map((q) => q.body),
  };
}

test('redacted questions are handed over in order as their chunks are prepared, and the messages are released', async () => {
  const generated = generateQuestions(1500, 23);
  // Repeats near and far, so that a question's first occurrence can sit in an earlier chunk than its own place.
  const questions = [...generated, ...generated.slice(0, 700), ...generated.slice(200, 900).reverse()];
  const calls: { from: number; to: number; texts: string[]; languages: string[] }[] = [];
  const sources = sourcesOf(questions);
  const analysis = await analyzeTopics(
    sources,
    { ...DEFAULT_TOPICS_CONFIG, workers: 2 },
    {
      chunkSize: 100,
      releaseSources: true,
      onQuestionsReady: async (texts, languages, from, to) => {
        calls.push({ from, to, texts: texts.slice(from, to), languages: languages.slice(from, to) });
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    },
  );
  const inline = await analyzeTopics(sourcesOf(questions), { ...DEFAULT_TOPICS_CONFIG, workers: 0 });
  // Ranges follow each other from the first question to the last; the texts were final when handed over.
  expect(calls.length).toBeGreaterThan(5);
  expect(calls.map((call) => call.from)).toEqual([0, ...calls.slice(0, -1).map((call) => call.to)]);
  expect(calls.at(-1)!.to).toBe(questions.length);
  expect(calls.flatMap((call) => call.texts)).toEqual(inline.texts);
  expect(calls.flatMap((call) => call.languages)).toEqual(inline.languages);
  expect(analysis.texts).toEqual(inline.texts);
  expect([...analysis.assignment]).toEqual([...inline.assignment]);
  expect(analysis.topics).toEqual(inline.topics);
  expect(sources.bodies).toEqual([]);
  expect(sources.keys).toHaveLength(questions.length);
});

test('a failed hand-over fails the analysis once it has stopped, without an unhandled rejection', async () => {
  const questions = generateQuestions(600, 24);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    let calls = 0;
    await expect(
      analyzeTopics(
        sourcesOf(questions),
        { ...DEFAULT_TOPICS_CONFIG, workers: 2 },
        {
          chunkSize: 50,
          onQuestionsReady: () => {
            calls++;
            if (calls === 2) throw new Error('disk full');
          },
        },
      ),
    ).rejects.toThrow('disk full');
    // Nothing was handed over after the failure.
    expect(calls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
