import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { computeFaqMatches } from '../../../analysis/faq/compute-faq-matches.js';
import { getFaqGapReport, spreadEvenly } from '../../../analysis/faq/faq-gap-report.js';
import { saveFaqGapReport } from '../../../analysis/faq/faq-gap-store.js';
import { DEFAULT_FAQ_MATCHING_CONFIG } from '../../../analysis/faq/faq-matching-config.js';
import { renderGapReport } from '../../../analysis/faq/render-gap-report.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../../../analysis/response-times/response-time-config.js';
import { openTestDatabase, startAnalysisRun, succeedAnalysisRun } from '../topics/topics-db.js';
import { insertFaqEntries, type FaqEntryFixture } from './faq-db.js';

const DAY_MS = 86_400_000;
const FROM = Date.UTC(2024, 5, 8);
const TO = Date.UTC(2024, 5, 15);

const ENTRIES: FaqEntryFixture[] = [
  {
    externalId: 'trading-fees',
    versions: [{ title: 'What are the trading fees for spot?', body: 'The spot trading fee is 0.1% for makers and takers.', updatedAt: Date.UTC(2024, 0, 1) }],
  },
  {
    externalId: 'reset-2fa',
    versions: [{ title: 'How do I reset Google Authenticator 2FA?', body: 'Open Security and choose Reset 2FA.', updatedAt: Date.UTC(2024, 5, 9) }],
  },
  {
    externalId: 'old-promo',
    versions: [{ title: 'How do I join the summer lottery promotion?', body: 'The lottery ended.', updatedAt: Date.UTC(2023, 0, 1) }],
  },
];

interface TopicFixture {
  topicId: number;
  label: string;
  question: string;
  reply: string;
  now: number;
  before: number;
}

const TOPICS: TopicFixture[] = [
  {
    topicId: 1,
    label: 'p2p appeal',
    question: 'how do I open an appeal in a P2P trade, seller not releasing',
    reply: 'We escalated your appeal.',
    now: 30,
    before: 10,
  },
  { topicId: 2, label: 'trading fees', question: 'What are the trading fees for spot?', reply: 'The maker fee is now 0.2% for spot.', now: 12, before: 12 },
  {
    topicId: 3,
    label: 'reset 2fa',
    question: 'How do I reset Google Authenticator 2FA?',
    reply: 'Please use Reset 2FA on the Security page.',
    now: 12,
    before: 12,
  },
];

async function seed(handle: TestDatabase, topics: readonly TopicFixture[]): Promise<number> {
  const run = await startAnalysisRun(handle);
  for (const topic of topics) {
    await handle.db
      .insertInto('topics')
      .values({
        analysis_run_id: run,
        topic_id: topic.topicId,
        label: topic.label,
        top_terms: JSON.stringify(topic.label.split(' ')),
        signature: '{}',
        size: topic.now + topic.before,
        representative_conversation_id: null,
        representative_question: topic.question,
      })
      .execute();
    for (let i = 0; i < topic.now + topic.before; i++) {
      const created = i < topic.now ? FROM + (i % 7) * DAY_MS + topic.topicId * 1000 + i : FROM - 7 * DAY_MS + (i % 7) * DAY_MS + i;
      const conversation = await handle.db
        .insertInto('conversations')
        .values({
          source: 'canonical',
          external_id: `t${topic.topicId}-${i}`,
          channel: 'chat',
          created_at: created,
          status: null,
          resolved_at: null,
          customer_id: null,
          assignee: null,
          subject: null,
          language: null,
          first_run_id: 1,
          last_run_id: 1,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await handle.db
        .insertInto('messages')
        .values([
          {
            conversation_id: conversation.id,
            external_id: 'm1',
            author_role: 'customer',
            author_id: 'u',
            created_at: created,
            body: topic.question,
            body_length: topic.question.length,
            first_run_id: 1,
            last_run_id: 1,
          },
          {
            conversation_id: conversation.id,
            external_id: 'm2',
            author_role: 'agent',
            author_id: 'a',
            created_at: created + 600_000,
            body: topic.reply,
            body_length: topic.reply.length,
            first_run_id: 1,
            last_run_id: 1,
          },
        ])
        .execute();
      await handle.db
        .insertInto('conversation_questions')
        .values({ conversation_id: conversation.id, question: `${topic.question} (${i})`, language: 'en', analysis_run_id: run })
        .execute();
      await handle.db
        .insertInto('topic_assignments')
        .values({ analysis_run_id: run, conversation_id: conversation.id, topic_id: topic.topicId, similarity: 0.8 })
        .execute();
    }
  }
  // As "supportlens analyze" does: the run's response-time facts, which the report's first response reads.
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: run });
  await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: run });
  await succeedAnalysisRun(handle, run);
  return run;
}

describe('getFaqGapReport', () => {
  let handle: TestDatabase;
  beforeEach(async () => {
    handle = await openTestDatabase();
  });
  afterEach(async () => {
    await handle.close();
  });

  test('NEW for the uncovered topic, UPDATE for the entry agents contradict, UNUSED for the entry nobody asks about', async () => {
    await insertFaqEntries(handle, ENTRIES);
    const run = await seed(handle, TOPICS);
    const report = await getFaqGapReport(handle.db, { from: FROM, to: TO }, { minTopicConversations: 10 });
    expect(report.analysisRunId).toBe(run);
    expect(report.findings.map((finding) => [finding.verdict, finding.topicId, finding.entryId])).toEqual([
      ['NEW', 1, null],
      ['UPDATE', 2, 'trading-fees'],
      ['UNUSED', null, 'old-promo'],
    ]);
    const [created, updated] = report.findings;
    expect(created!.evidence).toMatchObject({ conversations: 30, previousConversations: 10, growth: 2, medianHandlingMs: 600_000 });
    expect(created!.evidence.examples[0]!.conversationId).toMatch(/^t1-/);
    expect(created!.title).toBe('How do I open an appeal in a P2P trade, seller not releasing?');
    expect(updated!.reasons).toEqual(['answer-drift']);
    expect(updated!.evidence.drift[0]).toEqual({ kind: 'percentage', agentsSay: '0.2%', replies: 12, entrySays: ['0.1%'] });
  });

  test('each saved report is compared with the previous one: new since last report, gone since last report', async () => {
    await insertFaqEntries(handle, ENTRIES);
    await seed(handle, TOPICS);
    const first = await getFaqGapReport(handle.db, { from: FROM, to: TO });
    const firstComparison = await saveFaqGapReport(handle.db, first, 1);
    expect(firstComparison.previousReportId).toBeNull();
    expect(firstComparison.newSinceLast).toEqual(first.findings.map((finding) => finding.id));

    const same = await saveFaqGapReport(handle.db, await getFaqGapReport(handle.db, { from: FROM, to: TO }), 2);
    expect(same).toMatchObject({ previousReportId: firstComparison.reportId, newSinceLast: [], goneSinceLast: [] });

    // The editor writes the missing entry and the next analysis covers the topic.
    await insertFaqEntries(handle, [
      {
        externalId: 'p2p-appeal',
        versions: [
          {
            title: 'How do I open an appeal in a P2P trade when the seller is not releasing?',
            body: 'Open the order and choose Appeal.',
            updatedAt: FROM + DAY_MS,
          },
        ],
      },
    ]);
    const latestRun = await startAnalysisRun(handle);
    await handle.db
      .insertInto('topics')
      .columns(['analysis_run_id', 'topic_id', 'label', 'top_terms', 'signature', 'size', 'representative_conversation_id', 'representative_question'])
      .expression((eb) =>
        eb
          .selectFrom('topics')
          .select((inner) => [
            inner.val(latestRun).as('r'),
            'topic_id',
            'label',
            'top_terms',
            'signature',
            'size',
            'representative_conversation_id',
            'representative_question',
          ]),
      )
      .execute();
    await handle.db
      .insertInto('topic_assignments')
      .columns(['analysis_run_id', 'conversation_id', 'topic_id', 'similarity'])
      .expression((eb) => eb.selectFrom('topic_assignments').select((inner) => [inner.val(latestRun).as('r'), 'conversation_id', 'topic_id', 'similarity']))
      .execute();
    await handle.db
      .insertInto('conversation_questions')
      .columns(['analysis_run_id', 'conversation_id', 'question', 'language'])
      .expression((eb) => eb.selectFrom('conversation_questions').select((inner) => [inner.val(latestRun).as('r'), 'conversation_id', 'question', 'language']))
      .execute();
    await computeFaqMatches(handle, DEFAULT_FAQ_MATCHING_CONFIG, { analysisRunId: latestRun });
    await succeedAnalysisRun(handle, latestRun);
    const later = await getFaqGapReport(handle.db, { from: FROM, to: TO });
    const comparison = await saveFaqGapReport(handle.db, later, 3);
    expect(later.findings.some((finding) => finding.verdict === 'NEW')).toBe(false);
    expect(comparison.goneSinceLast).toEqual([{ id: first.findings[0]!.id, verdict: 'NEW', title: first.findings[0]!.title }]);
    // The topic still grows (+200%), so the new entry is one to keep an eye on.
    const added = later.findings.filter((finding) => comparison.newSinceLast.includes(finding.id));
    expect(added.map((finding) => [finding.verdict, finding.entryId, finding.reasons])).toEqual([['UPDATE', 'p2p-appeal', ['growing-contacts']]]);

    const markdown = renderGapReport(later, comparison, 'markdown');
    expect(markdown).toContain('1 new since last report, 1 gone since last report');
    expect(markdown).toContain('## Gone since last report');
    const csv = renderGapReport(later, comparison, 'csv').split('\r\n');
    expect(csv[0]).toMatch(/^id,status,verdict,priority,title/);
    expect(csv.some((line) => line.startsWith(`${first.findings[0]!.id},gone,NEW`))).toBe(true);
  });

  test('without an analysis run the report is empty', async () => {
    const report = await getFaqGapReport(handle.db, { from: FROM, to: TO });
    expect(report).toMatchObject({ analysisRunId: null, findings: [] });
  });
});

describe('renderGapReport', () => {
  test('customer text cannot add Markdown links or HTML, nor spreadsheet formulas', () => {
    const finding = {
      id: 'new-000000000000',
      verdict: 'NEW' as const,
      priority: 10,
      topicId: 1,
      entryId: null,
      title: '=HYPERLINK("x")',
      keyTerms: [],
      reasons: [],
      summary: 's',
      evidence: {
        conversations: 10,
        previousConversations: 0,
        growth: null,
        coveredShare: 0,
        meanScore: 0.1,
        medianHandlingMs: null,
        nearestEntryId: null,
        entryUpdatedAt: null,
        drift: [],
        examples: [{ conversationId: 'c1', question: '[click](http://evil) <script>x</script> | cell', score: 0.1 }],
      },
      topicIds: [1],
      languages: ['en'],
    };
    const report = { analysisRunId: 1, from: FROM, to: TO, previousFrom: FROM - 7 * DAY_MS, findings: [finding] };
    const comparison = { previousReportId: null, newSinceLast: [finding.id], goneSinceLast: [] };
    const markdown = renderGapReport(report, comparison, 'markdown');
    expect(markdown).toContain('\\[click\\]\\(http://evil\\) \\<script\\>x\\</script\\> \\| cell');
    expect(renderGapReport(report, comparison, 'csv')).toContain(`"'=HYPERLINK(""x"")"`);
    expect(JSON.parse(renderGapReport(report, comparison, 'json')).findings[0].status).toBe('new');
  });
});

describe('spreadEvenly (the replies read per topic)', () => {
  test('keeps everything up to the limit, then an even spread in order', () => {
    expect(spreadEvenly([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(spreadEvenly([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5]);
    const spread = spreadEvenly(
      Array.from({ length: 10_000 }, (_, i) => i),
      400,
    );
    expect(spread).toHaveLength(400);
    expect(spread[0]).toBe(0);
    expect(spread.at(-1)).toBeGreaterThan(9_900);
    expect(new Set(spread).size).toBe(400);
  });
});
