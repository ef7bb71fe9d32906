import type { QuestionLanguage } from '../text/detect-language.js';
import { hasHan } from '../text/han-script.js';
import { isChineseTerm, termSenses } from '../text/term-senses.js';
import { hashPair, hashString } from './seeded-random.js';

/** Hashed features of one question, before weighting: repeated hashes count as term frequency. */
export interface QuestionFeatures {
  /** Stemmed words and pairs of neighbouring words. */
  words: Uint32Array;
  /** Character 2-4-grams inside word boundaries for Latin text, 1-2-grams for Chinese. */
  chars: Uint32Array;
}

const WORD_SEED = 0x811c9dc5;
const PAIR_SEED = 0x01234567;
const CHAR_SEED = 0x9e3779b9;
/**
 * English senses of a Chinese word used as word features: the first ones, the commonest meanings. Chosen (3 of
 * 0 / 3 / all, as words or also as character n-grams) by the Chinese-only grouping of support-zh, a labelled set:
 * all senses cost NMI 0.05 there, their character n-grams another 0.05, the first 3 as words 0.01.
 */
const SENSES_PER_WORD = 3;
const SEGMENTS = /[\p{Script=Han}]+|[\p{L}\p{N}']+/gu;

/**
 * The features a question is grouped by: its terms (stemmed English words, Chinese words) and their neighbouring
 * pairs, and its character n-grams, which tolerate typos and inflections that stemming misses.
 *
 * @example
 * extractQuestionFeatures('card arrived', 'en', ['card', 'arriv']).words.length // 3
 */
export function extractQuestionFeatures(text: string, _language: QuestionLanguage, terms: readonly string[]): QuestionFeatures {
  const chars: number[] = [];
  for (const segment of questionSegments(text)) pushSegmentNgrams(segment, chars);
  // The constructor copies a plain array in one pass; `Uint32Array.from` walks the iterator protocol (slower here).
  return { words: extractWordHashes(terms), chars: new Uint32Array(chars) };
}

/** The word features of a question's terms (see `extractQuestionFeatures`). */
export function extractWordHashes(terms: readonly string[]): Uint32Array {
  const words: number[] = [];
  for (let i = 0; i < terms.length; i++) {
    words.push(hashString(terms[i]!, WORD_SEED));
    if (i + 1 < terms.length) words.push(hashPair(terms[i]!, terms[i + 1]!, PAIR_SEED));
    // A Chinese word also counts as the English words it means, so the same question in both languages shares words.
    if (isChineseTerm(terms[i]!)) for (const hash of senseHashes(terms[i]!)) words.push(hash);
  }
  return new Uint32Array(words);
}

/** The word hashes of each Chinese term's senses, worked out once per term (support questions reuse few words). */
const senseHashCache = new Map<string, Uint32Array>();
const SENSE_HASH_CACHE_LIMIT = 100_000;

function senseHashes(term: string): Uint32Array {
  let hashes = senseHashCache.get(term);
  if (hashes === undefined) {
    const senses = termSenses(term).slice(1, 1 + SENSES_PER_WORD);
    hashes = new Uint32Array(senses.length);
    for (let s = 0; s < senses.length; s++) hashes[s] = hashString(senses[s]!, WORD_SEED);
    if (senseHashCache.size < SENSE_HASH_CACHE_LIMIT) senseHashCache.set(term, hashes);
  }
  return hashes;
}

/**
 * The segments whose character n-grams are a question's character features: runs of Han characters, and words of
 * other letters and digits, lower-cased, redaction placeholders left out. A question's character features are the
 * n-grams of each of its segments in turn, so they can be computed (and their projection kept) once per segment.
 *
 * @example
 * questionSegments('Card <CARD> 没到账') // ['card', '没到账']
 */
export function questionSegments(text: string): string[] {
  // Most questions hold no placeholder: the search for one is skipped.
  return (text.includes('<') ? text.replace(/<[A-Z_]+>/g, ' ') : text).toLowerCase().match(SEGMENTS) ?? [];
}

/** Appends the character n-gram hashes of one segment: 1-2-grams of a Han run, 2-4-grams of a word with its boundaries. */
export function pushSegmentNgrams(segment: string, out: number[]): void {
  if (hasHan(segment)) pushNgrams(segment, 1, 2, out);
  else pushNgrams(` ${segment} `, 2, 4, out);
}

function pushNgrams(text: string, min: number, max: number, out: number[]): void {
  const length = text.length;
  for (let n = min; n <= max; n++) {
    if (length < n) {
      if (n === min) out.push(hashRange(text, 0, length, n));
      break;
    }
    for (let start = 0; start + n <= length; start++) out.push(hashRange(text, start, start + n, n));
  }
}

function hashRange(text: string, start: number, end: number, n: number): number {
  let hash = (CHAR_SEED ^ n) >>> 0;
  for (let i = start; i < end; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
