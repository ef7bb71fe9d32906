import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';
import { SUPPORT_GLOSSARY } from './support-glossary.js';

/** Senses of a dictionary entry read (CC-CEDICT orders them roughly by how common they are); later ones are rare. */
const MAX_SENSES = 4;
/** English words kept from one Chinese word: a word with a long gloss list says little about any one of them. */
const MAX_WORDS_PER_ENTRY = 8;

let glosses: Map<string, string> | undefined;
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
    stems =
      glossary !== undefined
        ? stemsOf([glossary])
        : stemsOf((loadGlosses().get(word) ?? '').split('/').filter(isMeaning).slice(0, MAX_SENSES)).slice(0, MAX_WORDS_PER_ENTRY);
    stemsByWord.set(word, stems);
  }
  return stems;
}

/** Reads the dictionary on first use (about 120,000 entries): only data with Chinese text needs it. */
function loadGlosses(): Map<string, string> {
  if (glosses !== undefined) return glosses;
  const map = new Map<string, string>();
  for (const line of readCedictLines()) {
    if (line.startsWith('#')) continue;
    const firstSpace = line.indexOf(' ');
    const secondSpace = line.indexOf(' ', firstSpace + 1);
    const slash = line.indexOf('/');
    if (firstSpace < 0 || secondSpace < 0 || slash < secondSpace) continue;
    const simplified = line.slice(firstSpace + 1, secondSpace);
    const senses = line.slice(slash + 1, line.endsWith('/') ? -1 : undefined);
    const known = map.get(simplified);
    map.set(simplified, known === undefined ? senses : `${known}/${senses}`);
  }
  glosses = map;
  return map;
}

function readCedictLines(): string[] {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('hanzi/lib/data/cedict_ts.u8.js'), 'utf8');
  // The package wraps the dictionary's text in `module.exports = \`...\``; the text has no backquote of its own.
  const start = source.indexOf('`');
  const end = source.lastIndexOf('`');
  if (start < 0 || end <= start) throw new Error('hanzi: the CC-CEDICT text was not found in its data file');
  return source.slice(start + 1, end).split('\n');
}

/** Surnames, classifiers, variant and cross references say nothing about what a word means in a question. */
function isMeaning(sense: string): boolean {
  return !/^(?:surname |CL:|variant of |old variant of |see |see also |abbr\. for |used in |erhua variant|\(archaic\)|\(old\)|\(literary\)|\(dialect\)|\(Cantonese\)|\(Taiwan pr\.)/i.test(
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
