import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';
import { SUPPORT_GLOSSARY } from './support-glossary.js';

/** Senses of a dictionary entry read (CC-CEDICT orders them roughly by how common they are); later ones are rare. */
const MAX_SENSES = 4;
/** English words kept from one Chinese word: a word with a long gloss list says little about any one of them. */
const MAX_WORDS_PER_ENTRY = 8;

let glosses: CedictGlosses | undefined;
const stemsByWord = new Map<string, readonly string[]>();

/**
 * The English words (Porter stems, stop words dropped) that a Chinese word (Simplified) means, from CC-CEDICT as the
 * `hanzi` package ships it and the support glossary, which comes first. Empty for a word neither knows.
 *
 * @example
 * englishStemsOf('提现') // ['withdraw', 'cash']
 */
export function englishStemsOf(word: string): readonly string[] {
  let stems = stemsByWord.get(word);
  if (stems === undefined) {
    const glossary = SUPPORT_GLOSSARY[word];
    stems = glossary !== undefined ? stemsOf([glossary]) : dictionaryStems(word);
    if (stems.length === 0) stems = compoundStems(word);
    stemsByWord.set(word, stems);
  }
  return stems;
}

function dictionaryStems(word: string, senses = MAX_SENSES): string[] {
  const glossesByWord = loadGlosses();
  const all = (glossesByWord.sensesOf(word) ?? '').split('/');
  let meanings = all.filter(isMeaning);
  // A word listed only as another's variant or pointer (帐号: "variant of 賬號|账号") means what that word means.
  if (meanings.length === 0) {
    for (const target of all.map(referencedWord)) {
      if (target === undefined || target === word) continue;
      meanings = (glossesByWord.sensesOf(target) ?? '').split('/').filter(isMeaning);
      if (meanings.length > 0) break;
    }
  }
  return stemsOf(meanings.slice(0, senses)).slice(0, MAX_WORDS_PER_ENTRY);
}

/** The Simplified headword a cross-reference sense points to ("variant of 賬號|账号[zhang4 hao4]" -> 账号), if any. */
function referencedWord(sense: string): string | undefined {
  const match = /^(?:old )?(?:variant of|see(?: also)?) (\p{Script=Han}+)(?:\|(\p{Script=Han}+))?/u.exec(sense.trim());
  return match === null ? undefined : (match[2] ?? match[1]);
}

/** The longest dictionary word looked for inside a compound: CC-CEDICT's common words are at most four characters. */
const MAX_PIECE_LENGTH = 4;

/**
 * The meaning of a word the dictionary lacks, from its parts: jieba keeps compounds such as 电话号码 (电话 + 号码) or
 * 测试版 (测试 + 版) whole, and CC-CEDICT lists only some of them. The word is cut into its longest dictionary words
 * from the left; parts of one character are skipped, since a single character carries many unrelated senses.
 * Empty when no part of two or more characters is known.
 *
 * @example
 * compoundStems('电话号码') // ['telephon', 'phone', 'call', 'number']
 */
function compoundStems(word: string): string[] {
  const characters = [...word];
  if (characters.length < 2 || !characters.every((c) => /\p{Script=Han}/u.test(c))) return [];
  const glossesByWord = loadGlosses();
  const stems: string[] = [];
  for (let start = 0; start < characters.length; ) {
    let length = Math.min(MAX_PIECE_LENGTH, characters.length - start);
    // A piece as long as the whole word is the word itself, which the dictionary has already said it lacks.
    if (start === 0 && length === characters.length) length--;
    while (length > 1 && !glossesByWord.has(characters.slice(start, start + length).join(''))) length--;
    const piece = characters.slice(start, start + length).join('');
    if (length > 1) {
      const pieceStems = SUPPORT_GLOSSARY[piece] !== undefined ? stemsOf([SUPPORT_GLOSSARY[piece]!]) : dictionaryStems(piece);
      for (const stem of pieceStems) if (!stems.includes(stem)) stems.push(stem);
    }
    start += length;
  }
  return stems.slice(0, MAX_WORDS_PER_ENTRY);
}

/** Reads the dictionary on first use (about 120,000 entries): only data with Chinese text needs it. */
function loadGlosses(): CedictGlosses {
  if (glosses !== undefined) return glosses;
  const require = createRequire(import.meta.url);
  glosses = new CedictGlosses(readFileSync(require.resolve('hanzi/lib/data/cedict_ts.u8.js')));
  return glosses;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const SLASH = 0x2f;
const HASH = 0x23;
const BACKQUOTE = 0x60;

/**
 * CC-CEDICT's senses by Simplified headword, kept as the file's bytes plus where each entry's senses lie: every
 * thread that segments Chinese holds one, and a map of 120,000 decoded gloss strings cost several times the file's
 * size. A headword on several lines has their senses joined with '/'. The delimiters are ASCII, so byte offsets
 * split UTF-8 exactly where character offsets would split the text.
 */
class CedictGlosses {
  private readonly first = new Map<string, number>();
  private starts: Int32Array;
  private ends: Int32Array;
  private next: Int32Array;
  private count = 0;

  constructor(private readonly bytes: Buffer) {
    // The package wraps the dictionary's text in `module.exports = \`...\``; the text has no backquote of its own.
    const open = bytes.indexOf(BACKQUOTE);
    const close = bytes.lastIndexOf(BACKQUOTE);
    if (open < 0 || close <= open) throw new Error('hanzi: the CC-CEDICT text was not found in its data file');
    this.starts = new Int32Array(131_072);
    this.ends = new Int32Array(131_072);
    this.next = new Int32Array(131_072);
    const last = new Map<string, number>();
    for (let lineStart = open + 1; lineStart < close; ) {
      let lineEnd = bytes.indexOf(NEWLINE, lineStart);
      if (lineEnd < 0 || lineEnd > close) lineEnd = close;
      this.readLine(lineStart, lineEnd, last);
      lineStart = lineEnd + 1;
    }
  }

  has(word: string): boolean {
    return this.first.has(word);
  }

  /** The senses of a headword, '/'-separated, or undefined. */
  sensesOf(word: string): string | undefined {
    let entry = this.first.get(word);
    if (entry === undefined) return undefined;
    const parts: string[] = [];
    for (; entry >= 0; entry = this.next[entry]!) parts.push(this.bytes.toString('utf8', this.starts[entry]!, this.ends[entry]!));
    return parts.join('/');
  }

  private readLine(start: number, end: number, last: Map<string, number>): void {
    const bytes = this.bytes;
    if (start === end || bytes[start] === HASH) return;
    const within = (at: number): number => (at < 0 || at >= end ? -1 : at);
    const firstSpace = within(bytes.indexOf(SPACE, start));
    const secondSpace = firstSpace < 0 ? -1 : within(bytes.indexOf(SPACE, firstSpace + 1));
    const slash = within(bytes.indexOf(SLASH, start));
    if (firstSpace < 0 || secondSpace < 0 || slash < secondSpace) return;
    const simplified = bytes.toString('utf8', firstSpace + 1, secondSpace);
    const entry = this.add(slash + 1, bytes[end - 1] === SLASH ? end - 1 : end);
    const previous = last.get(simplified);
    if (previous === undefined) this.first.set(simplified, entry);
    else this.next[previous] = entry;
    last.set(simplified, entry);
  }

  private add(start: number, end: number): number {
    if (this.count === this.starts.length) {
      const grow = (array: Int32Array): Int32Array => {
        const grown = new Int32Array(array.length * 2);
        grown.set(array);
        return grown;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.next = grow(this.next);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.next[this.count] = -1;
    return this.count++;
  }
}

/** Surnames, classifiers, variant and cross references say nothing about what a word means in a question. */
function isMeaning(sense: string): boolean {
  return !/^(?:surname |CL:|variant of |old variant of |see |see also |abbr\. for |short (?:name|form) for |used in |erhua variant|\(archaic\)|\(old\)|\(literary\)|\(dialect\)|\(Cantonese\)|\(Taiwan pr\.)/i.test(
    sense.trim(),
  );
}

function stemsOf(senses: readonly string[]): string[] {
  const stems: string[] = [];
  for (const sense of senses) {
    const plain = sense
      .replace(/\([^)]*\)/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\p{Script=Han}+(?:\|\p{Script=Han}+)?/gu, ' ');
    for (const raw of plain.toLowerCase().match(/[a-z0-9][a-z0-9'-]*/g) ?? []) {
      const word = raw.replace(/['-]+$/, '');
      if (word.length < 2 || ENGLISH_STOP_WORDS.has(word) || GLOSS_FILLERS.has(word) || /^\d+$/.test(word)) continue;
      const stem = PorterStemmer.stem(word);
      if (!stems.includes(stem)) stems.push(stem);
    }
  }
  return stems;
}

/** Words dictionary glosses use to describe rather than to mean: "sth", "sb", "etc", "one's". */
const GLOSS_FILLERS: ReadonlySet<string> = new Set(['sth', 'sb', 'etc', "one's", 'oneself', 'esp', 'lit', 'fig', 'pr', 'usu', 'something', 'someone']);
