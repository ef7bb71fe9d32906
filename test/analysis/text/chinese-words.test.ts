import { describe, expect, test } from 'vitest';
import { segmentChineseWords, toSimplifiedChinese } from '../../../analysis/text/chinese-words.js';

describe('toSimplifiedChinese', () => {
  test('Traditional characters and Taiwan vocabulary read as Simplified', () => {
    expect(toSimplifiedChinese('怎麼重置二次驗證')).toBe('怎么重置二次验证');
    expect(toSimplifiedChinese('軟體')).toBe('软件');
  });

  test('Simplified text is left as written: Taiwan word meanings are not applied to mainland words', () => {
    // In Taiwan 程序 is a procedure (the phrase table turns it into 进程, a process); on the mainland, a program.
    expect(toSimplifiedChinese('程序员')).toBe('程序员');
    expect(toSimplifiedChinese('你程序的名字')).toBe('你程序的名字');
  });
});

describe('segmentChineseWords', () => {
  test('a Simplified program stays a program', () => {
    expect(segmentChineseWords('程序的名字')).toContain('程序');
  });
});
