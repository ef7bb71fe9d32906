import { ENGLISH_STOP_WORDS } from './stop-words.js';

export type QuestionLanguage = 'en' | 'zh' | 'other';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

/**
 * English, Chinese or other, by script: Chinese when at least a fifth of the letters are Han characters (a Chinese
 * question often carries Latin words such as USDT or KYC), English when Latin letters dominate and the words look
 * English (a stop word among five or more words), other otherwise.
 *
 * @example
 * detectLanguage('我的USDT提现还没到账') // 'zh'
 */
export function detectLanguage(text: string): QuestionLanguage {
  let han = 0;
  let latin = 0;
  let letters = 0;
  for (const char of text) {
    if (HAN.test(char)) han++;
    else if (LATIN.test(char)) latin++;
    else if (!LETTER.test(char)) continue;
    letters++;
  }
  if (letters === 0) return 'other';
  if (han / letters >= 0.2) return 'zh';
  if (latin / letters < 0.6) return 'other';
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const english = words.filter((word) => word.length > 1 && (ENGLISH_STOP_WORDS.has(word) || COMMON_ENGLISH.has(word)));
  if (words.length >= 5 && english.length === 0) return 'other';
  return 'en';
}

const COMMON_ENGLISH = new Set(['not', 'please', 'help', 'account', 'money', 'card', 'hi', 'hello', 'thanks']);
