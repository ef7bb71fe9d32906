import { expect, test } from 'vitest';
import type { AnalyzedTopic, TopicAnalysis } from '../../../analysis/topics/analyze-topics.js';
import { distinguishLabels, mergeTopicsAcrossLanguages } from '../../../analysis/topics/merge-across-languages.js';
import type { QuestionLanguage } from '../../../analysis/text/detect-language.js';

function analysisOf(groups: { texts: string[]; language: QuestionLanguage; label: string; topTerms: string[] }[]): TopicAnalysis {
  const texts: string[] = [];
  const languages: QuestionLanguage[] = [];
  const assignment: number[] = [];
  const topics: AnalyzedTopic[] = groups.map((group, t) => {
    const first = texts.length;
    for (const text of group.texts) {
      texts.push(text);
      languages.push(group.language);
      assignment.push(t);
    }
    return {
      size: group.texts.length,
      label: group.label,
      topTerms: group.topTerms,
      signature: Object.fromEntries(group.topTerms.map((term) => [term, 0.5])),
      representative: first,
    };
  });
  return {
    texts,
    languages,
    assignment: Int32Array.from(assignment),
    similarity: new Float32Array(texts.length).fill(0.9),
    topics,
    fittedOn: texts.length,
    workers: 0,
    timings: { fitMs: 0, assignMs: 0, fitCpuMs: 0 },
  };
}

test('the same question in English and in Chinese (Traditional too) becomes one topic; different questions do not', () => {
  const analysis = analysisOf([
    {
      texts: ['How do I reset two-factor authentication?', 'reset my 2FA please', 'how to reset google authenticator 2FA'],
      language: 'en',
      label: 'reset / 2fa',
      topTerms: ['reset', '2fa'],
    },
    { texts: ['When will the NOVA token be listed?', 'NOVA listing time?'], language: 'en', label: 'nova / listing', topTerms: ['nova', 'listing'] },
    { texts: ['怎么重置二次验证？', '怎麼重置二次驗證？', '二次验证怎么重置'], language: 'zh', label: '重置 / 二次验证', topTerms: ['重置', '二次验证'] },
    { texts: ['充值500 USDT两个小时了还没到账', '充币没有到账'], language: 'zh', label: '充值 / 到账', topTerms: ['充值', '到账'] },
  ]);
  const merged = mergeTopicsAcrossLanguages(analysis);
  expect(merged.topics.map((topic) => [topic.label, topic.size])).toEqual([
    ['reset / 2fa · 重置 / 二次验证', 6],
    ['nova / listing', 2],
    ['充值 / 到账', 2],
  ]);
  expect([...merged.assignment]).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 2, 2]);
});

test('topics with the same label say how they differ', () => {
  const analysis = analysisOf([
    { texts: ['a', 'b', 'c'], language: 'en', label: 'btc / pending / withdrew', topTerms: ['btc', 'pending', 'withdrew', 'hours'] },
    { texts: ['d', 'e'], language: 'en', label: 'btc / pending / withdrew', topTerms: ['btc', 'pending', 'withdrew', 'eth'] },
    { texts: ['f'], language: 'en', label: 'fees', topTerms: ['fees'] },
  ]);
  expect(distinguishLabels(analysis).topics.map((topic) => topic.label)).toEqual(['btc / pending / withdrew', 'btc / pending / withdrew (eth)', 'fees']);
});

test('a topic whose label reads like one language of a merged topic says how it differs', () => {
  const analysis = analysisOf([
    { texts: ['a', 'b', 'c'], language: 'en', label: 'reset / two-factor · 二次验证 / 重置', topTerms: ['reset', 'two-factor', '二次验证', '重置'] },
    { texts: ['d', 'e'], language: 'zh', label: '二次验证 / 重置', topTerms: ['二次验证', '重置', '邮箱'] },
    { texts: ['f'], language: 'en', label: 'fees', topTerms: ['fees'] },
  ]);
  expect(distinguishLabels(analysis).topics.map((topic) => topic.label)).toEqual(['reset / two-factor · 二次验证 / 重置', '二次验证 / 重置 (邮箱)', 'fees']);
});

test('a smaller topic described exactly like a larger one (label and every top term) joins it', () => {
  const analysis = analysisOf([
    { texts: ['a', 'b', 'c'], language: 'en', label: 'reset / two-factor · 二次验证 / 重置', topTerms: ['reset', 'two-factor', '二次验证', '重置'] },
    { texts: ['f', 'g'], language: 'en', label: 'fees', topTerms: ['fees'] },
    { texts: ['d'], language: 'zh', label: '二次验证 / 重置', topTerms: ['重置', '二次验证'] },
  ]);
  const distinguished = distinguishLabels(analysis);
  expect(distinguished.topics.map((topic) => [topic.label, topic.size, topic.topTerms])).toEqual([
    ['reset / two-factor · 二次验证 / 重置', 4, ['reset', 'two-factor', '二次验证', '重置']],
    ['fees', 2, ['fees']],
  ]);
  expect([...distinguished.assignment]).toEqual([0, 0, 0, 1, 1, 0]);
  expect(distinguished.topics[0]!.representative).toBe(analysis.topics[0]!.representative);
});
