import type { LatentSpace } from './latent-space.js';
import { createLatentProjectionKernel, KERNEL_BLOCK, type LatentProjectionKernel } from './latent-projection-kernel.js';
import type { QuestionFeatures } from './question-features.js';
import type { TfidfVocabulary } from './tfidf-vectorizer.js';

/**
 * TF-IDF weighting and LSA projection fused, with buffers reused from question to question: what assigning a
 * million questions needs (the same arithmetic as `vectorizeFeatures` then `embedRow`, without the garbage).
 */
export class QuestionEmbedder {
  private readonly accumulator: Float64Array;
  private columns = new Int32Array(256);
  private weights = new Float64Array(256);
  private sorted = new Uint32Array(256);

  private readonly wordTable: HashTable;
  private readonly charTable: HashTable;
  private readonly simd: SimdProjection | undefined;

  /** `options.simd` false keeps the projection in plain JavaScript (the same results, slower). */
  constructor(
    private readonly vocabulary: TfidfVocabulary,
    private readonly space: LatentSpace,
    options: { simd?: boolean } = {},
  ) {
    this.accumulator = new Float64Array(Math.max(space.dimensions, 1));
    this.wordTable = new HashTable(vocabulary.wordColumns);
    this.charTable = new HashTable(vocabulary.charColumns);
    this.simd = options.simd === false || space.dimensions === 0 ? undefined : SimdProjection.create(space, vocabulary.idf.length);
  }

  /** Writes the unit latent vector into `out`; returns false when no feature is in the vocabulary. */
  embed(features: QuestionFeatures, out: Float32Array): boolean {
    const d = this.space.dimensions;
    const total = features.words.length + features.chars.length;
    if (this.columns.length < total) {
      this.columns = new Int32Array(total * 2);
      this.weights = new Float64Array(total * 2);
      this.sorted = new Uint32Array(total * 2);
    }
    const wordCount = this.appendBlock(features.words, this.wordTable, 0);
    const wordNorm = this.blockNorm(0, wordCount);
    const charCount = this.appendBlock(features.chars, this.charTable, wordCount);
    const charNorm = this.blockNorm(wordCount, wordCount + charCount);
    const used = wordCount + charCount;
    if (used === 0) return false;
    const wordScale = this.vocabulary.wordWeight / (wordNorm || 1);
    const charScale = this.vocabulary.charWeight / (charNorm || 1);
    const acc = this.simd ? this.simd.project(this.columns, this.weights, wordCount, wordScale, charScale, used) : this.accumulator;
    if (!this.simd) {
      acc.fill(0);
      const projection = this.space.projection;
      const columns = this.columns;
      const weights = this.weights;
      const unrolled = d - (d % 4);
      for (let p = 0; p < used; p++) {
        const value = weights[p]! * (p < wordCount ? wordScale : charScale);
        const base = columns[p]! * d;
        let c = 0;
        for (; c < unrolled; c += 4) {
          acc[c] = acc[c]! + value * projection[base + c]!;
          acc[c + 1] = acc[c + 1]! + value * projection[base + c + 1]!;
          acc[c + 2] = acc[c + 2]! + value * projection[base + c + 2]!;
          acc[c + 3] = acc[c + 3]! + value * projection[base + c + 3]!;
        }
        for (; c < d; c++) acc[c] = acc[c]! + value * projection[base + c]!;
      }
    }
    let norm = 0;
    for (let c = 0; c < d; c++) norm += acc[c]! * acc[c]!;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) out[c] = acc[c]! / norm;
    return true;
  }

  private appendBlock(hashes: Uint32Array, vocabulary: HashTable, start: number): number {
    const length = hashes.length;
    const sorted = this.sorted.subarray(0, length);
    sorted.set(hashes);
    sorted.sort();
    let count = 0;
    for (let i = 0; i < length; ) {
      const hash = sorted[i]!;
      let repeats = 1;
      while (i + repeats < length && sorted[i + repeats] === hash) repeats++;
      i += repeats;
      const column = vocabulary.get(hash);
      if (column < 0) continue;
      this.columns[start + count] = column;
      this.weights[start + count] = (1 + Math.log(repeats)) * this.vocabulary.idf[column]!;
      count++;
    }
    return count;
  }

  private blockNorm(start: number, end: number): number {
    let sum = 0;
    for (let p = start; p < end; p++) sum += this.weights[p]! * this.weights[p]!;
    return Math.sqrt(sum);
  }
}

/** The LSA projection in WebAssembly memory, as doubles, rows padded to whole blocks of dimensions. */
class SimdProjection {
  private rows!: Int32Array;
  private weights!: Float64Array;
  private out!: Float64Array;
  private capacity = 0;

  private constructor(
    private readonly kernel: LatentProjectionKernel,
    private readonly blocks: number,
    private readonly projectionBytes: number,
    private readonly dimensions: number,
  ) {}

  static create(space: LatentSpace, columns: number): SimdProjection | undefined {
    const d = space.dimensions;
    const blocks = Math.ceil(d / KERNEL_BLOCK);
    const stride = blocks * KERNEL_BLOCK;
    const projectionBytes = columns * stride * 8;
    const kernel = createLatentProjectionKernel(projectionBytes + stride * 8);
    if (!kernel) return undefined;
    const projection = new Float64Array(kernel.memory.buffer, 0, columns * stride);
    for (let column = 0; column < columns; column++) {
      for (let c = 0; c < d; c++) projection[column * stride + c] = space.projection[column * d + c]!;
    }
    const simd = new SimdProjection(kernel, blocks, projectionBytes, d);
    simd.reserve(256);
    return simd;
  }

  /**
   * The latent vector (not yet unit length) of `used` weighted columns; valid until the next call. Positional
   * parameters: it runs once per question, and mirrors the kernel's own call.
   */
  project(columns: Int32Array, weights: Float64Array, wordCount: number, wordScale: number, charScale: number, used: number): Float64Array {
    if (used > this.capacity) this.reserve(used * 2);
    const rowBytes = this.blocks * KERNEL_BLOCK * 8;
    for (let p = 0; p < used; p++) {
      this.rows[p] = columns[p]! * rowBytes;
      this.weights[p] = weights[p]! * (p < wordCount ? wordScale : charScale);
    }
    this.kernel.project(this.rows.byteOffset, this.weights.byteOffset, used, this.blocks, this.out.byteOffset);
    return this.out;
  }

  /** Memory after the projection: the output block, then room for `capacity` features' rows and weights. */
  private reserve(capacity: number): void {
    const outBytes = this.blocks * KERNEL_BLOCK * 8;
    const needed = this.projectionBytes + outBytes + capacity * 12;
    const memory = this.kernel.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65_536));
    this.capacity = capacity;
    this.out = new Float64Array(memory.buffer, this.projectionBytes, this.dimensions);
    this.weights = new Float64Array(memory.buffer, this.projectionBytes + outBytes, capacity);
    this.rows = new Int32Array(memory.buffer, this.projectionBytes + outBytes + capacity * 8, capacity);
  }
}

/** Feature hash -> column in open addressing over typed arrays: several times faster than a Map in the hot loop. */
class HashTable {
  private readonly keys: Uint32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: Map<number, number>) {
    let capacity = 16;
    while (capacity < entries.size * 2) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (const [key, value] of entries) {
      let slot = (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
      while (this.values[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = value;
    }
  }

  /** The column, or -1. */
  get(key: number): number {
    let slot = (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const value = this.values[slot]!;
      if (value === -1 || this.keys[slot] === key) return value;
      slot = (slot + 1) & this.mask;
    }
  }
}
