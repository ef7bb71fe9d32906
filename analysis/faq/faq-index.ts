import { detectLanguage } from '../text/detect-language.js';
import { normalizeText } from '../text/normalize-text.js';
import { tokenizeText } from '../text/tokenize-text.js';
import { extractQuestionFeatures } from '../topics/question-features.js';
import { DEFAULT_FAQ_MATCHING_CONFIG, type FaqMatchingConfig } from './faq-matching-config.js';

/** The text of one FAQ entry (its current version) that questions are matched against. */
export interface FaqEntryText {
  title: string;
  /** A canonical question wording beside the title, when the entry has one. */
  question?: string | null;
  /** The answer, plain text or Markdown. */
  body: string;
}

interface TermPostings {
  entries: Int32Array;
  questionTf: Float32Array;
  answerTf: Float32Array;
}

interface CharPostings {
  entries: Int32Array;
  weights: Float32Array;
}

/** Everything a question needs to be scored against a set of entries; built once, read-only afterwards. */
export interface FaqIndex {
  size: number;
  config: FaqMatchingConfig;
  terms: Map<string, TermPostings>;
  termIdf: Map<string, number>;
  /** The idf of a term no entry has. */
  unseenTermIdf: number;
  questionLengths: Float64Array;
  /** Sum of the idf of each entry's distinct title/question terms. */
  questionIdfMass: Float64Array;
  answerLengths: Float64Array;
  averageQuestionLength: number;
  averageAnswerLength: number;
  /** BM25 length normalization of each entry's fields: 1 - b + b x length / average length. */
  questionNorm: Float64Array;
  answerNorm: Float64Array;
  chars: Map<number, CharPostings>;
  charIdf: Map<number, number>;
  unseenCharIdf: number;
}

/**
 * Terms (stemmed English words, Chinese words) of any text, in its detected language.
 *
 * @example
 * textTerms('Withdrawals are pending') // ['withdraw', 'pend']
 */
export function textTerms(text: string): string[] {
  const normalized = normalizeText(text);
  return tokenizeText(normalized, detectLanguage(normalized));
}

/**
 * Character n-grams (2-4 inside word boundaries, 1-2 for Chinese), hashed, with their counts.
 *
 * @example
 * charNgramCounts('fee').size // 9: ' f' 'fe' 'ee' 'e ' ' fe' 'fee' 'ee ' ' fee' 'fee '
 */
export function charNgramCounts(text: string): Map<number, number> {
  const normalized = normalizeText(text);
  const counts = new Map<number, number>();
  for (const gram of extractQuestionFeatures(normalized, 'other', []).chars) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  return counts;
}

/**
 * Markdown reduced to its words: link targets, images, code fences, emphasis and heading marks dropped.
 *
 * @example
 * markdownToText('See [fees](https://x.io/fees)') // 'See fees'
 */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>\n]+>/g, ' ')
    .replace(/^\s{0,3}(?:#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~|]+/g, ' ');
}

/**
 * The title and, when it says something else, the canonical question: the field questions are compared with.
 *
 * @example
 * entryQuestionText({ title: 'Fees', question: 'How much do trades cost?', body: '' }) // 'Fees. How much do trades cost?'
 */
export function entryQuestionText(entry: FaqEntryText): string {
  const question = entry.question?.trim() ?? '';
  if (question.length === 0 || question === entry.title.trim()) return entry.title;
  return `${entry.title}. ${question}`;
}

/**
 * Indexes FAQ entries for `rankFaqEntries`: BM25F postings of their terms over two fields (title/question and
 * answer) and TF-IDF vectors (sublinear tf, L2-normalized) of the character n-grams of the title/question.
 *
 * @example
 * const index = buildFaqIndex([{ title: 'How do I reset 2FA?', body: 'Go to Security...' }]);
 */
export function buildFaqIndex(entries: readonly FaqEntryText[], config: FaqMatchingConfig = DEFAULT_FAQ_MATCHING_CONFIG): FaqIndex {
  const size = entries.length;
  const questionLengths = new Float64Array(size);
  const questionTermSets: Set<string>[] = [];
  const answerLengths = new Float64Array(size);
  const termRows = new Map<string, { entries: number[]; questionTf: number[]; answerTf: number[] }>();
  const charCounts: Map<number, number>[] = [];

  entries.forEach((entry, i) => {
    const questionText = entryQuestionText(entry);
    const questionTerms = textTerms(questionText);
    const answerTerms = textTerms(markdownToText(entry.body));
    questionLengths[i] = questionTerms.length;
    questionTermSets.push(new Set(questionTerms));
    answerLengths[i] = answerTerms.length;
    const tf = new Map<string, [number, number]>();
    for (const term of questionTerms) {
      const counts = tf.get(term) ?? [0, 0];
      counts[0]++;
      tf.set(term, counts);
    }
    for (const term of answerTerms) {
      const counts = tf.get(term) ?? [0, 0];
      counts[1]++;
      tf.set(term, counts);
    }
    for (const [term, [inQuestion, inAnswer]] of tf) {
      let row = termRows.get(term);
      if (!row) {
        row = { entries: [], questionTf: [], answerTf: [] };
        termRows.set(term, row);
      }
      row.entries.push(i);
      row.questionTf.push(inQuestion);
      row.answerTf.push(inAnswer);
    }
    charCounts.push(charNgramCounts(questionText));
  });

  const terms = new Map<string, TermPostings>();
  const termIdf = new Map<string, number>();
  for (const [term, row] of termRows) {
    terms.set(term, { entries: Int32Array.from(row.entries), questionTf: Float32Array.from(row.questionTf), answerTf: Float32Array.from(row.answerTf) });
    termIdf.set(term, bm25Idf(size, row.entries.length));
  }

  const questionIdfMass = new Float64Array(size);
  questionTermSets.forEach((set, i) => {
    for (const term of set) questionIdfMass[i]! += termIdf.get(term) ?? 0;
  });

  const charDf = new Map<number, number>();
  for (const counts of charCounts) for (const gram of counts.keys()) charDf.set(gram, (charDf.get(gram) ?? 0) + 1);
  const charIdf = new Map<number, number>();
  for (const [gram, df] of charDf) charIdf.set(gram, smoothIdf(size, df));
  const charRows = new Map<number, { entries: number[]; weights: number[] }>();
  charCounts.forEach((counts, i) => {
    const weights = weightCharCounts(counts, charIdf, 0);
    for (const [gram, weight] of weights) {
      let row = charRows.get(gram);
      if (!row) {
        row = { entries: [], weights: [] };
        charRows.set(gram, row);
      }
      row.entries.push(i);
      row.weights.push(weight);
    }
  });
  const chars = new Map<number, CharPostings>();
  for (const [gram, row] of charRows) chars.set(gram, { entries: Int32Array.from(row.entries), weights: Float32Array.from(row.weights) });

  const averageQuestionLength = average(questionLengths);
  const averageAnswerLength = average(answerLengths);
  const lengthNorm = (lengths: Float64Array, averageLength: number, b: number): Float64Array =>
    lengths.map((length) => (averageLength > 0 ? 1 - b + (b * length) / averageLength : 1));
  return {
    size,
    config,
    terms,
    termIdf,
    unseenTermIdf: bm25Idf(size, 0),
    questionLengths,
    questionIdfMass,
    answerLengths,
    averageQuestionLength,
    averageAnswerLength,
    questionNorm: lengthNorm(questionLengths, averageQuestionLength, config.questionFieldB),
    answerNorm: lengthNorm(answerLengths, averageAnswerLength, config.answerFieldB),
    chars,
    charIdf,
    unseenCharIdf: smoothIdf(size, 0),
  };
}

/**
 * Sublinear TF-IDF weights of n-gram counts, L2-normalized. Grams the index has never seen get `unseenIdf` (0 to
 * leave them out): they still count in a question's norm, so a question about something no entry mentions scores low.
 *
 * @example
 * weightCharCounts(charNgramCounts(question), index.charIdf, index.unseenCharIdf)
 */
export function weightCharCounts(counts: ReadonlyMap<number, number>, idf: ReadonlyMap<number, number>, unseenIdf: number): Map<number, number> {
  const weights = new Map<number, number>();
  let norm = 0;
  for (const [gram, count] of counts) {
    const weight = (1 + Math.log(count)) * (idf.get(gram) ?? unseenIdf);
    if (weight === 0) continue;
    weights.set(gram, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [gram, weight] of weights) weights.set(gram, weight / norm);
  return weights;
}

function bm25Idf(size: number, df: number): number {
  return Math.log(1 + (size - df + 0.5) / (df + 0.5));
}

function smoothIdf(size: number, df: number): number {
  return Math.log((1 + size) / (1 + df)) + 1;
}

function average(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
