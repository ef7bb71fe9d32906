import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { computeFaqMatches } from '../../../analysis/faq/compute-faq-matches.js';
import { buildFaqIndex } from '../../../analysis/faq/faq-index.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../../analysis/faq/faq-matching-config.js';
import { listCurrentFaqEntries } from '../../../analysis/faq/faq-store.js';
import { findBestFaqEntries } from '../../../analysis/faq/find-best-faq-entries.js';
import { RANKED_PER_QUESTION, rankingAt, type PackedRankings } from '../../../analysis/faq/rank-distinct-questions.js';
import { rankTopicQuestion } from '../../../analysis/faq/rank-topic-question.js';
import { normalizeText } from '../../../analysis/text/normalize-text.js';
import { prepareQuestion } from '../../../analysis/text/prepare-question.js';
import { analyzeTopics } from '../../../analysis/topics/analyze-topics.js';
import { computeTopics } from '../../../analysis/topics/compute-topics.js';
import { extractQuestionFeatures } from '../../../analysis/topics/question-features.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import type { DatabaseHandle } from '../../../db/connection.js';
import { generateQuestions } from '../../../bench/synthetic-questions.js';
import { insertQuestions, openTestDatabase, startAnalysisRun } from '../topics/topics-db.js';
import { insertFaqEntries } from './faq-db.js';

const ENTRIES = [
  { title: 'How do I reset 2FA after losing my phone?', body: 'Choose Reset 2FA on the log-in page and verify your identity.' },
  { title: 'Why has my withdrawal not arrived?', body: 'Withdrawals are processed within 30 minutes; check the network and the transaction hash.' },
  { title: '交易手续费是多少？', language: 'zh', body: '现货交易手续费为 0.1%。' },
  { title: 'What are the trading fees?', body: 'The spot trading fee is 0.1% for makers and takers.' },
  ...generateQuestions(40, 3).map((question, i) => ({ title: question.body.slice(0, 80), body: `${question.body} (answer ${i})` })),
];

describe('rankTopicQuestion', () => {
  test("gives what ranking the stored text gives, to the last bit, from the topics step's tokens", () => {
    const index = buildFaqIndex(ENTRIES, DEFAULT_FAQ_MATCHING_CONFIG);
    const texts = [
      ...generateQuestions(300, 8).map((question) => question.body),
      '怎么重置二次验证？',
      '提現一直在處理中',
      'Withdrawal pending, contact me at someone@example.com',
      'hi',
      '',
      `${'withdrawal '.repeat(90)}pending fee`,
    ];
    // Texts that normalizing changes after redaction and the cut (a placeholder's '>' composes with U+0338, a trailing
    // space is trimmed): they are read afresh, with the same answer.
    const changed = ['write to someone@example.com\u0338 about my fee', 'fees '.repeat(250)];
    for (const text of changed) expect(normalizeText(prepareQuestion(text).text)).not.toBe(prepareQuestion(text).text);
    for (const text of [...texts, ...changed]) {
      const question = prepareQuestion(text);
      const chars = extractQuestionFeatures(question.text, question.language, question.terms).chars;
      expect(rankTopicQuestion(index, question, chars)).toEqual(findBestFaqEntries(index, question.text, RANKED_PER_QUESTION));
    }
  });
});

describe('the topics step ranks its questions against the FAQ', () => {
  const generated = generateQuestions(300, 31);
  const questions = [...generated, ...generated.slice(0, 50)];
  const input = {
    keys: questions.map((_, i) => i),
    channels: questions.map((question) => question.channel),
    subjects: questions.map((question) => question.subject),
    bodies: questions.map((question) => question.body),
  };

  test.each([0, 2])('with %i worker threads, as the FAQ step would rank each stored text', async (workers) => {
    const analysis = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers }, { entries: ENTRIES, config: DEFAULT_FAQ_MATCHING_CONFIG });
    const index = buildFaqIndex(ENTRIES, DEFAULT_FAQ_MATCHING_CONFIG);
    const rankings = analysis.faqRankings!;
    expect(rankings.bestEntry.length).toBe(questions.length);
    analysis.texts.forEach((text, i) => {
      expect(rankingAt(rankings, i)).toEqual(findBestFaqEntries(index, text, RANKED_PER_QUESTION));
    });
    expect(new Set(rankings.bestEntry).size).toBeGreaterThan(5);
  });

  test('without a FAQ it ranks nothing', async () => {
    const analysis = await analyzeTopics(input, { ...DEFAULT_TOPICS_CONFIG, workers: 0 });
    expect(analysis.faqRankings).toBeUndefined();
  });
});

describe('computeFaqMatches with the topics step rankings', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await openTestDatabase();
  });
  afterEach(async () => {
    await handle.close();
  });

  const storedMatches = (run: number) =>
    handle.db
      .selectFrom('faq_matches')
      .select(['conversation_id', 'entry_id', 'entry_version', 'score', 'covered', 'cross_language'])
      .where('analysis_run_id', '=', run)
      .orderBy('conversation_id')
      .execute();

  test('stores exactly what ranking the stored questions stores', async () => {
    await insertFaqEntries(
      handle,
      ENTRIES.slice(0, 6).map((entry, i) => ({ externalId: `e${i}`, versions: [{ ...entry, language: entry.language ?? null }] })),
    );
    await insertQuestions(handle, generateQuestions(200, 12), 0);
    const entries = await listCurrentFaqEntries(handle.db);
    const faq = { entries, config: DEFAULT_FAQ_MATCHING_CONFIG };

    const shared = await startAnalysisRun(handle);
    const topics = await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0 }, { analysisRunId: shared, faq });
    const summary = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: shared, ranked: topics.faqRankings!, workers: 0 });

    const alone = await startAnalysisRun(handle);
    await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0 }, { analysisRunId: alone });
    const aloneSummary = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: alone, workers: 0 });

    const rows = await storedMatches(shared);
    expect(rows).toHaveLength(200);
    expect(rows).toEqual(await storedMatches(alone));
    expect({ ...summary, durationMs: 0 }).toEqual({ ...aloneSummary, durationMs: 0 });
    expect(summary.covered).toBeGreaterThan(0);
  });

  test('rankings made against other entry versions are not used', async () => {
    await insertFaqEntries(handle, [{ externalId: 'fees', versions: [{ title: 'What are the trading fees?', body: 'The spot trading fee is 0.1%.' }] }]);
    await insertQuestions(handle, generateQuestions(30, 13), 0);
    const run = await startAnalysisRun(handle);
    const topics = await computeTopics(
      handle,
      { ...DEFAULT_TOPICS_CONFIG, workers: 0 },
      { analysisRunId: run, faq: { entries: await listCurrentFaqEntries(handle.db), config: DEFAULT_FAQ_MATCHING_CONFIG } },
    );
    const ranked = topics.faqRankings!;
    // Rankings that found nothing: used as they are when made against the current entries, ignored otherwise.
    ranked.rankings.bestEntry.fill(-1);
    ranked.rankings.ownEntry.fill(-1);
    const used = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run, ranked, workers: 0 });
    expect(used.covered).toBe(0);
    const stale = { ...ranked, entries: ranked.entries.map((entry) => ({ ...entry, version: entry.version - 1 })) };
    const reranked = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run, ranked: stale, workers: 0 });
    expect(reranked.covered).toBeGreaterThan(0);
  });

  test('a question the rankings lack is ranked by the FAQ step', async () => {
    await insertFaqEntries(handle, [{ externalId: 'fees', versions: [{ title: 'What are the trading fees?', body: 'The spot trading fee is 0.1%.' }] }]);
    await insertQuestions(handle, generateQuestions(30, 14), 0);
    const run = await startAnalysisRun(handle);
    const entries = await listCurrentFaqEntries(handle.db);
    const topics = await computeTopics(
      handle,
      { ...DEFAULT_TOPICS_CONFIG, workers: 0 },
      { analysisRunId: run, faq: { entries, config: DEFAULT_FAQ_MATCHING_CONFIG } },
    );
    const ranked = topics.faqRankings!;
    const full = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run, ranked, workers: 0 });
    const before = await storedMatches(run);
    const partial = { ...ranked, conversationIds: ranked.conversationIds.slice(1), rankings: sliceRankings(ranked.rankings, 1) };
    const withGap = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run, ranked: partial, workers: 0 });
    expect(await storedMatches(run)).toEqual(before);
    expect({ ...withGap, durationMs: 0 }).toEqual({ ...full, durationMs: 0 });
  });
});

function sliceRankings(rankings: PackedRankings, from: number): PackedRankings {
  return {
    bestEntry: rankings.bestEntry.slice(from),
    bestScore: rankings.bestScore.slice(from),
    bestCross: rankings.bestCross.slice(from),
    ownEntry: rankings.ownEntry.slice(from),
    ownScore: rankings.ownScore.slice(from),
  };
}
