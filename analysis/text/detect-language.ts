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
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII and the common CJK block are decided by code point; only other characters need the Unicode tables.
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) latin++;
    else if (code < 128) continue;
    else if (code >= 0x4e00 && code <= 0x9fff) han++;
    else if (code >= 0xdc00 && code <= 0xdfff) continue;
    else {
      const char = code >= 0xd800 && code <= 0xdbff ? text.slice(i, i + 2) : text[i]!;
      if (HAN.test(char)) han++;
      else if (LATIN.test(char)) latin++;
      else if (!LETTER.test(char)) continue;
    }
    letters++;
  }
  if (letters === 0) return 'other';
  if (han / letters >= 0.2) return 'zh';
  if (latin / letters < 0.6) return 'other';
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  if (words.length >= 5 && !words.some((word) => word.length > 1 && (ENGLISH_STOP_WORDS.has(word) || COMMON_ENGLISH.has(word)))) return 'other';
  return 'en';
}

const COMMON_ENGLISH = new Set(['not', 'please', 'help', 'account', 'money', 'card', 'hi', 'hello', 'thanks']);
