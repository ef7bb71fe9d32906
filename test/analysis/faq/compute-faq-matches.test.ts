import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { computeFaqMatches } from '../../../analysis/faq/compute-faq-matches.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../../analysis/faq/faq-matching-config.js';
import { listConversationFaqMatches } from '../../../analysis/faq/faq-store.js';
import { computeTopics } from '../../../analysis/topics/compute-topics.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import { generateQuestions, insertQuestions, openTestDatabase, startAnalysisRun, succeedAnalysisRun } from '../topics/topics-db.js';
import { insertFaqEntries, insertStoredQuestions, type FaqEntryFixture } from './faq-db.js';

const ENTRIES: FaqEntryFixture[] = [
  {
    externalId: 'reset-2fa',
    versions: [
      { title: 'Opening hours', body: 'We are open every day.' },
      {
        title: 'How do I reset 2FA or Google Authenticator after losing my phone?',
        body: 'If you lost your phone, or your 2FA codes are not working and you are locked out of your account, choose Reset 2FA on the log-in page and verify your identity.',
      },
    ],
  },
  { externalId: 'trading-fees', versions: [{ title: 'What are the trading fees?', body: 'The spot trading fee is 0.1% for makers and takers.' }] },
];

describe('computeFaqMatches', () => {
  let handle: TestDatabase;
  beforeEach(async () => {
    handle = await openTestDatabase();
  });
  afterEach(async () => {
    await handle.close();
  });

  test('stores each conversation best entry at its current version, its score and covered flag', async () => {
    const [reset, fees] = await insertFaqEntries(handle, ENTRIES);
    const run = await startAnalysisRun(handle);
    const ids = await insertStoredQuestions(handle, run, [
      'How do I reset Google Authenticator? new phone',
      'What are the trading fees for spot and futures?',
      'Nobody has replied to my ticket for 3 days',
    ]);
    const summary = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
    expect(summary).toMatchObject({ questions: 3, entries: 2, covered: 2 });
    const rows = await handle.db.selectFrom('faq_matches').selectAll().where('analysis_run_id', '=', run).orderBy('conversation_id').execute();
    expect(rows.map((row) => [row.conversation_id, row.covered])).toEqual([
      [ids[0], 1],
      [ids[1], 1],
      [ids[2], 0],
    ]);
    expect(rows[0]).toMatchObject({ entry_id: reset, entry_version: 2 });
    expect(rows[1]).toMatchObject({ entry_id: fees, entry_version: 1 });
    expect(rows[2]!.score).toBeLessThan(summary.coveredThreshold);

    await succeedAnalysisRun(handle, run);
    const exported = await listConversationFaqMatches(handle.db);
    expect(exported.map((row) => [row.conversationExternalId, row.faqEntryId, row.faqCovered])).toEqual([
      ['q-0', 'reset-2fa', true],
      ['q-1', 'trading-fees', true],
      ['q-2', rows[2]!.entry_id === null ? null : expect.any(String), false],
    ]);
    expect(exported[0]!.faqEntryTitle).toBe(ENTRIES[0]!.versions[1]!.title);
  });

  test('a re-run of the same analysis run replaces its rows; another run keeps its own', async () => {
    await insertFaqEntries(handle, ENTRIES);
    const first = await startAnalysisRun(handle);
    await insertStoredQuestions(handle, first, ['reset 2FA', 'trading fee']);
    await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: first });
    await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: first });
    await succeedAnalysisRun(handle, first);
    const second = await startAnalysisRun(handle);
    // Each run reads the questions its topics step stored under it.
    await handle.db
      .insertInto('conversation_questions')
      .columns(['analysis_run_id', 'conversation_id', 'question', 'language'])
      .expression((eb) => eb.selectFrom('conversation_questions').select((inner) => [inner.val(second).as('r'), 'conversation_id', 'question', 'language']))
      .execute();
    await computeFaqMatches(handle, { ...DEFAULT_FAQ_MATCHING_CONFIG, coveredThreshold: 1.01 }, { analysisRunId: second });
    // Until the second run has succeeded, readers keep showing the first.
    expect((await listConversationFaqMatches(handle.db)).every((row) => row.faqCovered)).toBe(true);
    await succeedAnalysisRun(handle, second);
    const count = async (run: number) =>
      (await handle.db.selectFrom('faq_matches').select(['covered']).where('analysis_run_id', '=', run).execute()).map((row) => row.covered);
    expect(await count(first)).toEqual([1, 1]);
    expect(await count(second)).toEqual([0, 0]);
    expect((await listConversationFaqMatches(handle.db)).every((row) => !row.faqCovered)).toBe(true);
    expect((await listConversationFaqMatches(handle.db, { analysisRunId: first })).every((row) => row.faqCovered)).toBe(true);
  });

  test('without FAQ entries every question is stored as not covered, with no entry', async () => {
    const run = await startAnalysisRun(handle);
    await insertStoredQuestions(handle, run, ['reset 2FA']);
    const summary = await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
    expect(summary).toMatchObject({ questions: 1, entries: 0, covered: 0 });
    await succeedAnalysisRun(handle, run);
    expect(await listConversationFaqMatches(handle.db)).toEqual([
      expect.objectContaining({ faqEntryId: null, faqEntryTitle: null, faqScore: 0, faqCovered: false }),
    ]);
  });

  test('after computeTopics, questions of an intent with an entry score well above the others and go to that entry', async () => {
    const [reset] = await insertFaqEntries(handle, ENTRIES);
    const questions = generateQuestions(80, 3, { english: ['two_factor_lost', 'support_slow', 'account_frozen'], chinese: [] });
    const ids = await insertQuestions(handle, questions, 0);
    const run = await startAnalysisRun(handle);
    await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0, maxTopics: 10, minTopicSize: 3 }, { analysisRunId: run });
    await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
    const rows = await handle.db.selectFrom('faq_matches').selectAll().where('analysis_run_id', '=', run).execute();
    const byConversation = new Map(rows.map((row) => [row.conversation_id, row]));
    const of = (intent: string) => ids.filter((_, i) => questions[i]!.intent === intent).map((id) => byConversation.get(id)!);
    const meanScore = (intent: string) => of(intent).reduce((sum, row) => sum + row.score, 0) / of(intent).length;
    const coveredShare = (intent: string) => of(intent).filter((row) => row.covered === 1).length / of(intent).length;
    expect(of('two_factor_lost').every((row) => row.entry_id === reset)).toBe(true);
    expect(meanScore('two_factor_lost')).toBeGreaterThan(2 * Math.max(meanScore('support_slow'), meanScore('account_frozen')));
    expect(coveredShare('two_factor_lost')).toBeGreaterThan(0.2);
    expect(coveredShare('support_slow')).toBe(0);
    expect(coveredShare('account_frozen')).toBe(0);
  });
});
