import { expect, test } from 'vitest';
import { findFirstOccurrences } from '../../../analysis/topics/repeated-questions.js';
import { runPrepareJob } from '../../../analysis/topics/topic-jobs.js';

test('each question points to the first identical one; an e-mail subject is part of the question, a chat one is not', () => {
  const first = findFirstOccurrences({
    channels: ['chat', 'chat', 'email', 'email', 'email', 'chat', 'chat'],
    subjects: [null, null, 'Withdrawal', 'Deposit', 'Withdrawal', 'ignored', null],
    bodies: ['hi', 'where is my card?', 'still pending', 'still pending', 'still pending', 'hi', 'where is my card?'],
  });
  expect([...first]).toEqual([0, 1, 2, 3, 2, 0, 1]);
});

test('a chunk known to be distinct is prepared the same without looking for repeats', () => {
  const bodies = ['my USDT withdrawal is pending', '提现一直没到账', 'reset 2FA please', 'card 4111 1111 1111 1111 declined', 'hi'];
  const sources = { channels: bodies.map((_, i) => (i === 2 ? 'email' : 'chat')), subjects: bodies.map((_, i) => (i === 2 ? 'Help' : null)), bodies };
  expect(runPrepareJob(sources, { distinct: true })).toEqual(runPrepareJob(sources));
  // With repeats (what the option skips looking for), the second "hi" points to the first.
  const repeated = { channels: ['chat', 'chat', 'chat'], subjects: [null, null, null], bodies: ['hi', 'card?', 'hi'] };
  expect([...runPrepareJob(repeated).sameAs]).toEqual([-1, -1, 0]);
});
