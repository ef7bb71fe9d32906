import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from './support/test-database.js';
import { conversationColumns } from '../analysis/export/conversation-columns.js';
import { exportConversations } from '../analysis/export/conversation-export.js';
import { computeFaqMatches } from '../analysis/faq/compute-faq-matches.js';
import { getFaqGapReport } from '../analysis/faq/faq-gap-report.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../analysis/faq/faq-matching-config.js';
import { computeResponseFacts } from '../analysis/response-times/response-facts-store.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../analysis/response-times/response-time-config.js';
import { getResponseTimeReport } from '../analysis/response-times/response-time-queries.js';
import { computeTopics } from '../analysis/topics/compute-topics.js';
import { getTopicReport } from '../analysis/topics/topic-report.js';
import { DEFAULT_TOPICS_CONFIG } from '../analysis/topics/topics-config.js';
import { buildApp } from '../dashboard/build-app.js';
import { insertFaqEntries } from './analysis/faq/faq-db.js';
import { DAY_ONE, insertQuestions, openTestDatabase, startAnalysisRun, succeedAnalysisRun } from './analysis/topics/topics-db.js';

const DAY_MS = 86_400_000;
/** 2024-05-01 and 2024-05-02, UTC: two periods side by side. */
const FIRST_DAY = { from: DAY_ONE, to: DAY_ONE + DAY_MS };
const SECOND_DAY = { from: DAY_ONE + DAY_MS, to: DAY_ONE + 2 * DAY_MS };
const question = (i: number) => ({ intent: 'fee', channel: 'chat' as const, subject: null, body: `why is the withdrawal fee so high ${i}` });

// Ten conversations on the first day; on the second, three and one more whose ticket was created at 00:00:00 but
// whose customer wrote at 23:50 the evening before. Its start is the first day's 23:50: it belongs to the first day in
// every report (11 conversations, and 3 on the second day), never to the first in one report and the second in another.
let handle: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  handle = await openTestDatabase();
  await insertQuestions(
    handle,
    Array.from({ length: 10 }, (_, i) => question(i)),
    0,
  );
  const [early] = await insertQuestions(
    handle,
    Array.from({ length: 4 }, (_, i) => question(10 + i)),
    1,
  );
  await handle.db
    .updateTable('messages')
    .set({ created_at: SECOND_DAY.from - 10 * 60_000 })
    .where('conversation_id', '=', early!)
    .where('author_role', '=', 'customer')
    .execute();
  await insertFaqEntries(handle, [{ externalId: 'reset-2fa', versions: [{ title: 'How do I reset 2FA?', body: 'Open Security and choose Reset 2FA.' }] }]);
  const run = await startAnalysisRun(handle);
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: run });
  await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0, topicCount: 1 }, { analysisRunId: run });
  await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
  await succeedAnalysisRun(handle, run);
  app = await buildApp({ db: handle.db, responseTimes: DEFAULT_RESPONSE_TIME_CONFIG, now: () => DAY_ONE + 10 * DAY_MS });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await handle?.close();
});

async function exportedRows(filter: { from: number; to: number }): Promise<number> {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return exportConversations(handle, { providers: [conversationColumns], format: 'jsonl', filter, out: sink });
}

function newConversations(findings: { verdict: string; conversations: number }[]): number {
  return findings.filter((finding) => finding.verdict === 'NEW').reduce((sum, finding) => sum + finding.conversations, 0);
}

describe('a conversation whose first customer message precedes its creation across the period boundary', () => {
  test.each([
    ['first day', FIRST_DAY, '2024-05-01', 11, 11],
    ['second day', SECOND_DAY, '2024-05-02', 3, 0],
  ])('counts in the same period in every report: %s', async (_name, period, day, expected, dashboardGapConversations) => {
    const responseTimes = await getResponseTimeReport(handle.db, period, { config: DEFAULT_RESPONSE_TIME_CONFIG, asOf: DAY_ONE + 10 * DAY_MS });
    const facts = await getResponseTimeReport(handle.db, period, { config: DEFAULT_RESPONSE_TIME_CONFIG, asOf: DAY_ONE + 10 * DAY_MS, source: 'facts' });
    const topics = await getTopicReport(handle.db, period);
    const gaps = await getFaqGapReport(handle.db, period, { minTopicConversations: 1 });
    const overview = (await app.inject(`/api/overview?from=${day}&to=${day}`)).json();
    const apiTopics = (await app.inject(`/api/topics?from=${day}&to=${day}`)).json();
    const apiGaps = (await app.inject(`/api/faq-gaps?from=${day}&to=${day}`)).json();

    expect({
      responseTimes: responseTimes.total.conversations,
      responseTimesFromFacts: facts.total.conversations,
      topics: topics.topics.reduce((sum, topic) => sum + topic.conversations, 0),
      faqGaps: newConversations(gaps.findings.map((finding) => ({ verdict: finding.verdict, conversations: finding.evidence.conversations }))),
      dashboardOverview: overview.total.conversations,
      dashboardTopics: apiTopics.topics.reduce((sum: number, topic: { conversations: number }) => sum + topic.conversations, 0),
      dashboardFaqGaps: newConversations(apiGaps.findings),
      export: await exportedRows(period),
    }).toEqual({
      responseTimes: expected,
      responseTimesFromFacts: expected,
      topics: expected,
      faqGaps: expected,
      dashboardOverview: expected,
      dashboardTopics: expected,
      // The dashboard's gap report keeps the default threshold of 10 conversations for a NEW topic.
      dashboardFaqGaps: dashboardGapConversations,
      export: expected,
    });
  });
});
