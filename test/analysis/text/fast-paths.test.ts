import { describe, expect, test } from 'vitest';
import { hasHan } from '../../../analysis/text/han-script.js';
import { normalizeText } from '../../../analysis/text/normalize-text.js';
import { redactPersonalData } from '../../../analysis/text/redact-personal-data.js';
import { tokenizeText } from '../../../analysis/text/tokenize-text.js';
import { hashPair, hashString } from '../../../analysis/topics/seeded-random.js';

// The shortcuts taken for speed (bench:topics-prepare) must answer exactly as the plain computations they skip.

describe('hasHan answers as the Unicode Han test', () => {
  const han = /\p{Script=Han}/u;
  test.each(['提现', 'USDT 提現', '㐀', '𠀀', '⺀', '々', 'withdraw', 'ｕｓｄｔ', 'café', '', '한국어', 'かな', '\u2e7f'])('%j', (text) => {
    expect(hasHan(text)).toBe(han.test(text));
  });
});

describe('hashPair is the hash of the two terms joined by a space', () => {
  test.each([
    ['withdraw', 'pend'],
    ['提现', '到账'],
    ['', 'x'],
    ['<email>', ''],
    ['usdt', '提现'],
  ])('%j %j', (first, second) => {
    for (const seed of [0x01234567, 0x811c9dc5, 0]) expect(hashPair(first, second, seed)).toBe(hashString(`${first} ${second}`, seed));
  });
});

describe('normalizeText collapses every run of white space to one space', () => {
  test.each([
    ['a b', 'a b'],
    ['a  b', 'a b'],
    ['a\tb', 'a b'],
    ['a \t\n b', 'a b'],
    ['a\u00a0b', 'a b'],
    ['a\u2028\u2029b', 'a b'],
    ['\n lead and trail \t', 'lead and trail'],
    ['一　二', '一 二'],
  ])('%j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('the terms of a token are the same the second time (they are kept per token)', () => {
  test.each(['Withdrawals are pending for 2 hours', "I can't log-in /again", 'ORD-123456 order id sm-t280 8.4.22 trc20'])('%j', (text) => {
    const first = tokenizeText(text, 'en');
    expect(tokenizeText(text, 'en')).toEqual(first);
    expect(tokenizeText(text.toUpperCase(), 'en')).toEqual(first);
  });
});

describe('redaction still finds what the skipped searches look for', () => {
  test.each([
    ['mail ann@example.com now', 'mail <EMAIL> now'],
    ['call +44 20 7946 0958', 'call <PHONE>'],
    ['send to 0x52908400098527886E0F7030069857D2E4169EE7', 'send to <WALLET>'],
    ['to BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'to <WALLET>'],
    ['no personal data here, 42 coins', 'no personal data here, 42 coins'],
  ])('%j', (input, expected) => {
    expect(redactPersonalData(input)).toBe(expected);
  });
});
