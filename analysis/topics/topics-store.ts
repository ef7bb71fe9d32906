import type { Kysely } from '#kysely';
import { slot } from '../../db/compiled-statement.js';
import { type EngineTarget, prepareStatement, rowWriter } from '../../db/engine-statements.js';
import type { Database } from '../../db/schema.js';
import type { TopicQuestions } from './analyze-topics.js';
import type { PreviousTopic } from './match-topic-ids.js';
import { inTransaction } from '../../db/transaction.js';
import { withoutRowForeignKeyChecks } from '../../db/bulk-load.js';

/** Conversations read per query; the event loop gets a turn between chunks. */
const READ_CHUNK = 100_000;
/**
 * SQLite's page cache while the questions are read and grouped, in KiB: the read walks the conversations once, in id
 * order, and the redacted questions are appended in id order, so a large cache only holds pages that are not used
 * again (64 MB of them at a million questions) while the workers need the memory.
 */
const READ_CACHE_KIB = 4096;

/**
 * Sets the connection's page cache to the small one reading and appending need (`READ_CACHE_KIB`) and returns what
 * sets it back; does nothing on PostgreSQL.
 *
 * @example
 * const restore = useSmallPageCache(handle.sqlite);
 * try { ... } finally { restore(); }
 */
export function useSmallPageCache(sqlite: EngineTarget['sqlite']): () => void {
  if (!sqlite) return () => {};
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma(`cache_size = -${READ_CACHE_KIB}`);
  return () => {
    sqlite.pragma(`cache_size = ${cacheSize}`);
  };
}

/** Rows written between turns of the event loop, inside a transaction. */
const WRITE_CHUNK = 50_000;
/** A row's offset in its chunk takes the low 16 bits of its sort key (`WRITE_CHUNK` stays below). */
const CHUNK_OFFSETS = 2 ** 16;
/** Similarity steps in a sort key: finer than any difference the index order could gain from. */
const SIMILARITY_STEPS = 2 ** 21;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every conversation with a customer message: its channel, subject and first public customer message, in
 * conversation id order. Read in id ranges so a dashboard sharing the process keeps answering.
 */
export async function listTopicQuestions(handle: EngineTarget): Promise<TopicQuestions> {
  const { db, sqlite } = handle;
  const bounds = await db
    .selectFrom('conversations')
    .select((eb) => [eb.fn.min('id').as('low'), eb.fn.max('id').as('high')])
    .executeTakeFirst();
  const questions: TopicQuestions = { keys: [], channels: [], subjects: [], bodies: [] };
  if (!bounds || bounds.low === null || bounds.high === null) return questions;
  // A channel is one of a few names: one string each instead of one per conversation.
  const channelNames = new Map<string, string>();
  const restoreCache = useSmallPageCache(sqlite);
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
    restoreCache();
  }
  return questions;
}

/** Each conversation's id, channel, subject and first public customer message, in id order, one id range at a time. */
async function readQuestionsInRanges(
  handle: EngineTarget,
  low: number,
  high: number,
  onQuestion: (row: [number, string, string | null, string]) => void,
): Promise<void> {
  const selectChunk = prepareStatement(
    handle,
    handle.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['c.id', 'c.channel', 'c.subject', 'm.body'])
      .where('m.author_role', '=', slot<'customer'>('customer'))
      .where('m.internal', '=', slot<number>('public'))
      .where('c.id', '>', slot<number>('after'))
      .where('c.id', '<=', slot<number>('through'))
      .orderBy('c.id')
      .orderBy('m.created_at')
      .orderBy('m.external_id'),
    ['customer', 'public', 'after', 'through'],
  );
  for (let after = low - 1; after < high; after += READ_CHUNK) {
    let previous = -1;
    const rows = (await selectChunk.allRaw({ customer: 'customer', public: 0, after, through: after + READ_CHUNK })) as [
      number,
      string,
      string | null,
      string,
    ][];
    for (const row of rows) {
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

/** One run's topics and assignments: what `TopicResultsWriter.finish` stores once the questions are written. */
export type TopicAssignmentsToSave = Omit<TopicResultsToSave, 'analysisRunId' | 'questions' | 'languages'>;

/**
 * One analysis run's topic results, written in steps so the redacted questions can be stored while the rest is still
 * being computed: `writeQuestions` as questions become known (each call its own short transaction, so the write lock
 * is never held for long), then `finish` with the topics and assignments in one transaction. A reader sees none of it
 * before the run succeeds; a run that fails half-way leaves rows nobody reads until they are pruned.
 */
export interface TopicResultsWriter {
  /** Stores the redacted question and language of conversations `from` .. `to` - 1 (each array indexed alike). */
  writeQuestions(conversationIds: readonly number[], questions: readonly string[], languages: readonly string[], from: number, to: number): Promise<void>;
  /** Stores the topics and every assignment, then checks the references of every row the run wrote. */
  finish(results: TopicAssignmentsToSave): Promise<void>;
}

const QUESTION_COLUMNS = ['analysis_run_id', 'conversation_id', 'question', 'language'] as const;
// A million short rows: 64 to an INSERT (half the time of one each, measured with better-sqlite3 at a million rows).
const QUESTION_WRITER_OPTIONS = { sqliteRowsPerStatement: 64 };

/**
 * Starts writing one run's topic results: removes whatever an earlier attempt of the same run wrote (a re-run replaces
 * its rows) and checks that the run exists.
 *
 * @example
 * const writer = await beginTopicResults(handle, runId);
 * await writer.writeQuestions(ids, texts, languages, 0, ids.length);
 * await writer.finish({ topics, conversationIds: ids, topicIds, similarity });
 */
export async function beginTopicResults(handle: EngineTarget, analysisRunId: number): Promise<TopicResultsWriter> {
  const run = analysisRunId;
  await inTransaction(handle, async (db) => {
    await requireAnalysisRun(db, run);
    await db.deleteFrom('topic_assignments').where('analysis_run_id', '=', run).execute();
    await db.deleteFrom('topics').where('analysis_run_id', '=', run).execute();
    await db.deleteFrom('conversation_questions').where('analysis_run_id', '=', run).execute();
  });
  return {
    writeQuestions: (conversationIds, questions, languages, from, to) =>
      // The run was checked above; the conversations are checked together by `finish`.
      withoutRowForeignKeyChecks(handle.sqlite, () =>
        inTransaction(handle, async (db) => {
          const insertQuestion = rowWriter({ db, sqlite: handle.sqlite }, 'conversation_questions', QUESTION_COLUMNS, QUESTION_WRITER_OPTIONS);
          for (let start = from; start < to; start += WRITE_CHUNK) {
            const end = Math.min(to, start + WRITE_CHUNK);
            for (let i = start; i < end; i++) insertQuestion.addValues([run, conversationIds[i]!, questions[i]!, languages[i]!]);
            await insertQuestion.flush();
            if (end < to) await yieldToEventLoop();
          }
        }),
      ),
    finish: (results) => finishTopicResults(handle, run, results),
  };
}

async function finishTopicResults(handle: EngineTarget, run: number, results: TopicAssignmentsToSave): Promise<void> {
  await withoutRowForeignKeyChecks(handle.sqlite, (rowChecks) =>
    inTransaction(handle, async (db) => {
      if (!rowChecks) await requireAnalysisRun(db, run);
      // On PostgreSQL every statement goes to the transaction's connection; on SQLite it is the one connection anyway.
      const target: EngineTarget = { db, sqlite: handle.sqlite };
      const insertTopic = rowWriter(target, 'topics', [
        'analysis_run_id',
        'topic_id',
        'label',
        'top_terms',
        'signature',
        'size',
        'representative_conversation_id',
        'representative_question',
      ]);
      const insertAssignment = rowWriter(target, 'topic_assignments', ['analysis_run_id', 'conversation_id', 'topic_id', 'similarity']);
      for (const topic of results.topics) {
        insertTopic.add({
          analysis_run_id: run,
          topic_id: topic.topicId,
          label: topic.label,
          top_terms: JSON.stringify(topic.topTerms),
          signature: JSON.stringify(topic.signature),
          size: topic.size,
          representative_conversation_id: topic.representativeConversationId,
          representative_question: topic.representativeQuestion,
        });
      }
      await insertTopic.flush();
      const { conversationIds, topicIds, similarity } = results;
      const count = conversationIds.length;
      // Each chunk in (topic, similarity) order: the index on (run, topic, similarity) then grows by in-order runs.
      const order = new Float64Array(WRITE_CHUNK);
      const topicRank = rankTopicIds(topicIds);
      for (let start = 0; start < count; start += WRITE_CHUNK) {
        const end = Math.min(count, start + WRITE_CHUNK);
        let rows = 0;
        for (let i = start; i < end; i++) if (topicIds[i]! >= 0) order[rows++] = sortKey(topicRank.get(topicIds[i]!)!, similarity[i]!, i - start);
        const sorted = order.subarray(0, rows).sort();
        for (const key of sorted) {
          const i = start + (key % CHUNK_OFFSETS);
          insertAssignment.addValues([run, conversationIds[i]!, topicIds[i]!, similarity[i]!]);
        }
        await insertAssignment.flush();
        await yieldToEventLoop();
      }
      if (!rowChecks) await dropRowsOfDeletedConversations(db, run);
    }),
  );
}

/**
 * Writes one run's topics, its assignments and every conversation's redacted question at once (`beginTopicResults`
 * in one call: a re-run of the same analysis run replaces its rows).
 */
export async function saveTopicResults(handle: EngineTarget, results: TopicResultsToSave): Promise<void> {
  const writer = await beginTopicResults(handle, results.analysisRunId);
  await writer.writeQuestions(results.conversationIds, results.questions, results.languages, 0, results.conversationIds.length);
  await writer.finish(results);
}

/** What the foreign key from the run's rows to `analysis_runs` would have refused, checked once. */
async function requireAnalysisRun(db: Kysely<Database>, run: number): Promise<void> {
  const found = await db.selectFrom('analysis_runs').select('id').where('id', '=', run).executeTakeFirst();
  if (!found) throw new Error(`cannot save the topics of analysis run ${run}: there is no such run`);
}

/**
 * The foreign keys to `conversations`, checked once for the whole run: a conversation deleted after its question was
 * read keeps no rows, as its deletion would have taken them with it had it come after the write.
 */
async function dropRowsOfDeletedConversations(db: Kysely<Database>, run: number): Promise<void> {
  for (const table of ['topic_assignments', 'conversation_questions'] as const) {
    await db
      .deleteFrom(table)
      .where('analysis_run_id', '=', run)
      .where('conversation_id', 'not in', (eb) => eb.selectFrom('conversations').select('id'))
      .execute();
  }
}

/** Each topic id's place among the ids used (ascending), so a sort key needs as few bits as there are topics. */
function rankTopicIds(topicIds: Int32Array): Map<number, number> {
  const ids = [...new Set(topicIds)].filter((id) => id >= 0).sort((a, b) => a - b);
  return new Map(ids.map((id, rank) => [id, rank]));
}

/**
 * One number that sorts a chunk's rows by topic, then similarity (in steps of 2^-20), then offset, with a typed
 * array's native sort instead of a comparator called a million times: rank x 2^37 + step x 2^16 + offset, exact in a
 * double for up to 2^16 topics.
 */
function sortKey(rank: number, similarity: number, offset: number): number {
  const step = Math.min(SIMILARITY_STEPS - 1, Math.max(0, Math.floor(((similarity + 1) / 2) * SIMILARITY_STEPS)));
  return (rank * SIMILARITY_STEPS + step) * CHUNK_OFFSETS + offset;
}
