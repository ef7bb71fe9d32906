import type { Kysely } from '#kysely';
import type { DatabaseHandle } from '../../db/connection.js';
import { prepareCompiled, slot } from '../../db/compiled-statement.js';
import type { Database } from '../../db/schema.js';
import type { TopicQuestions } from './analyze-topics.js';
import type { PreviousTopic } from './match-topic-ids.js';
import { inTransaction } from '../../db/transaction.js';

/** Conversations read per query; the event loop gets a turn between chunks. */
const READ_CHUNK = 100_000;
/**
 * SQLite's page cache while the questions are read, in KiB: the read walks the conversations once, in id order, so a
 * large cache only holds pages that are not read again (64 MB of them at a million questions) while the workers need
 * the memory.
 */
const READ_CACHE_KIB = 4096;
/** Rows written between turns of the event loop, inside the one transaction. */
const WRITE_CHUNK = 50_000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every conversation with a customer message: its channel, subject and first public customer message, in
 * conversation id order. Read in id ranges so a dashboard sharing the process keeps answering.
 */
export async function listTopicQuestions(handle: DatabaseHandle): Promise<TopicQuestions> {
  const { db, sqlite } = handle;
  const bounds = await db
    .selectFrom('conversations')
    .select((eb) => [eb.fn.min('id').as('low'), eb.fn.max('id').as('high')])
    .executeTakeFirst();
  const questions: TopicQuestions = { keys: [], channels: [], subjects: [], bodies: [] };
  if (!bounds || bounds.low === null || bounds.high === null) return questions;
  // A channel is one of a few names: one string each instead of one per conversation.
  const channelNames = new Map<string, string>();
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma(`cache_size = -${READ_CACHE_KIB}`);
  try {
    await readQuestionsInRanges(handle, Number(bounds.low), Number(bounds.high), (row) => {
      let channel = channelNames.get(row[1]);
      if (channel === undefined) channelNames.set(row[1], (channel = row[1]));
      questions.keys.push(row[0]);
      questions.channels.push(channel);
      questions.subjects.push(row[2]);
      questions.bodies.push(row[3]);
    });
  } finally {
    sqlite.pragma(`cache_size = ${cacheSize}`);
  }
  return questions;
}

/** Each conversation's id, channel, subject and first public customer message, in id order, one id range at a time. */
async function readQuestionsInRanges(
  handle: DatabaseHandle,
  low: number,
  high: number,
  onQuestion: (row: [number, string, string | null, string]) => void,
): Promise<void> {
  const { db, sqlite } = handle;
  for (let after = low - 1; after < high; after += READ_CHUNK) {
    const compiled = db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['c.id', 'c.channel', 'c.subject', 'm.body'])
      .where('m.author_role', '=', 'customer')
      .where('m.internal', '=', 0)
      .where('c.id', '>', after)
      .where('c.id', '<=', after + READ_CHUNK)
      .orderBy('c.id')
      .orderBy('m.created_at')
      .orderBy('m.external_id')
      .compile();
    let previous = -1;
    for (const row of sqlite
      .prepare(compiled.sql)
      .raw(true)
      .iterate(...compiled.parameters) as Iterable<[number, string, string | null, string]>) {
      if (row[0] === previous) continue;
      previous = row[0];
      onQuestion(row);
    }
    await yieldToEventLoop();
  }
}

export interface PreviousTopics {
  topics: PreviousTopic[];
  /** The highest topic id any run has given (0 when none). */
  highestId: number;
}

/** The topics of the latest earlier succeeded run that found any, and the highest id ever given. */
export async function listPreviousTopics(db: Kysely<Database>, beforeRunId: number): Promise<PreviousTopics> {
  const latest = await db
    .selectFrom('topics')
    .innerJoin('analysis_runs as r', 'r.id', 'topics.analysis_run_id')
    .select((eb) => eb.fn.max('topics.analysis_run_id').as('run'))
    .where('topics.analysis_run_id', '<', beforeRunId)
    .where('r.status', '=', 'succeeded')
    .executeTakeFirst();
  const highestRow = await db
    .selectFrom('topics')
    .select((eb) => eb.fn.max('topic_id').as('highest'))
    .executeTakeFirst();
  const highestId = Number(highestRow?.highest ?? 0);
  if (!latest || latest.run === null) return { topics: [], highestId };
  const rows = await db.selectFrom('topics').select(['topic_id', 'signature']).where('analysis_run_id', '=', Number(latest.run)).orderBy('topic_id').execute();
  return {
    topics: rows.map((row) => ({ topicId: row.topic_id, signature: JSON.parse(row.signature) as Record<string, number> })),
    highestId,
  };
}

export interface TopicToSave {
  topicId: number;
  label: string;
  topTerms: string[];
  signature: Record<string, number>;
  size: number;
  representativeConversationId: number | null;
  representativeQuestion: string | null;
}

export interface TopicResultsToSave {
  analysisRunId: number;
  topics: TopicToSave[];
  conversationIds: readonly number[];
  questions: readonly string[];
  languages: readonly string[];
  /** Stable topic id of each conversation, -1 for none. */
  topicIds: Int32Array;
  similarity: Float32Array;
}

/**
 * Writes one run's topics, its assignments and every conversation's redacted question, in one transaction (a
 * re-run of the same analysis run replaces its rows). The event loop gets a turn between chunks of rows.
 */
export async function saveTopicResults(handle: DatabaseHandle, results: TopicResultsToSave): Promise<void> {
  const { db, sqlite } = handle;
  const run = results.analysisRunId;
  const insertTopic = prepareCompiled(
    sqlite,
    db.insertInto('topics').values({
      analysis_run_id: slot<number>('run'),
      topic_id: slot<number>('topic_id'),
      label: slot('label'),
      top_terms: slot('top_terms'),
      signature: slot('signature'),
      size: slot<number>('size'),
      representative_conversation_id: slot<number>('representative_conversation_id'),
      representative_question: slot('representative_question'),
    }),
    ['run', 'topic_id', 'label', 'top_terms', 'signature', 'size', 'representative_conversation_id', 'representative_question'],
  );
  const insertQuestion = prepareCompiled(
    sqlite,
    db.insertInto('conversation_questions').values({
      conversation_id: slot<number>('conversation_id'),
      question: slot('question'),
      language: slot('language'),
      analysis_run_id: slot<number>('run'),
    }),
    ['run', 'conversation_id', 'question', 'language'],
  );
  const insertAssignment = prepareCompiled(
    sqlite,
    db.insertInto('topic_assignments').values({
      analysis_run_id: slot<number>('run'),
      conversation_id: slot<number>('conversation_id'),
      topic_id: slot<number>('topic_id'),
      similarity: slot<number>('similarity'),
    }),
    ['run', 'conversation_id', 'topic_id', 'similarity'],
  );
  const deleteAssignments = db.deleteFrom('topic_assignments').where('analysis_run_id', '=', run).compile();
  const deleteTopics = db.deleteFrom('topics').where('analysis_run_id', '=', run).compile();
  const deleteQuestions = db.deleteFrom('conversation_questions').where('analysis_run_id', '=', run).compile();

  await inTransaction(handle, async () => {
    sqlite.prepare(deleteAssignments.sql).run(...deleteAssignments.parameters);
    sqlite.prepare(deleteTopics.sql).run(...deleteTopics.parameters);
    sqlite.prepare(deleteQuestions.sql).run(...deleteQuestions.parameters);
    for (const topic of results.topics) {
      insertTopic.run({
        run,
        topic_id: topic.topicId,
        label: topic.label,
        top_terms: JSON.stringify(topic.topTerms),
        signature: JSON.stringify(topic.signature),
        size: topic.size,
        representative_conversation_id: topic.representativeConversationId,
        representative_question: topic.representativeQuestion,
      });
    }
    const count = results.conversationIds.length;
    // Assignments first, each chunk in (topic, similarity) order: the index on (run, topic, similarity) then grows
    // by in-order runs while its pages are still in the cache, before a million question texts push them out.
    const assignmentAt = positions(insertAssignment.order);
    const assignmentParameters = new Array<unknown>(insertAssignment.order.length).fill(run);
    for (let start = 0; start < count; start += WRITE_CHUNK) {
      const end = Math.min(count, start + WRITE_CHUNK);
      const chunk = Array.from({ length: end - start }, (_, offset) => start + offset);
      chunk.sort((a, b) => results.topicIds[a]! - results.topicIds[b]! || results.similarity[a]! - results.similarity[b]! || a - b);
      for (const i of chunk) {
        const topicId = results.topicIds[i]!;
        if (topicId < 0) continue;
        assignmentParameters[assignmentAt.conversation_id] = results.conversationIds[i]!;
        assignmentParameters[assignmentAt.topic_id] = topicId;
        assignmentParameters[assignmentAt.similarity] = results.similarity[i]!;
        insertAssignment.runPositional(assignmentParameters);
      }
      await yieldToEventLoop();
    }
    const questionAt = positions(insertQuestion.order);
    const questionParameters = new Array<unknown>(insertQuestion.order.length).fill(run);
    for (let start = 0; start < count; start += WRITE_CHUNK) {
      const end = Math.min(count, start + WRITE_CHUNK);
      for (let i = start; i < end; i++) {
        questionParameters[questionAt.conversation_id] = results.conversationIds[i]!;
        questionParameters[questionAt.question] = results.questions[i]!;
        questionParameters[questionAt.language] = results.languages[i]!;
        insertQuestion.runPositional(questionParameters);
      }
      await yieldToEventLoop();
    }
  });
}

/** Where each slot goes among a statement's positional parameters. */
function positions<Slots extends string>(order: readonly Slots[]): Record<Slots, number> {
  const at = {} as Record<Slots, number>;
  order.forEach((name, index) => {
    at[name] = index;
  });
  return at;
}
