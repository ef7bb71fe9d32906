import { expect, test } from 'vitest';
import { createLatentProjectionKernel } from '../../../analysis/topics/latent-projection-kernel.js';
import { QuestionEmbedder } from '../../../analysis/topics/question-embedder.js';
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
