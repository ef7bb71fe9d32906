import { expect, test } from 'vitest';
import { createLatentProjectionKernel } from '../../../analysis/topics/latent-projection-kernel.js';
import { QuestionEmbedder } from '../../../analysis/topics/question-embedder.js';
import { extractQuestionFeatures, questionSegments } from '../../../analysis/topics/question-features.js';
import { createSeededRandom } from '../../../analysis/topics/seeded-random.js';
import type { TfidfVocabulary } from '../../../analysis/topics/tfidf-vectorizer.js';

function randomModel(columns: number, dimensions: number): { vocabulary: TfidfVocabulary; projection: Float32Array } {
  const random = createSeededRandom(9);
  const wordColumns = new Map<number, number>();
  const charColumns = new Map<number, number>();
  for (let column = 0; column < columns; column++) (column % 3 === 0 ? wordColumns : charColumns).set(1000 + column, column);
  const idf = Float32Array.from({ length: columns }, () => 1 + random.next() * 4);
  const projection = Float32Array.from({ length: columns * dimensions }, () => random.gaussian());
  return { vocabulary: { wordColumns, charColumns, idf, wordWeight: 1, charWeight: 0.7 }, projection };
}

test('the WebAssembly SIMD kernel compiles here', () => {
  expect(createLatentProjectionKernel(1024)).toBeDefined();
});

test.each([96, 13, 1])('the SIMD projection gives exactly the plain JavaScript vector (%i dimensions)', (dimensions) => {
  const { vocabulary, projection } = randomModel(500, dimensions);
  const space = { projection, dimensions };
  const simd = new QuestionEmbedder(vocabulary, space);
  const plain = new QuestionEmbedder(vocabulary, space, { simd: false });
  const random = createSeededRandom(4);
  for (let question = 0; question < 200; question++) {
    // Repeats (term frequency), hashes outside the vocabulary, and one question far longer than the buffers.
    const length = question === 7 ? 3000 : 1 + random.int(60);
    const words = Uint32Array.from({ length: 1 + random.int(12) }, () => 1000 + 3 * random.int(170));
    const chars = Uint32Array.from({ length }, () => (random.next() < 0.1 ? 7 : 1000 + random.int(500)));
    const expected = new Float32Array(dimensions);
    const actual = new Float32Array(dimensions);
    expect(simd.embed({ words, chars }, actual)).toBe(plain.embed({ words, chars }, expected));
    expect([...actual]).toEqual([...expected]);
  }
  expect(simd.embed({ words: Uint32Array.of(5), chars: Uint32Array.of(6) }, new Float32Array(dimensions))).toBe(false);
});

/** A model whose vocabulary holds the features of a few real questions (and leaves some n-grams out). */
function questionModel(dimensions: number): { vocabulary: TfidfVocabulary; space: { projection: Float32Array; dimensions: number } } {
  const random = createSeededRandom(11);
  const wordColumns = new Map<number, number>();
  const charColumns = new Map<number, number>();
  for (const text of SEGMENT_QUESTIONS) {
    const features = extractQuestionFeatures(text, 'en', text.split(' '));
    for (const hash of features.words) if (!wordColumns.has(hash) && random.next() < 0.9) wordColumns.set(hash, -1);
    for (const hash of features.chars) if (!charColumns.has(hash) && random.next() < 0.9) charColumns.set(hash, -1);
  }
  let column = 0;
  for (const columns of [wordColumns, charColumns]) for (const hash of columns.keys()) columns.set(hash, column++);
  const idf = Float32Array.from({ length: column }, () => 1 + random.next() * 4);
  const projection = Float32Array.from({ length: column * dimensions }, () => random.gaussian());
  return { vocabulary: { wordColumns, charColumns, idf, wordWeight: 1, charWeight: 0.7 }, space: { projection, dimensions } };
}

// Repeated n-grams inside a word (banana), across words (card, cards), repeated words, Han runs, digits, placeholders.
const SEGMENT_QUESTIONS = [
  'banana card cards card',
  'withdrawal pending since monday withdrawal',
  '提现 没到账 提现',
  'usdt trc20 提币 <WALLET> 手续费',
  'aaaa aa a',
  'x',
  '<EMAIL>',
];

test.each([96, 13])('segments give the n-gram hashes vector, up to rounding, SIMD and plain alike (%i dimensions)', (dimensions) => {
  const { vocabulary, space } = questionModel(dimensions);
  const reference = new QuestionEmbedder(vocabulary, space, { simd: false });
  const simd = new QuestionEmbedder(vocabulary, space);
  const plain = new QuestionEmbedder(vocabulary, space, { simd: false });
  const segments = [...new Set(SEGMENT_QUESTIONS.flatMap((text) => questionSegments(text)))];
  const simdSlots = simd.resolveSegments(segments);
  const plainSlots = plain.resolveSegments(segments);
  for (const text of SEGMENT_QUESTIONS) {
    const features = extractQuestionFeatures(text, 'en', text.split(' '));
    const ids = questionSegments(text).map((segment) => segments.indexOf(segment));
    const expected = new Float32Array(dimensions);
    const fromSimd = new Float32Array(dimensions);
    const fromPlain = new Float32Array(dimensions);
    const found = reference.embed(features, expected);
    expect(
      simd.embedPrepared(
        features.words,
        Int32Array.from(ids, (id) => simdSlots[id]!),
        fromSimd,
      ),
    ).toBe(found);
    expect(
      plain.embedPrepared(
        features.words,
        Int32Array.from(ids, (id) => plainSlots[id]!),
        fromPlain,
      ),
    ).toBe(found);
    expect([...fromSimd]).toEqual([...fromPlain]);
    for (let c = 0; c < dimensions; c++) expect(fromSimd[c]).toBeCloseTo(expected[c]!, 5);
  }
});

test('a segment gives the same vector whether its projection was kept from an earlier chunk or made for this one', () => {
  const { vocabulary, space } = questionModel(96);
  const warm = new QuestionEmbedder(vocabulary, space);
  warm.resolveSegments(['withdrawal', 'pending', 'card']);
  const cold = new QuestionEmbedder(vocabulary, space);
  const segments = questionSegments('card withdrawal pending monday');
  const warmSlots = warm.resolveSegments(segments);
  const coldSlots = cold.resolveSegments(segments);
  const words = extractQuestionFeatures('card withdrawal', 'en', ['card', 'withdrawal']).words;
  const fromWarm = new Float32Array(96);
  const fromCold = new Float32Array(96);
  expect(warm.embedPrepared(words, warmSlots, fromWarm)).toBe(true);
  expect(cold.embedPrepared(words, coldSlots, fromCold)).toBe(true);
  expect([...fromWarm]).toEqual([...fromCold]);
});
