import { detectLanguage } from '../text/detect-language.js';
import { normalizeText } from '../text/normalize-text.js';
import { charNgramCounts, textTerms, weightCharCounts, type FaqIndex } from './faq-index.js';

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
  const { config } = index;
  const bm25 = new Float64Array(index.size);
  const character = new Float64Array(index.size);
  const touched = new Uint8Array(index.size);
  const titleMatched = new Float64Array(index.size);

  const terms = new Set(textTerms(question));
  const { k1, questionFieldWeight: wq, answerFieldWeight: wa } = config;
  const { questionNorm, answerNorm } = index;
  let ideal = 0;
  const idealTf = Math.max(wq, wa);
  for (const term of terms) {
    const idf = index.termIdf.get(term) ?? index.unseenTermIdf;
    ideal += (idf * (k1 + 1) * idealTf) / (k1 + idealTf);
    const postings = index.terms.get(term);
    if (!postings) continue;
    for (let p = 0; p < postings.entries.length; p++) {
      const entry = postings.entries[p]!;
      const tf = (wq * postings.questionTf[p]!) / questionNorm[entry]! + (wa * postings.answerTf[p]!) / answerNorm[entry]!;
      bm25[entry]! += (idf * (k1 + 1) * tf) / (k1 + tf);
      if (postings.questionTf[p]! > 0) titleMatched[entry]! += idf;
      touched[entry] = 1;
    }
  }

  const weights = weightCharCounts(charNgramCounts(question), index.charIdf, index.unseenCharIdf);
  for (const [gram, weight] of weights) {
    const postings = index.chars.get(gram);
    if (!postings) continue;
    for (let p = 0; p < postings.entries.length; p++) {
      const entry = postings.entries[p]!;
      character[entry]! += weight * postings.weights[p]!;
      touched[entry] = 1;
    }
  }

  const characterWeight = detectLanguage(normalizeText(question)) === 'zh' ? config.chineseCharacterWeight : config.characterWeight;
  const ranked: RankedFaqEntry[] = [];
  for (let entry = 0; entry < index.size; entry++) {
    if (!touched[entry]) continue;
    const questionSide = ideal > 0 ? Math.min(1, bm25[entry]! / ideal) : 0;
    const entrySide = index.questionIdfMass[entry]! > 0 ? titleMatched[entry]! / index.questionIdfMass[entry]! : questionSide;
    const lexical = (1 - config.entrySideWeight) * questionSide + config.entrySideWeight * entrySide;
    const cosine = Math.min(1, character[entry]!);
    ranked.push({
      entry,
      score: characterWeight * cosine + (1 - characterWeight) * lexical,
      lexical,
      character: cosine,
      bm25: bm25[entry]!,
    });
  }
  const key = options.orderBy ?? 'score';
  ranked.sort((a, b) => b[key] - a[key] || a.entry - b.entry);
  return ranked.slice(0, limit);
}
