import type { QuestionSources } from './topic-jobs.js';

/**
 * For each question, the index of the first question identical to it (its own index when it is the first). Support
 * questions repeat ("hi", "withdrawal pending", a pasted template): each distinct one is prepared and assigned once.
 * Two questions are identical when their bodies are, and for e-mail their subjects too (the subject is part of an
 * e-mail's question, not of a chat's).
 *
 * @example
 * findFirstOccurrences({ channels: ['chat', 'chat', 'chat'], subjects: [null, null, null], bodies: ['hi', 'card?', 'hi'] })
 * // Int32Array [0, 1, 0]
 */
export function findFirstOccurrences(sources: QuestionSources): Int32Array {
  const count = sources.bodies.length;
  const first = new Int32Array(count);
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const body = sources.bodies[i]!;
    const key = sources.channels[i] === 'email' ? `${sources.subjects[i] ?? ''}\u0000${body}` : body;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, i);
      first[i] = i;
    } else first[i] = earlier;
  }
  return first;
}
