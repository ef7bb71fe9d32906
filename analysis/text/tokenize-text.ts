import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { segmentChineseWords } from './chinese-words.js';
import { hasHan } from './han-script.js';
import type { QuestionLanguage } from './detect-language.js';
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from './stop-words.js';

const tokenizer = new AggressiveTokenizer();
const HAN_RUN = /[\p{Script=Han}]+|[^\p{Script=Han}]+/gu;
const PLACEHOLDER = /^<[A-Z_]+>$/;

/** The vocabulary of support questions is small: stemming each distinct word once keeps tokenizing cheap. */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = PorterStemmer.stem(word);
    if (stemCache.size < STEM_CACHE_LIMIT) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Terms of a normalized, redacted question: English words through natural's aggressive tokenizer and Porter
 * stemmer, Chinese runs through jieba (Traditional read as Simplified); stop words, bare numbers and one-letter words dropped. Redaction
 * placeholders (`<EMAIL>` ...) are kept as terms of their own. Mixed text is split by script, so a Chinese
 * question's Latin words (USDT, KYC) are stemmed English terms.
 *
 * @example
 * tokenizeText('Withdrawals are pending', 'en') // ['withdraw', 'pend']
 */
export function tokenizeText(text: string, language: QuestionLanguage): string[] {
  const terms: string[] = [];
  const placeholders = text.includes('<') ? text.match(/<[A-Z_]+>/g) : null;
  if (placeholders) for (const placeholder of placeholders) terms.push(placeholder.toLowerCase());
  const clean = withoutNoise(placeholders ? text.replace(/<[A-Z_]+>/g, ' ') : text);
  if (language !== 'zh' && !hasHan(clean)) {
    pushEnglish(clean, terms);
    return terms;
  }
  for (const run of clean.match(HAN_RUN) ?? []) {
    if (hasHan(run)) pushChinese(run, terms);
    else pushEnglish(run, terms);
  }
  return terms;
}

/**
 * Links, @handles and the # of hashtags say who and where, not what is asked; they never become terms (a hashtag's
 * word stays).
 */
function withoutNoise(text: string): string {
  if (!/[@#/]|www\./i.test(text)) return text;
  return text
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ')
    .replace(/(?<![\p{L}\p{N}])@[\p{L}\p{N}_]+/gu, ' ')
    .replace(/(?<![\p{L}\p{N}&])#(?=[\p{L}\p{N}])/gu, ' ');
}

/** Order numbers, serials and build numbers (`sm-t280`, `8.4.22`, `a1b2c3d4`): a word with digits that is not a
 * ticker, network or model name customers share (`trc20`, `erc20`, `2fa`, `iphone6`) when it is long and mixed. */
function isIdLike(word: string): boolean {
  if (!/\d/.test(word)) return false;
  if (/^\d+(?:[.,:/-]\d+)+$/.test(word)) return true;
  const digits = word.replace(/\D/g, '').length;
  return word.length >= 8 && digits >= 3;
}

/**
 * The term of each word token seen (null: dropped): a token's term depends on nothing else, and support words repeat.
 * Tokens with digits (amounts, ids, most of them seen once) are not kept: they would fill it.
 */
const englishTerms = new Map<string, string | null>();
const ENGLISH_TERMS_LIMIT = 100_000;

function pushEnglish(text: string, terms: string[]): void {
  for (const raw of tokenizer.tokenize(text.toLowerCase())) {
    let term = englishTerms.get(raw);
    if (term === undefined) {
      term = englishTerm(raw);
      if (englishTerms.size < ENGLISH_TERMS_LIMIT && !/\d/.test(raw)) englishTerms.set(raw, term);
    }
    if (term !== null) terms.push(term);
  }
}

/** A lower-cased token's term: its word (`englishWord`) stemmed; null when it has none. */
function englishTerm(raw: string): string | null {
  const word = englishWord(raw);
  if (word === null) return null;
  const stemmed = stem(word);
  return stemmed.length > 0 ? stemmed : null;
}

/** A lower-cased token trimmed of quotes, dashes and slashes; null for a stop word, number, placeholder or id. */
function englishWord(raw: string): string | null {
  const word = raw.replace(/^['\-/]+|['\-/]+$/g, '');
  if (word.length < 2 || ENGLISH_STOP_WORDS.has(word) || /^\d+$/.test(word) || PLACEHOLDER.test(word) || isIdLike(word)) return null;
  return word;
}

/** Chinese runs repeat (充值, 没到账, 提现): each distinct run is segmented once. */
const chineseCache = new Map<string, readonly string[]>();
const CHINESE_CACHE_LIMIT = 100_000;

function pushChinese(text: string, terms: string[]): void {
  let cached = chineseCache.get(text);
  if (cached === undefined) {
    cached = segmentChineseWords(text).filter((word) => hasHan(word) && !CHINESE_STOP_WORDS.has(word));
    if (chineseCache.size < CHINESE_CACHE_LIMIT) chineseCache.set(text, cached);
  }
  for (const term of cached) terms.push(term);
}

/**
 * Each English term with the word it came from, for labels people can read ("withdrawal" rather than "withdraw").
 * Chinese terms are their own surface form.
 */
export function termSurfaces(text: string, language: QuestionLanguage): [term: string, surface: string][] {
  const pairs: [string, string][] = [];
  if (language !== 'zh' && !hasHan(text)) {
    for (const raw of tokenizer.tokenize(withoutNoise(text.replace(/<[A-Z_]+>/g, ' ')).toLowerCase())) {
      // A placeholder cannot be a token here (they are blanked first, and tokens have no '<'): the same words as the terms.
      const word = englishWord(raw);
      if (word !== null) pairs.push([stem(word), word]);
    }
  }
  return pairs;
}
