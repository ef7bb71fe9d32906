import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { computeFaqMatches } from '../../../analysis/faq/compute-faq-matches.js';
import { getFaqGapReport } from '../../../analysis/faq/faq-gap-report.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../../analysis/faq/faq-matching-config.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../../../analysis/response-times/response-time-config.js';
import { getResponseTimeReport } from '../../../analysis/response-times/response-time-queries.js';
import { computeTopics } from '../../../analysis/topics/compute-topics.js';
import { getTopicReport } from '../../../analysis/topics/topic-report.js';
import { DEFAULT_TOPICS_CONFIG } from '../../../analysis/topics/topics-config.js';
import { DAY_ONE, insertQuestions, openTestDatabase, startAnalysisRun, succeedAnalysisRun } from './topics-db.js';

const DAY_MS = 86_400_000;
const MINUTE = 60_000;
const PERIOD = { from: DAY_ONE, to: DAY_ONE + DAY_MS };
const question = (i: number) => ({ intent: 'fee', channel: 'chat' as const, subject: null, body: `why is the withdrawal fee so high ${i}` });

// Three conversations whose customer wrote at t and an agent answered at t + 2 minutes (insertQuestions), changed so
// that reading the messages alone would give other first responses than the definition:
// - created 30 minutes before its customer message: its start is the creation, first response 32 minutes (not 2);
// - outbound: an agent wrote 5 minutes before the customer; the clock starts at the customer, 2 minutes (not 0);
// - no agent reply: unanswered.
let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
  const [early, outbound, unanswered] = await insertQuestions(handle, [question(0), question(1), question(2)], 0);
  const created = (id: number) => handle.db.selectFrom('conversations').select('created_at').where('id', '=', id).executeTakeFirstOrThrow();
  await handle.db
    .updateTable('messages')
    .set((eb) => ({ created_at: eb('created_at', '+', 30 * MINUTE) }))
    .where('conversation_id', '=', early!)
    .execute();
  const outboundAt = (await created(outbound!)).created_at;
  await handle.db
    .insertInto('messages')
    .values({
      conversation_id: outbound!,
      external_id: 'm0',
      author_role: 'agent',
      author_id: 'a',
      created_at: outboundAt - 5 * MINUTE,
      body: 'Hello, about your withdrawal',
      body_length: 28,
      first_run_id: 1,
      last_run_id: 1,
    })
    .execute();
  await handle.db.deleteFrom('messages').where('conversation_id', '=', unanswered!).where('author_role', '=', 'agent').execute();
  const run = await startAnalysisRun(handle);
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: run });
  await computeTopics(handle, { ...DEFAULT_TOPICS_CONFIG, workers: 0, topicCount: 1 }, { analysisRunId: run });
  await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
  await succeedAnalysisRun(handle, run);
}, 60_000);

afterAll(async () => {
  await handle?.close();
});

test('the topic report and the FAQ-gap priority read the first response of the response-time facts', async () => {
  const responseTimes = await getResponseTimeReport(handle.db, PERIOD, { config: DEFAULT_RESPONSE_TIME_CONFIG, source: 'facts', asOf: DAY_ONE + DAY_MS });
  const [topic] = (await getTopicReport(handle.db, PERIOD)).topics;
  const [finding] = (await getFaqGapReport(handle.db, PERIOD, { minTopicConversations: 1 })).findings;

  expect({
    responseTimes: { median: responseTimes.total.firstResponse.median, unanswered: responseTimes.total.unanswered },
    topic: { median: topic?.medianFirstResponseMs, unanswered: topic?.unanswered },
    faqGapMedian: finding?.evidence.medianHandlingMs,
  }).toEqual({
    // The median of 32 and 2 minutes; the unanswered conversation has none.
    responseTimes: { median: 17 * MINUTE, unanswered: 1 },
    topic: { median: 17 * MINUTE, unanswered: 1 },
    faqGapMedian: 17 * MINUTE,
  });
});
