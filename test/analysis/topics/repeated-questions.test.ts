import { expect, test } from 'vitest';
import { findFirstOccurrences } from '../../../analysis/topics/repeated-questions.js';

test('each question points to the first identical one; an e-mail subject is part of the question, a chat one is not', () => {
  const first = findFirstOccurrences({
    channels: ['chat', 'chat', 'email', 'email', 'email', 'chat', 'chat'],
    subjects: [null, null, 'Withdrawal', 'Deposit', 'Withdrawal', 'ignored', null],
    bodies: ['hi', 'where is my card?', 'still pending', 'still pending', 'still pending', 'hi', 'where is my card?'],
  });
  expect([...first]).toEqual([0, 1, 2, 3, 2, 0, 1]);
});
