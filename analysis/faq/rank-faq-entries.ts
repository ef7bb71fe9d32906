import { detectLanguage, type QuestionLanguage } from '../text/detect-language.js';
import { normalizeText } from '../text/normalize-text.js';
import { tokenizeText } from '../text/tokenize-text.js';
import { extractQuestionFeatures } from '../topics/question-features.js';
import { charGramId, matchConcept, type FaqIndex } from './faq-index.js';

/** One entry's scores for one question. */
export interface RankedFaqEntry {
  /** Position of the entry in the list the index was built from. */
  entry: number;
  /** The fused score, 0..1: `characterWeight` x character + (1 - `characterWeight`) x lexical (Chinese: `chineseCharacterWeight`). */
  score: number;
  /** BM25F divided by what a question whose every term appears once in an average title scores, capped at 1. */
  lexical: number;
  /** Cosine of the character n-gram TF-IDF vectors of the question and the entry's title/question. */
  character: number;
  /** The raw BM25F score. */
  bm25: number;
  /** The question and the entry are in different languages (matched through the words' senses). */
  crossLanguage: boolean;
}

export interface RankOptions {
  /** Entries returned, best first (default 10). */
  limit?: number;
  /** Order by the raw BM25F score instead of the fused score (the reference method). */
  orderBy?: 'score' | 'bm25';
}

/**
 * The entries that best answer a question, best first. Scores are comparable across questions, so the fused
 * `score` of the first entry against `coveredThreshold` says whether the question is covered at all.
 *
 * @example
 * const [best] = rankFaqEntries(index, 'how can I turn off two-factor login');
 * const covered = best !== undefined && best.score >= index.config.coveredThreshold;
 */
export function rankFaqEntries(index: FaqIndex, question: string, options: RankOptions = {}): RankedFaqEntry[] {
  const limit = options.limit ?? 10;
  if (index.size === 0 || limit <= 0) return [];
  return rankPreparedQuestion(index, prepareRankingQuestion(index, question), limit, options.orderBy ?? 'score');
}

/**
 * One question read against an index: its language, its BM25F and title sums per entry (in `sums`), and its known
 * character n-grams (ids in the index's gram table, in the order first seen) with their weights before normalization.
 */
export interface RankingQuestion {
  language: QuestionLanguage;
  /** What a question whose every term appears once in an average title scores: BM25F's scale for `lexical`. */
  ideal: number;
  sums: Sums;
  /** The entries a term reached (`sums.touched`), `touchedCount` of them in `sums.touchedList`. */
  touchedCount: number;
  gramIds: number[];
  gramWeights: number[];
  /** The L2 norm of all the question's gram weights, the grams no title has included. */
  norm: number;
}

/**
 * Reads a question for ranking: the lexical sums of every entry, and the character n-gram weights (sublinear tf,
 * L2-normalized; grams no title has count in the norm only), as `weightCharCounts`, over the index's gram table: a
 * known gram is counted by its id, the others by sorting. The sums are reused scratch: one question at a time.
 */
export function prepareRankingQuestion(index: FaqIndex, question: string): RankingQuestion {
  const { config } = index;
  const sums = clearedSums(index);
  const { bm25, touched, touchedList, titleMatched } = sums;
  let touchedCount = 0;
  const conceptSeen = seenTitleConcepts(index);

  const normalized = normalizeText(question);
  const language = detectLanguage(normalized);
  const terms = new Set(tokenizeText(normalized, language));
  const { k1, questionFieldWeight: wq, answerFieldWeight: wa } = config;
  let ideal = 0;
  const idealTf = Math.max(wq, wa);
  for (const term of terms) {
    const match = matchConcept(index, term);
    const idf = match.entries.length > 0 ? match.idf : index.unseenTermIdf;
    ideal += (idf * (k1 + 1) * idealTf) / (k1 + idealTf);
    const { entries, bm25: termScores } = match;
    for (let p = 0; p < entries.length; p++) {
      const entry = entries[p]!;
      bm25[entry]! += termScores[p]!;
      if (touched[entry] === 0) {
        touched[entry] = 1;
        touchedList[touchedCount++] = entry;
      }
    }
    const { titleConcepts } = match;
    for (let c = 0; c < titleConcepts.length; c++) {
      const concept = titleConcepts[c]!;
      if (conceptSeen.seen[concept] === conceptSeen.stamp) continue;
      conceptSeen.seen[concept] = conceptSeen.stamp;
      titleMatched[index.titleConceptEntry[concept]!]! += index.titleConceptIdf[concept]!;
    }
  }

  const grams = extractQuestionFeatures(normalized, 'other', []).chars;
  const { charGrams } = index;
  const gramCount = countGramsSeen(index);
  const gramIds: number[] = [];
  const unseen: number[] = [];
  for (let i = 0; i < grams.length; i++) {
    const id = charGramId(charGrams, grams[i]!);
    if (id < 0) unseen.push(grams[i]!);
    else if (gramCount.seen[id] !== gramCount.stamp) {
      gramCount.seen[id] = gramCount.stamp;
      gramCount.counts[id] = 1;
      gramIds.push(id);
    } else gramCount.counts[id]!++;
  }
  let norm = 0;
  const gramWeights = gramIds.map((id) => {
    const weight = (1 + Math.log(gramCount.counts[id]!)) * charGrams.idf[id]!;
    norm += weight * weight;
    return weight;
  });
  unseen.sort((a, b) => a - b);
  for (let i = 0; i < unseen.length; ) {
    let j = i + 1;
    while (j < unseen.length && unseen[j] === unseen[i]) j++;
    const weight = (1 + Math.log(j - i)) * index.unseenCharIdf;
    norm += weight * weight;
    i = j;
  }
  return { language, ideal, sums, touchedCount, gramIds, gramWeights, norm: Math.sqrt(norm) };
}

/** An entry's lexical score for a prepared question: BM25F on the question's side and title terms matched on the entry's. */
export function lexicalScore(index: FaqIndex, prepared: RankingQuestion, entry: number): number {
  const { ideal, sums } = prepared;
  const questionSide = ideal > 0 ? Math.min(1, sums.bm25[entry]! / ideal) : 0;
  const entrySide = index.questionIdfMass[entry]! > 0 ? Math.min(1, sums.titleMatched[entry]! / index.questionIdfMass[entry]!) : questionSide;
  return (1 - index.config.entrySideWeight) * questionSide + index.config.entrySideWeight * entrySide;
}

/** The weight of the character cosine in the fused score of a question in `language` (the rest is lexical). */
export function characterWeightOf(index: FaqIndex, language: QuestionLanguage): number {
  return language === 'zh' ? index.config.chineseCharacterWeight : index.config.characterWeight;
}

/** Every entry scored, the best `limit` kept: the exhaustive ranking. */
export function rankPreparedQuestion(index: FaqIndex, prepared: RankingQuestion, limit: number, key: 'score' | 'bm25'): RankedFaqEntry[] {
  const { language, sums, gramIds, gramWeights, norm } = prepared;
  const { bm25, character, touched } = sums;
  const { offsets, entries: gramEntries, weights: gramEntryWeights } = index.charGrams;
  for (let g = 0; g < gramIds.length && norm > 0; g++) {
    const id = gramIds[g]!;
    const weight = gramWeights[g]! / norm;
    for (let p = offsets[id]!, end = offsets[id + 1]!; p < end; p++) {
      character[gramEntries[p]!]! += weight * gramEntryWeights[p]!;
    }
  }

  const characterWeight = characterWeightOf(index, language);
  // Only the best `limit` entries are kept (insertion into a short sorted list): a large FAQ is not sorted per question.
  const ranked: RankedFaqEntry[] = [];
  const before = (a: RankedFaqEntry, b: RankedFaqEntry): boolean => a[key] > b[key] || (a[key] === b[key] && a.entry < b.entry);
  for (let entry = 0; entry < index.size; entry++) {
    // Gram weights are positive: an entry a gram reached has a cosine above 0.
    if (!touched[entry] && character[entry] === 0) continue;
    const lexical = lexicalScore(index, prepared, entry);
    const cosine = Math.min(1, character[entry]!);
    // Character n-grams only compare a script with itself: across languages the words' senses carry the whole score.
    const crossLanguage = isCrossLanguage(language, index.languages[entry]!);
    const score = crossLanguage ? lexical : characterWeight * cosine + (1 - characterWeight) * lexical;
    const last = ranked.length === limit ? ranked[limit - 1]! : undefined;
    if (last !== undefined && (key === 'score' ? score : bm25[entry]!) < last[key]) continue;
    const candidate: RankedFaqEntry = { entry, score, lexical, character: cosine, bm25: bm25[entry]!, crossLanguage };
    if (last !== undefined && !before(candidate, last)) continue;
    let at = ranked.length;
    while (at > 0 && before(candidate, ranked[at - 1]!)) at--;
    ranked.splice(at, 0, candidate);
    if (ranked.length > limit) ranked.pop();
  }
  return ranked;
}

/** Per-entry sums of one question, reused from question to question (cleared, not reallocated: less garbage). */
export interface Sums {
  bm25: Float64Array;
  character: Float64Array;
  touched: Uint8Array;
  touchedList: Int32Array;
  titleMatched: Float64Array;
}
const sumsOf = new WeakMap<FaqIndex, Sums>();

function clearedSums(index: FaqIndex): Sums {
  const sums = sumsOf.get(index);
  if (sums === undefined) {
    const fresh = {
      bm25: new Float64Array(index.size),
      character: new Float64Array(index.size),
      touched: new Uint8Array(index.size),
      touchedList: new Int32Array(index.size),
      titleMatched: new Float64Array(index.size),
    };
    sumsOf.set(index, fresh);
    return fresh;
  }
  sums.bm25.fill(0);
  sums.character.fill(0);
  sums.touched.fill(0);
  sums.titleMatched.fill(0);
  return sums;
}

/** Scratch marks per index (one question is ranked at a time in a thread): stamped instead of cleared. */
interface Marks {
  seen: Int32Array;
  counts: Int32Array;
  stamp: number;
}
const titleConceptMarks = new WeakMap<FaqIndex, Marks>();
const gramMarks = new WeakMap<FaqIndex, Marks>();

function nextMarks(store: WeakMap<FaqIndex, Marks>, index: FaqIndex, size: number): Marks {
  let marks = store.get(index);
  if (marks === undefined || marks.stamp >= 0x7fffffff) {
    marks = { seen: new Int32Array(size), counts: new Int32Array(size), stamp: 0 };
    store.set(index, marks);
  }
  marks.stamp++;
  return marks;
}

function seenTitleConcepts(index: FaqIndex): Marks {
  return nextMarks(titleConceptMarks, index, index.titleConceptEntry.length);
}

function countGramsSeen(index: FaqIndex): Marks {
  return nextMarks(gramMarks, index, index.charGrams.idf.length);
}

/** Chinese against anything else; English and undetermined text share a script. */
export function isCrossLanguage(question: QuestionLanguage, entry: QuestionLanguage): boolean {
  return (question === 'zh') !== (entry === 'zh');
}

/**
 * The entry a question is matched to: an entry in the question's own language that covers it (scores at least
 * `threshold`) wins over a better-scoring translation, since that is the answer the customer can read; otherwise the
 * best entry in any language. Undefined when nothing scored.
 *
 * @example
 * chooseFaqMatch(rankFaqEntries(index, 'how much is the trading fee?'), 0.4) // the English fee entry, not the Chinese one
 */
export function chooseFaqMatch<T extends Pick<RankedFaqEntry, 'score' | 'crossLanguage'>>(ranked: readonly T[], threshold: number): T | undefined {
  const ownLanguage = ranked.find((entry) => !entry.crossLanguage);
  if (ownLanguage !== undefined && ownLanguage.score >= threshold) return ownLanguage;
  const best = ranked[0];
  return best === undefined || best.score <= 0 ? undefined : best;
}
