import type { LatentSpace } from './latent-space.js';
import { createLatentProjectionKernel, KERNEL_BLOCK, type LatentProjectionKernel } from './latent-projection-kernel.js';
import { pushSegmentNgrams, type QuestionFeatures } from './question-features.js';
import { sublinearFrequency, type TfidfVocabulary } from './tfidf-vectorizer.js';

/**
 * Segments whose projections are kept from chunk to chunk, at most (96 dimensions: 768 bytes each, about 25 MB). Past
 * it, a chunk's other segments are projected for that chunk only: the results are the same either way.
 */
const KEPT_SEGMENTS = 32_768;

/**
 * TF-IDF weighting and LSA projection fused, with buffers reused from question to question: what assigning a
 * million questions needs (the same arithmetic as `vectorizeFeatures` then `embedRow`, without the garbage).
 *
 * `embedPrepared` takes a question's character features as segments (see `questionSegments`) instead of n-gram
 * hashes: each segment's n-grams are hashed, looked up and projected once (`resolveSegments`), and a question's
 * projection adds its segments' projections, corrected where an n-gram occurs more than once (the term frequency is
 * sublinear). The same vector as `embed` up to the order of the floating-point additions.
 */
export class QuestionEmbedder {
  private readonly accumulator: Float64Array;
  private columns = new Int32Array(256);
  private weights = new Float64Array(256);
  private sorted = new Uint32Array(256);
  /** Rows of the projection (>= 0) or segment slots (-1 - slot) summed for one question, and their weights. */
  private refs = new Int32Array(256);
  private refWeights = new Float64Array(256);

  private readonly segmentSlots = new Map<string, number>();
  /** Slots below this are kept; the rest belong to the current chunk. */
  private keptSlots = 0;
  private slotCount = 0;
  /** Slot s's character columns and their counts in the segment: `slotColumns[slotStart[s] .. slotStart[s + 1])`. */
  private slotStart = new Int32Array(1024);
  private slotColumns = new Int32Array(8192);
  private slotCounts = new Int32Array(8192);
  /** Plain JavaScript only: each slot's projection (d doubles); with SIMD they live in the kernel's memory. */
  private plainSlotVectors = new Float64Array(0);
  /** Per character column: the question that last counted it, and its count in that question. */
  private readonly columnStamp: Int32Array;
  private readonly columnCount: Int32Array;
  private questionStamp = 0;
  private distinctColumns = new Int32Array(256);
  private readonly ngramScratch: number[] = [];
  private foundScratch = new Int32Array(64);

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
    this.columnStamp = new Int32Array(vocabulary.idf.length);
    this.columnCount = new Int32Array(vocabulary.idf.length);
  }

  /**
   * The slot of each of a chunk's distinct segments, for `embedPrepared`; valid until the next call. Segments seen in
   * earlier chunks keep their slot (up to `KEPT_SEGMENTS`); the others are projected now.
   */
  resolveSegments(segments: readonly string[]): Int32Array {
    this.slotCount = this.keptSlots;
    const slots = new Int32Array(segments.length);
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      let slot = this.segmentSlots.get(segment);
      if (slot === undefined) {
        slot = this.addSlot(segment);
        if (slot < KEPT_SEGMENTS) {
          this.segmentSlots.set(segment, slot);
          this.keptSlots = slot + 1;
        }
      }
      slots[i] = slot;
    }
    return slots;
  }

  /**
   * Writes the unit latent vector of a question into `out` from its word hashes and the slots of its segments (in
   * order, repeats included); returns false when no feature is in the vocabulary.
   */
  embedPrepared(words: Uint32Array, segments: Int32Array, out: Float32Array): boolean {
    const d = this.space.dimensions;
    if (this.columns.length < words.length) {
      this.columns = new Int32Array(words.length * 2);
      this.weights = new Float64Array(words.length * 2);
      this.sorted = new Uint32Array(words.length * 2);
    }
    const wordCount = this.appendBlock(words, this.wordTable, 0);
    const wordNorm = this.blockNorm(0, wordCount);
    const stamp = ++this.questionStamp;
    const columnStamp = this.columnStamp;
    const columnCount = this.columnCount;
    let distinct = 0;
    let segmentRows = 0;
    for (let i = 0; i < segments.length; i++) {
      const slot = segments[i]!;
      const end = this.slotStart[slot + 1]!;
      const start = this.slotStart[slot]!;
      if (end > start) segmentRows++;
      if (distinct + end - start > this.distinctColumns.length) {
        const grown = new Int32Array((distinct + end - start) * 2);
        grown.set(this.distinctColumns.subarray(0, distinct));
        this.distinctColumns = grown;
      }
      for (let j = start; j < end; j++) {
        const column = this.slotColumns[j]!;
        if (columnStamp[column] !== stamp) {
          columnStamp[column] = stamp;
          columnCount[column] = this.slotCounts[j]!;
          this.distinctColumns[distinct++] = column;
        } else columnCount[column]! += this.slotCounts[j]!;
      }
    }
    if (wordCount + distinct === 0) return false;
    const idf = this.vocabulary.idf;
    let charSquares = 0;
    for (let p = 0; p < distinct; p++) {
      const column = this.distinctColumns[p]!;
      const weight = sublinearFrequency(columnCount[column]!) * idf[column]!;
      charSquares += weight * weight;
    }
    const wordScale = this.vocabulary.wordWeight / (wordNorm || 1);
    const charScale = this.vocabulary.charWeight / (Math.sqrt(charSquares) || 1);
    const capacity = wordCount + segmentRows + distinct;
    if (this.refs.length < capacity) {
      this.refs = new Int32Array(capacity * 2);
      this.refWeights = new Float64Array(capacity * 2);
    }
    const refs = this.refs;
    const refWeights = this.refWeights;
    let used = 0;
    for (let p = 0; p < wordCount; p++) {
      refs[used] = this.columns[p]!;
      refWeights[used++] = this.weights[p]! * wordScale;
    }
    for (let i = 0; i < segments.length; i++) {
      const slot = segments[i]!;
      if (this.slotStart[slot + 1]! === this.slotStart[slot]!) continue;
      refs[used] = -1 - slot;
      refWeights[used++] = charScale;
    }
    // The segments added each n-gram as often as it occurs; the sublinear weight takes the difference back.
    for (let p = 0; p < distinct; p++) {
      const column = this.distinctColumns[p]!;
      const count = columnCount[column]!;
      if (count === 1) continue;
      refs[used] = column;
      refWeights[used++] = (1 + Math.log(count) - count) * idf[column]! * charScale;
    }
    const acc = this.simd ? this.simd.projectRefs(refs, refWeights, used) : this.plainProject(refs, refWeights, used);
    let norm = 0;
    for (let c = 0; c < d; c++) norm += acc[c]! * acc[c]!;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < d; c++) out[c] = acc[c]! / norm;
    return true;
  }

  /** Hashes, looks up and projects one segment's n-grams into a new slot (columns ascending, each with its count). */
  private addSlot(segment: string): number {
    const slot = this.slotCount++;
    if (this.slotStart.length < slot + 2) {
      const grown = new Int32Array(this.slotStart.length * 2);
      grown.set(this.slotStart);
      this.slotStart = grown;
    }
    const ngrams = this.ngramScratch;
    ngrams.length = 0;
    pushSegmentNgrams(segment, ngrams);
    if (this.foundScratch.length < ngrams.length) this.foundScratch = new Int32Array(ngrams.length * 2);
    let foundCount = 0;
    for (const hash of ngrams) {
      const column = this.charTable.get(hash);
      if (column >= 0) this.foundScratch[foundCount++] = column;
    }
    const found = this.foundScratch.subarray(0, foundCount).sort();
    const start = this.slotStart[slot]!;
    if (this.slotColumns.length < start + found.length) {
      const size = Math.max(this.slotColumns.length * 2, start + found.length);
      const columns = new Int32Array(size);
      columns.set(this.slotColumns.subarray(0, start));
      const counts = new Int32Array(size);
      counts.set(this.slotCounts.subarray(0, start));
      this.slotColumns = columns;
      this.slotCounts = counts;
    }
    let end = start;
    for (let i = 0; i < found.length; i++) {
      if (end > start && this.slotColumns[end - 1] === found[i]) this.slotCounts[end - 1]!++;
      else {
        this.slotColumns[end] = found[i]!;
        this.slotCounts[end++] = 1;
      }
    }
    this.slotStart[slot + 1] = end;
    const count = end - start;
    if (this.refs.length < count) {
      this.refs = new Int32Array(count * 2);
      this.refWeights = new Float64Array(count * 2);
    }
    const idf = this.vocabulary.idf;
    for (let p = 0; p < count; p++) {
      this.refs[p] = this.slotColumns[start + p]!;
      this.refWeights[p] = this.slotCounts[start + p]! * idf[this.slotColumns[start + p]!]!;
    }
    if (this.simd) this.simd.projectSlot(this.refs, this.refWeights, count, slot);
    else {
      const d = this.space.dimensions;
      if (this.plainSlotVectors.length < (slot + 1) * d) {
        const grown = new Float64Array(Math.max((slot + 1) * d, this.plainSlotVectors.length * 2));
        grown.set(this.plainSlotVectors);
        this.plainSlotVectors = grown;
      }
      this.plainSlotVectors.set(this.plainProject(this.refs, this.refWeights, count).subarray(0, d), slot * d);
    }
    return slot;
  }

  /** The plain JavaScript sum of weighted rows (projection rows or slot vectors), in the order the kernel adds them. */
  private plainProject(refs: Int32Array, weights: Float64Array, used: number): Float64Array {
    const d = this.space.dimensions;
    const acc = this.accumulator;
    acc.fill(0);
    const projection = this.space.projection;
    const slotVectors = this.plainSlotVectors;
    for (let p = 0; p < used; p++) {
      const value = weights[p]!;
      const ref = refs[p]!;
      if (ref >= 0) {
        const base = ref * d;
        for (let c = 0; c < d; c++) acc[c] = acc[c]! + value * projection[base + c]!;
      } else {
        const base = (-1 - ref) * d;
        for (let c = 0; c < d; c++) acc[c] = acc[c]! + value * slotVectors[base + c]!;
      }
    }
    return acc;
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
      this.weights[start + count] = sublinearFrequency(repeats) * this.vocabulary.idf[column]!;
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

/**
 * The LSA projection in WebAssembly memory, as doubles, rows padded to whole blocks of dimensions; after it the output
 * block, room for the rows and weights of one call, and the segment slots' projections (rows of the same shape).
 */
class SimdProjection {
  private rows!: Int32Array;
  private weights!: Float64Array;
  private out!: Float64Array;
  private capacity = 0;
  /** Byte address of slot 0, and the slots there is room for. */
  private slotsAt = 0;
  private slotCapacity = 0;

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

  private get rowBytes(): number {
    return this.blocks * KERNEL_BLOCK * 8;
  }

  /**
   * The latent vector (not yet unit length) of `used` weighted columns; valid until the next call. Positional
   * parameters: it runs once per question, and mirrors the kernel's own call.
   */
  project(columns: Int32Array, weights: Float64Array, wordCount: number, wordScale: number, charScale: number, used: number): Float64Array {
    if (used > this.capacity) this.reserve(used * 2);
    const rowBytes = this.rowBytes;
    for (let p = 0; p < used; p++) {
      this.rows[p] = columns[p]! * rowBytes;
      this.weights[p] = weights[p]! * (p < wordCount ? wordScale : charScale);
    }
    this.kernel.project(this.rows.byteOffset, this.weights.byteOffset, used, this.blocks, this.out.byteOffset);
    return this.out;
  }

  /** As `project`, for rows of the projection (refs >= 0) and slots (-1 - slot), weights given whole. */
  projectRefs(refs: Int32Array, weights: Float64Array, used: number): Float64Array {
    if (used > this.capacity) this.reserve(used * 2);
    const rowBytes = this.rowBytes;
    for (let p = 0; p < used; p++) {
      const ref = refs[p]!;
      this.rows[p] = ref >= 0 ? ref * rowBytes : this.slotsAt + (-1 - ref) * rowBytes;
      this.weights[p] = weights[p]!;
    }
    this.kernel.project(this.rows.byteOffset, this.weights.byteOffset, used, this.blocks, this.out.byteOffset);
    return this.out;
  }

  /** Projects `used` weighted columns into slot `slot`, kept until overwritten. */
  projectSlot(columns: Int32Array, weights: Float64Array, used: number, slot: number): void {
    if (slot >= this.slotCapacity) this.reserveSlots(Math.max(slot + 1, this.slotCapacity * 2, 256));
    if (used > this.capacity) this.reserve(used * 2);
    const rowBytes = this.rowBytes;
    for (let p = 0; p < used; p++) {
      this.rows[p] = columns[p]! * rowBytes;
      this.weights[p] = weights[p]!;
    }
    this.kernel.project(this.rows.byteOffset, this.weights.byteOffset, used, this.blocks, this.slotsAt + slot * rowBytes);
  }

  /** Memory after the projection: the output block, room for `capacity` features' rows and weights, then the slots. */
  private reserve(capacity: number): void {
    const outBytes = this.rowBytes;
    const slotsAt = this.projectionBytes + outBytes + capacity * 12;
    const alignedSlotsAt = Math.ceil(slotsAt / 16) * 16;
    this.ensureBytes(alignedSlotsAt + this.slotCapacity * this.rowBytes);
    if (this.slotCapacity > 0) {
      const bytes = new Uint8Array(this.kernel.memory.buffer);
      bytes.copyWithin(alignedSlotsAt, this.slotsAt, this.slotsAt + this.slotCapacity * this.rowBytes);
    }
    const memory = this.kernel.memory;
    this.capacity = capacity;
    this.slotsAt = alignedSlotsAt;
    this.out = new Float64Array(memory.buffer, this.projectionBytes, this.dimensions);
    this.weights = new Float64Array(memory.buffer, this.projectionBytes + outBytes, capacity);
    this.rows = new Int32Array(memory.buffer, this.projectionBytes + outBytes + capacity * 8, capacity);
  }

  private reserveSlots(slots: number): void {
    this.ensureBytes(this.slotsAt + slots * this.rowBytes);
    this.slotCapacity = slots;
    // Growing the memory detaches the old views.
    this.reserve(this.capacity);
  }

  private ensureBytes(needed: number): void {
    const memory = this.kernel.memory;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65_536));
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
