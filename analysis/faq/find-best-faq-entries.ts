import type { FaqIndex } from './faq-index.js';
import {
  characterWeightOf,
  isCrossLanguage,
  lexicalScore,
  prepareRankingQuestion,
  rankPreparedQuestion,
  type RankingQuestion,
  type RankedFaqEntry,
} from './rank-faq-entries.js';

/** Of one question's ranking, what choosing its entry needs: the best entry, and the best in the question's language. */
export interface BestFaqEntries {
  best: { entry: number; score: number; crossLanguage: boolean } | undefined;
  /** The best entry in the question's own language, when it is among the first `within` of the ranking. */
  ownLanguage: { entry: number; score: number } | undefined;
}

/** Slack on bounds: they and the exact scores are computed in a different order, so they may differ in the last bits. */
const MARGIN = 1e-9;

/**
 * What `rankFaqEntries(index, question, { limit: within })` says of the best entry and of the best entry in the
 * question's language, with the same scores to the last bit, without computing every entry's character cosine.
 *
 * A cross-language entry's score is lexical, known for all entries from the terms' short postings. Among entries in
 * the question's language only the best is needed (the entries ranked above it are all in another language), so its
 * character cosine is found MaxScore style: the question's n-grams are read rarest first, and once what the rest could
 * add (Cauchy-Schwarz, or the sum of their largest weights) cannot lift an entry not yet reached above the best exact
 * score so far, the common n-grams' long postings are left unread; the entries reached are bounded the same way and
 * scored exactly, from their own n-grams in the question's order, best bound first, until no bound can win.
 * A question nothing in its own language scores above 0 for is ranked exhaustively.
 *
 * @example
 * const { best, ownLanguage } = findBestFaqEntries(index, 'how do I reset 2FA?');
 */
export function findBestFaqEntries(index: FaqIndex, question: string, within = 10): BestFaqEntries {
  if (index.size === 0 || within <= 0) return { best: undefined, ownLanguage: undefined };
  const prepared = prepareRankingQuestion(index, question);
  return findPruned(index, prepared, within) ?? fromRanking(rankPreparedQuestion(index, prepared, within, 'score'));
}

function fromRanking(ranked: readonly RankedFaqEntry[]): BestFaqEntries {
  const best = ranked[0];
  const own = ranked.find((entry) => !entry.crossLanguage);
  return {
    best: best === undefined ? undefined : { entry: best.entry, score: best.score, crossLanguage: best.crossLanguage },
    ownLanguage: own === undefined ? undefined : { entry: own.entry, score: own.score },
  };
}

/** Per-entry and per-gram scratch of one index, stamped per question instead of cleared. */
interface Scratch {
  stamp: number;
  crossOf: Map<string, Uint8Array>;
  lexical: Float64Array;
  known: Int32Array;
  reached: Int32Array;
  partial: Float64Array;
  partialSquares: Float64Array;
  scored: Int32Array;
  gramStamp: Int32Array;
  gramSlot: Int32Array;
  /** Candidate entries (in the question's language, with a lexical score or reached by an n-gram), `candidateCount` of them. */
  candidates: Int32Array;
  /** The upper bounds of the candidates left to score exactly. */
  bounds: Float64Array;
  /** Per question n-gram (grown to the longest question): weight, reading order, bounds of the rest, cosine terms. */
  weights: Float64Array;
  order: Int32Array;
  restSquares: Float64Array;
  restLargest: Float64Array;
  contributions: Float64Array;
}
const scratchOf = new WeakMap<FaqIndex, Scratch>();

function scratchFor(index: FaqIndex): Scratch {
  let scratch = scratchOf.get(index);
  if (scratch === undefined || scratch.stamp >= 0x7fffffff) {
    const grams = index.charGrams.idf.length;
    scratch = {
      stamp: 0,
      crossOf: scratch?.crossOf ?? new Map(),
      lexical: new Float64Array(index.size),
      known: new Int32Array(index.size),
      reached: new Int32Array(index.size),
      partial: new Float64Array(index.size),
      partialSquares: new Float64Array(index.size),
      scored: new Int32Array(index.size),
      gramStamp: new Int32Array(grams),
      gramSlot: new Int32Array(grams),
      candidates: new Int32Array(index.size),
      bounds: new Float64Array(index.size),
      weights: new Float64Array(0),
      order: new Int32Array(0),
      restSquares: new Float64Array(1),
      restLargest: new Float64Array(1),
      contributions: new Float64Array(0),
    };
    scratchOf.set(index, scratch);
  }
  scratch.stamp++;
  return scratch;
}

/** Grows the per-gram buffers to `count` n-grams (they stay grown: questions are short). */
function gramBuffers(scratch: Scratch, count: number): Scratch {
  if (scratch.weights.length < count) {
    const size = Math.max(count, 2 * scratch.weights.length);
    scratch.weights = new Float64Array(size);
    scratch.order = new Int32Array(size);
    scratch.restSquares = new Float64Array(size + 1);
    scratch.restLargest = new Float64Array(size + 1);
    scratch.contributions = new Float64Array(size);
  }
  return scratch;
}

/** Posting lengths are sorted into buckets by powers of two: rarest first is a heuristic, any order gives the same result. */
const LENGTH_BUCKETS = 32;
const bucketStarts = new Int32Array(LENGTH_BUCKETS + 1);
let bucketOf = new Int32Array(0);

/** Per entry, 1 when it is in another language than a question in `language`. */
function crossLanguageEntries(index: FaqIndex, scratch: Scratch, language: RankingQuestion['language']): Uint8Array {
  let cross = scratch.crossOf.get(language);
  if (cross === undefined) {
    cross = Uint8Array.from(index.languages, (entryLanguage) => (isCrossLanguage(language, entryLanguage) ? 1 : 0));
    scratch.crossOf.set(language, cross);
  }
  return cross;
}

function findPruned(index: FaqIndex, prepared: RankingQuestion, within: number): BestFaqEntries | undefined {
  const scratch = scratchFor(index);
  const { stamp, lexical, known, reached, partial, partialSquares, scored, gramStamp, gramSlot } = scratch;
  const cross = crossLanguageEntries(index, scratch, prepared.language);
  const { touchedList } = prepared.sums;
  const { touchedCount } = prepared;
  const characterWeight = characterWeightOf(index, prepared.language);
  const lexicalWeight = 1 - characterWeight;

  // Entries in the question's language with a lexical score (the others have 0 until an n-gram reaches them).
  const { candidates } = scratch;
  let candidateCount = 0;
  for (let t = 0; t < touchedCount; t++) {
    const entry = touchedList[t]!;
    lexical[entry] = lexicalScore(index, prepared, entry);
    if (cross[entry]) continue;
    known[entry] = stamp;
    candidates[candidateCount++] = entry;
  }

  // The question's n-gram weights as the exhaustive ranking computes them, and their order, rarest first.
  const { gramIds, gramWeights, norm } = prepared;
  const { offsets, entries: gramEntries, weights: gramEntryWeights, maxWeight } = index.charGrams;
  const count = norm > 0 ? gramIds.length : 0;
  const { weights, order, restSquares, restLargest } = gramBuffers(scratch, count);
  if (bucketOf.length < count) bucketOf = new Int32Array(Math.max(count, 2 * bucketOf.length));
  bucketStarts.fill(0);
  for (let g = 0; g < count; g++) {
    const id = gramIds[g]!;
    weights[g] = gramWeights[g]! / norm;
    gramStamp[id] = stamp;
    gramSlot[id] = g;
    const bucket = 31 - Math.clz32(offsets[id + 1]! - offsets[id]!);
    bucketOf[g] = bucket;
    bucketStarts[bucket + 1]!++;
  }
  for (let bucket = 0; bucket < LENGTH_BUCKETS; bucket++) bucketStarts[bucket + 1]! += bucketStarts[bucket]!;
  for (let g = 0; g < count; g++) order[bucketStarts[bucketOf[g]!]!++] = g;
  // What the n-grams from the k-th (in that order) on can add to a cosine: restSquares bounds it with Cauchy-Schwarz.
  restSquares[count] = 0;
  restLargest[count] = 0;
  for (let k = count - 1; k >= 0; k--) {
    const g = order[k]!;
    restSquares[k] = restSquares[k + 1]! + weights[g]! * weights[g]!;
    restLargest[k] = restLargest[k + 1]! + weights[g]! * maxWeight[gramIds[g]!]!;
  }
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestEntry = -1;

  // Rarest n-grams first, until the rest cannot lift an entry they have not reached above the best score so far.
  let k = 0;
  let read = 0;
  let nextCheck = 0;
  let freeLexical = 1;
  for (; k < count; k++) {
    if (read >= nextCheck) {
      // Score the most promising entry exactly (the bar to beat), and find the best lexical score not yet reached.
      let pick = -1;
      let pickValue = Number.NEGATIVE_INFINITY;
      freeLexical = 0;
      for (let c = 0; c < candidateCount; c++) {
        const entry = candidates[c]!;
        const isReached = reached[entry] === stamp;
        if (!isReached && lexical[entry]! > freeLexical) freeLexical = lexical[entry]!;
        if (scored[entry] === stamp) continue;
        const value = characterWeight * Math.min(1, isReached ? partial[entry]! : 0) + lexicalWeight * lexical[entry]!;
        if (value > pickValue) {
          pickValue = value;
          pick = entry;
        }
      }
      if (pick >= 0) {
        scored[pick] = stamp;
        const score = characterWeight * Math.min(1, exactCosine(index, scratch, count, pick)) + lexicalWeight * lexical[pick]!;
        if (score > bestScore || (score === bestScore && pick < bestEntry)) {
          bestScore = score;
          bestEntry = pick;
        }
      }
      nextCheck = Math.max(2 * read, 256);
    }
    const rest = Math.min(restLargest[k]!, Math.sqrt(restSquares[k]!)) + MARGIN;
    if (characterWeight * Math.min(1, rest) + lexicalWeight * freeLexical < bestScore - MARGIN) break;
    const g = order[k]!;
    const id = gramIds[g]!;
    const weight = weights[g]!;
    for (let p = offsets[id]!, end = offsets[id + 1]!; p < end; p++) {
      const entry = gramEntries[p]!;
      if (cross[entry]) continue;
      const entryWeight = gramEntryWeights[p]!;
      if (reached[entry] !== stamp) {
        reached[entry] = stamp;
        partial[entry] = 0;
        partialSquares[entry] = 0;
        if (known[entry] !== stamp) {
          known[entry] = stamp;
          lexical[entry] = 0;
          candidates[candidateCount++] = entry;
        }
      }
      partial[entry]! += weight * entryWeight;
      partialSquares[entry]! += entryWeight * entryWeight;
    }
    read += offsets[id + 1]! - offsets[id]!;
  }

  // The entries reached or with a lexical score that a bound lets win, scored exactly, best bound first.
  const restLargestK = restLargest[k]!;
  const restNormK = Math.sqrt(restSquares[k]!);
  const { bounds } = scratch;
  let boundedCount = 0;
  for (let c = 0; c < candidateCount; c++) {
    const entry = candidates[c]!;
    if (scored[entry] === stamp) continue;
    let cosineBound = Math.min(restLargestK, restNormK);
    if (reached[entry] === stamp) {
      cosineBound = partial[entry]! + Math.min(restLargestK, restNormK * Math.sqrt(Math.max(0, 1 - partialSquares[entry]!) + 1e-6));
    }
    const bound = characterWeight * Math.min(1, cosineBound + MARGIN) + lexicalWeight * lexical[entry]! + MARGIN;
    if (bound < bestScore) continue;
    candidates[boundedCount] = entry;
    bounds[boundedCount++] = bound;
  }
  while (boundedCount > 0) {
    let top = 0;
    for (let b = 1; b < boundedCount; b++) if (bounds[b]! > bounds[top]!) top = b;
    if (bounds[top]! < bestScore) break;
    const entry = candidates[top]!;
    boundedCount--;
    candidates[top] = candidates[boundedCount]!;
    bounds[top] = bounds[boundedCount]!;
    const score = characterWeight * Math.min(1, exactCosine(index, scratch, count, entry)) + lexicalWeight * lexical[entry]!;
    if (score > bestScore || (score === bestScore && entry < bestEntry)) {
      bestScore = score;
      bestEntry = entry;
    }
  }
  // Entries nothing reached score 0: then ties and the order of zero scores decide, which the exhaustive ranking knows.
  if (bestEntry < 0 || !(bestScore > 0)) return undefined;

  let best: BestFaqEntries['best'] = { entry: bestEntry, score: bestScore, crossLanguage: false };
  let ranksAbove = 0;
  for (let t = 0; t < touchedCount; t++) {
    const entry = touchedList[t]!;
    if (!cross[entry]) continue;
    const score = lexical[entry]!;
    if (score > bestScore || (score === bestScore && entry < bestEntry)) {
      ranksAbove++;
      if (score > best.score || (score === best.score && entry < best.entry)) best = { entry, score, crossLanguage: true };
    }
  }
  return { best, ownLanguage: ranksAbove < within ? { entry: bestEntry, score: bestScore } : undefined };
}

/**
 * An entry's character cosine summed in the question's n-gram order, as the exhaustive ranking sums it: the same bits.
 * The question's grams are stamped in `scratch` (slot and normalized weight); `count` of them.
 */
function exactCosine(index: FaqIndex, scratch: Scratch, count: number, entry: number): number {
  const { entryOffsets, entryGrams, entryWeights } = index.charGrams;
  const { gramStamp, gramSlot, weights, contributions, stamp } = scratch;
  for (let p = entryOffsets[entry]!, end = entryOffsets[entry + 1]!; p < end; p++) {
    const id = entryGrams[p]!;
    if (gramStamp[id] !== stamp) continue;
    const slot = gramSlot[id]!;
    contributions[slot] = weights[slot]! * entryWeights[p]!;
  }
  let cosine = 0;
  for (let g = 0; g < count; g++) {
    const contribution = contributions[g]!;
    if (contribution === 0) continue;
    cosine += contribution;
    contributions[g] = 0;
  }
  return cosine;
}
