import { detectLanguage, type QuestionLanguage } from '../text/detect-language.js';
import { normalizeText } from '../text/normalize-text.js';
import { termSenses } from '../text/term-senses.js';
import { tokenizeText } from '../text/tokenize-text.js';
import { extractQuestionFeatures } from '../topics/question-features.js';
import { DEFAULT_FAQ_MATCHING_CONFIG, type FaqMatchingConfig } from './faq-matching-config.js';

/** The text of one FAQ entry (its current version) that questions are matched against. */
export interface FaqEntryText {
  title: string;
  /** The entry's language tag when known (front matter: en, zh, zh-TW ...); detected from its text otherwise. */
  language?: string | null;
  /** A canonical question wording beside the title, when the entry has one. */
  question?: string | null;
  /** The answer, plain text or Markdown. */
  body: string;
}

/**
 * Where one query term's meaning occurs in the entries: per entry the number of title/question and answer positions
 * whose senses share a member with the term's, and the distinct title terms it matches.
 */
export interface ConceptMatch {
  idf: number;
  entries: Int32Array;
  questionTf: Float32Array;
  answerTf: Float32Array;
  /** Ids of the (entry, distinct title term) pairs matched; see `FaqIndex.titleConceptEntry`. */
  titleConcepts: Int32Array;
  /**
   * Per entry of `entries`, the BM25F term frequency over both fields (field-weighted, length-normalized counts): it
   * depends on the term and the entry only, so it is computed once.
   */
  fieldTf: Float64Array;
  /** Per entry of `entries`, the term's BM25F score there: `(idf x (k1 + 1) x fieldTf) / (k1 + fieldTf)`. */
  bm25: Float64Array;
}

/**
 * The character n-grams of the entries' titles: an open-addressing table from a gram's hash to its id, and per id
 * its idf and its postings (the entries that hold it and its weight there, `offsets[id]` to `offsets[id + 1]`).
 */
export interface CharGramTable {
  slots: Uint32Array;
  /** The id in a slot, -1 when the slot is empty. */
  slotIds: Int32Array;
  idf: Float64Array;
  offsets: Int32Array;
  entries: Int32Array;
  weights: Float32Array;
  /** Per gram id, its largest weight in any entry: bounds what the gram can add to a cosine. */
  maxWeight: Float64Array;
  /** The same weights per entry (`entryOffsets[entry]` to `entryOffsets[entry + 1]`): one entry's cosine without the postings. */
  entryOffsets: Int32Array;
  entryGrams: Int32Array;
  entryWeights: Float32Array;
}

/** Everything a question needs to be scored against a set of entries; built once, read-only afterwards but for caches. */
export interface FaqIndex {
  size: number;
  config: FaqMatchingConfig;
  /** Language of each entry (its title, question and answer), for telling same-language from cross-language matches. */
  languages: QuestionLanguage[];
  /** Sense (a term, or an English stem a Chinese word means) -> the term positions that carry it. */
  senses: Map<string, Int32Array>;
  positionEntry: Int32Array;
  /** 0: title/question, 1: answer. */
  positionField: Uint8Array;
  /** The distinct title term a title position belongs to (-1 for answer positions). */
  positionTitleConcept: Int32Array;
  titleConceptEntry: Int32Array;
  titleConceptIdf: Float64Array;
  /** The idf of a term no entry has. */
  unseenTermIdf: number;
  questionLengths: Float64Array;
  /** Sum of the idf of each entry's distinct title/question terms. */
  questionIdfMass: Float64Array;
  answerLengths: Float64Array;
  /** BM25 length normalization of each entry's fields: 1 - b + b x length / average length. */
  questionNorm: Float64Array;
  answerNorm: Float64Array;
  charGrams: CharGramTable;
  charIdf: Map<number, number>;
  unseenCharIdf: number;
  /** Memo of `matchConcept` per term. */
  concepts: Map<string, ConceptMatch>;
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
 * Indexes FAQ entries for `rankFaqEntries`: BM25F postings of the senses of their terms over two fields
 * (title/question and answer), so that a question in one language finds entries in the other, and TF-IDF vectors
 * (sublinear tf, L2-normalized) of the character n-grams of the title/question.
 *
 * @example
 * const index = buildFaqIndex([{ title: 'How do I reset 2FA?', body: 'Go to Security...' }]);
 */
export function buildFaqIndex(entries: readonly FaqEntryText[], config: FaqMatchingConfig = DEFAULT_FAQ_MATCHING_CONFIG): FaqIndex {
  const size = entries.length;
  const questionLengths = new Float64Array(size);
  const answerLengths = new Float64Array(size);
  const languages: QuestionLanguage[] = [];
  const positionEntry: number[] = [];
  const positionField: number[] = [];
  const positionTitleConcept: number[] = [];
  const titleConceptEntry: number[] = [];
  const titleConceptTerm: string[] = [];
  const senseRows = new Map<string, number[]>();
  const charCounts: Map<number, number>[] = [];

  const addPosition = (entry: number, field: 0 | 1, term: string, titleConcept: number): void => {
    const position = positionEntry.length;
    positionEntry.push(entry);
    positionField.push(field);
    positionTitleConcept.push(titleConcept);
    for (const sense of termSenses(term)) {
      const row = senseRows.get(sense);
      if (row === undefined) senseRows.set(sense, [position]);
      else if (row[row.length - 1] !== position) row.push(position);
    }
  };

  entries.forEach((entry, i) => {
    const questionText = entryQuestionText(entry);
    const answerText = markdownToText(entry.body);
    const questionTerms = textTerms(questionText);
    const answerTerms = textTerms(answerText);
    languages.push(languageOfTag(entry.language) ?? detectLanguage(normalizeText(`${questionText}\n${answerText}`)));
    questionLengths[i] = questionTerms.length;
    answerLengths[i] = answerTerms.length;
    const conceptOfTerm = new Map<string, number>();
    for (const term of questionTerms) {
      let concept = conceptOfTerm.get(term);
      if (concept === undefined) {
        concept = titleConceptEntry.length;
        titleConceptEntry.push(i);
        titleConceptTerm.push(term);
        conceptOfTerm.set(term, concept);
      }
      addPosition(i, 0, term, concept);
    }
    for (const term of answerTerms) addPosition(i, 1, term, -1);
    charCounts.push(charNgramCounts(questionText));
  });

  const senses = new Map<string, Int32Array>();
  for (const [sense, row] of senseRows) senses.set(sense, Int32Array.from(row));

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

  const averageQuestionLength = average(questionLengths);
  const averageAnswerLength = average(answerLengths);
  const lengthNorm = (lengths: Float64Array, averageLength: number, b: number): Float64Array =>
    lengths.map((length) => (averageLength > 0 ? 1 - b + (b * length) / averageLength : 1));
  const index: FaqIndex = {
    size,
    config,
    languages,
    senses,
    positionEntry: Int32Array.from(positionEntry),
    positionField: Uint8Array.from(positionField),
    positionTitleConcept: Int32Array.from(positionTitleConcept),
    titleConceptEntry: Int32Array.from(titleConceptEntry),
    titleConceptIdf: new Float64Array(titleConceptEntry.length),
    unseenTermIdf: bm25Idf(size, 0),
    questionLengths,
    questionIdfMass: new Float64Array(size),
    answerLengths,
    questionNorm: lengthNorm(questionLengths, averageQuestionLength, config.questionFieldB),
    answerNorm: lengthNorm(answerLengths, averageAnswerLength, config.answerFieldB),
    charGrams: buildCharGramTable(charRows, charIdf, size),
    charIdf,
    unseenCharIdf: smoothIdf(size, 0),
    concepts: new Map(),
  };
  titleConceptTerm.forEach((term, concept) => {
    const idf = matchConcept(index, term).idf;
    index.titleConceptIdf[concept] = idf;
    index.questionIdfMass[titleConceptEntry[concept]!]! += idf;
  });
  return index;
}

/** Scratch buffers of `matchConcept`, grown to the largest index seen. */
let seenPosition = new Int32Array(0);
let seenConcept = new Int32Array(0);
let stamp = 0;

/**
 * Where a term's meaning occurs in the indexed entries (memoized per index): the positions whose senses share a
 * member with the term's, each counted once however many senses they share, and its BM25 idf over those entries.
 *
 * @example
 * matchConcept(index, '提现').entries // the entries that mention 提现 or withdrawing
 */
export function matchConcept(index: FaqIndex, term: string): ConceptMatch {
  const cached = index.concepts.get(term);
  if (cached !== undefined) return cached;
  if (seenPosition.length < index.positionEntry.length) seenPosition = new Int32Array(index.positionEntry.length * 2);
  if (seenConcept.length < index.titleConceptEntry.length) seenConcept = new Int32Array(index.titleConceptEntry.length * 2);
  stamp = stamp >= 0x7fffffff ? 1 : stamp + 1;
  if (stamp === 1) {
    seenPosition.fill(0);
    seenConcept.fill(0);
  }
  const tf = new Map<number, [number, number]>();
  const titleConcepts: number[] = [];
  for (const sense of termSenses(term)) {
    const positions = index.senses.get(sense);
    if (positions === undefined) continue;
    for (const position of positions) {
      if (seenPosition[position] === stamp) continue;
      seenPosition[position] = stamp;
      const entry = index.positionEntry[position]!;
      const counts = tf.get(entry) ?? [0, 0];
      counts[index.positionField[position]!]!++;
      tf.set(entry, counts);
      const concept = index.positionTitleConcept[position]!;
      if (concept >= 0 && seenConcept[concept] !== stamp) {
        seenConcept[concept] = stamp;
        titleConcepts.push(concept);
      }
    }
  }
  const entries = [...tf.keys()].sort((a, b) => a - b);
  const { questionFieldWeight: wq, answerFieldWeight: wa, k1 } = index.config;
  const idf = bm25Idf(index.size, entries.length);
  const fieldTf = Float64Array.from(entries, (entry) => {
    const [questionTf, answerTf] = tf.get(entry)!;
    return (wq * Math.fround(questionTf)) / index.questionNorm[entry]! + (wa * Math.fround(answerTf)) / index.answerNorm[entry]!;
  });
  const match: ConceptMatch = {
    fieldTf,
    bm25: fieldTf.map((termTf) => (idf * (k1 + 1) * termTf) / (k1 + termTf)),
    idf,
    entries: Int32Array.from(entries),
    questionTf: Float32Array.from(entries, (entry) => tf.get(entry)![0]),
    answerTf: Float32Array.from(entries, (entry) => tf.get(entry)![1]),
    titleConcepts: Int32Array.from(titleConcepts),
  };
  index.concepts.set(term, match);
  return match;
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

/** The id of a gram hash in the table, -1 when no entry's title has it. */
export function charGramId(table: CharGramTable, gram: number): number {
  const mask = table.slots.length - 1;
  for (let slot = mixHash(gram) & mask; ; slot = (slot + 1) & mask) {
    const id = table.slotIds[slot]!;
    if (id < 0 || table.slots[slot] === gram) return id;
  }
}

function buildCharGramTable(
  rows: ReadonlyMap<number, { entries: number[]; weights: number[] }>,
  idf: ReadonlyMap<number, number>,
  size: number,
): CharGramTable {
  let capacity = 16;
  while (capacity < rows.size * 2) capacity *= 2;
  const slots = new Uint32Array(capacity);
  const slotIds = new Int32Array(capacity).fill(-1);
  const offsets = new Int32Array(rows.size + 1);
  let total = 0;
  for (const row of rows.values()) total += row.entries.length;
  const entries = new Int32Array(total);
  const weights = new Float32Array(total);
  const idfs = new Float64Array(rows.size);
  let id = 0;
  let at = 0;
  const mask = capacity - 1;
  for (const [gram, row] of rows) {
    let slot = mixHash(gram) & mask;
    while (slotIds[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = gram;
    slotIds[slot] = id;
    idfs[id] = idf.get(gram)!;
    offsets[id] = at;
    entries.set(row.entries, at);
    weights.set(row.weights, at);
    at += row.entries.length;
    id++;
  }
  offsets[id] = at;
  return {
    slots,
    slotIds,
    idf: idfs,
    offsets,
    entries,
    weights,
    maxWeight: maxWeightPerGram(offsets, weights),
    ...gramsPerEntry(offsets, entries, weights, size),
  };
}

function maxWeightPerGram(offsets: Int32Array, weights: Float32Array): Float64Array {
  const maxWeight = new Float64Array(offsets.length - 1);
  for (let id = 0; id < maxWeight.length; id++) for (let p = offsets[id]!; p < offsets[id + 1]!; p++) maxWeight[id] = Math.max(maxWeight[id]!, weights[p]!);
  return maxWeight;
}

/** The postings turned around: per entry its gram ids (ascending) and weights. */
function gramsPerEntry(
  offsets: Int32Array,
  entries: Int32Array,
  weights: Float32Array,
  size: number,
): Pick<CharGramTable, 'entryOffsets' | 'entryGrams' | 'entryWeights'> {
  const entryOffsets = new Int32Array(size + 1);
  for (const entry of entries) entryOffsets[entry + 1]!++;
  for (let entry = 0; entry < size; entry++) entryOffsets[entry + 1]! += entryOffsets[entry]!;
  const next = entryOffsets.slice(0, size);
  const entryGrams = new Int32Array(entries.length);
  const entryWeights = new Float32Array(entries.length);
  for (let id = 0; id < offsets.length - 1; id++) {
    for (let p = offsets[id]!; p < offsets[id + 1]!; p++) {
      const at = next[entries[p]!]!++;
      entryGrams[at] = id;
      entryWeights[at] = weights[p]!;
    }
  }
  return { entryOffsets, entryGrams, entryWeights };
}

/** Spreads a 32-bit hash over the table's low bits (hashes of similar grams share high bits). */
function mixHash(hash: number): number {
  let mixed = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
  mixed ^= mixed >>> 16;
  return mixed >>> 0;
}

function bm25Idf(size: number, df: number): number {
  return Math.log(1 + (size - df + 0.5) / (df + 0.5));
}

function smoothIdf(size: number, df: number): number {
  return Math.log((1 + size) / (1 + df)) + 1;
}

/** zh, zh-TW, zh-Hant ... are Chinese; en, en-GB ... English; other tags and none: detected. */
function languageOfTag(tag: string | null | undefined): QuestionLanguage | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh';
  if (primary === 'en') return 'en';
  return undefined;
}

function average(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
