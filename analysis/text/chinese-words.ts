import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js/t2cn';
import { GLOSSARY_WORD_FREQUENCY, SUPPORT_GLOSSARY } from './support-glossary.js';

let jieba: Jieba | undefined;
let toSimplified: ((text: string) => string) | undefined;
let charactersToSimplified: ((text: string) => string) | undefined;

function segmenter(): Jieba {
  if (jieba === undefined) {
    jieba = Jieba.withDict(dict);
    const userWords = Object.keys(SUPPORT_GLOSSARY).map((word) => `${word} ${GLOSSARY_WORD_FREQUENCY} n`);
    jieba.loadDict(Buffer.from(userWords.join('\n'), 'utf8'));
  }
  return jieba;
}

/**
 * Traditional Chinese (Taiwan and Hong Kong characters and Taiwan vocabulary such as 軟體) as Simplified, so both
 * scripts are one vocabulary. Simplified text comes back unchanged: Taiwan's vocabulary is rewritten only in text
 * written in Traditional characters, since the same word can mean another thing on the mainland (程序 is a program
 * there and a procedure in Taiwan, where the phrase table turns it into 进程, a process).
 *
 * @example
 * toSimplifiedChinese('怎麼重置二次驗證') // '怎么重置二次验证'
 * toSimplifiedChinese('程序员') // '程序员'
 */
export function toSimplifiedChinese(text: string): string {
  const characters = (charactersToSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  if (characters(text) === text) return text;
  const convert = (toSimplified ??= OpenCC.Converter({ from: 'twp', to: 'cn' }));
  return convert(text);
}

/**
 * Words of a run of Chinese text as a Chinese reader splits it: Traditional read as Simplified, then jieba (its
 * standard dictionary and HMM for unknown words) with the support glossary's terms added as words.
 *
 * @example
 * segmentChineseWords('提幣顯示成功但是錢包沒有收到') // ['提币', '显示', '成功', '但是', '钱包', '没有', '收到']
 */
export function segmentChineseWords(text: string): string[] {
  return segmenter().cut(toSimplifiedChinese(text), true);
}
