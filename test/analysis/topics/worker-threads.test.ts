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
