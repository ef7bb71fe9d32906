import { createSeededRandom } from '../analysis/topics/seeded-random.js';

export interface IntentQuestionsOptions {
  /** Distinct intents (any number: each gets its own made-up key words). */
  intents: number;
  /** Questions written for each intent. */
  perIntent: number;
  seed?: number;
}

export interface IntentQuestions {
  texts: string[];
  /** The intent each question was written from (0 .. intents - 1). */
  intents: number[];
}

// An intent is one thing asked about one object ("card" + "charged twice"), as in banking77's card_arrival,
// transfer_fee ...: intents share their object or their kind of problem with other intents, and differ in the pair.
// Within an intent the wording varies only by what every intent's questions may carry (greetings, frames, details),
// so the intents are the finest structure in the data and their number is known.
const OBJECTS = [
  'card',
  'credit card',
  'transfer',
  'refund',
  'password',
  'PIN',
  'top up',
  'cash withdrawal',
  'deposit',
  'exchange rate',
  'virtual card',
  'direct debit',
  'savings account',
  'loan',
  'mortgage',
  'statement',
  'phone number',
  'email address',
  'home address',
  'crypto wallet',
  'stock order',
  'travel insurance',
  'cheque',
  'gift voucher',
  'subscription',
];
const PROBLEMS = [
  'my {o} has not arrived yet',
  'my {o} was declined',
  'why is there a fee on my {o}',
  'how do I cancel my {o}',
  'how long does a {o} take',
  'I was charged twice for the {o}',
  'what is the limit for a {o}',
  'my {o} stopped working',
  'how do I change my {o}',
  'my {o} was stolen',
  'how do I verify my {o}',
  'can I use my {o} abroad',
  'I do not recognise this {o}',
  'how do I get a new {o}',
  'the {o} shows the wrong amount',
];
const FRAMES = [
  '{q}',
  '{q}',
  'Hi, {q}',
  'Hello, {q}',
  'Hi team, {q}',
  '{q}, what should I do?',
  'I need help: {q}',
  'quick question, {q}',
  '{q}. Please help',
  '{q}!!',
  'Dear support, {q}. Thank you',
];
const DETAILS = ['', '', '', ' since yesterday', ' again', ' today', ' for the second time', ' this week', ' on the app', ' on my account'];

/** How many distinct intents the generator can make (objects x problems). */
export const MAX_SYNTHETIC_INTENTS = OBJECTS.length * PROBLEMS.length;

/**
 * Questions with a known number of intents, for testing how many topics are found: an intent pairs an object (25) with a
 * kind of problem (15), the pairs drawn at random without repeats, so intents overlap in words as real ones do;
 * greetings, frames and details shared by all intents vary the text.
 * Up to 375 intents; deterministic for a seed.
 *
 * @example
 * const { texts, intents } = generateIntentQuestions({ intents: 150, perIntent: 30 });
 */
export function generateIntentQuestions(options: IntentQuestionsOptions): IntentQuestions {
  if (options.intents > MAX_SYNTHETIC_INTENTS) throw new RangeError(`at most ${MAX_SYNTHETIC_INTENTS} intents`);
  const random = createSeededRandom(options.seed ?? 11);
  const pairs = Array.from({ length: MAX_SYNTHETIC_INTENTS }, (_, i) => i);
  for (let i = 0; i < options.intents; i++) {
    const j = i + random.int(pairs.length - i);
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  const texts: string[] = [];
  const intents: number[] = [];
  for (let i = 0; i < options.perIntent; i++) {
    for (let intent = 0; intent < options.intents; intent++) {
      const pair = pairs[intent]!;
      const question = PROBLEMS[Math.floor(pair / OBJECTS.length)]!.replace('{o}', OBJECTS[pair % OBJECTS.length]!);
      const detail = DETAILS[random.int(DETAILS.length)]!;
      texts.push(FRAMES[random.int(FRAMES.length)]!.replace('{q}', `${question}${detail}`));
      intents.push(intent);
    }
  }
  return { texts, intents };
}
