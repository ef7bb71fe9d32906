/**
 * Benchmark of the response-time analysis: `npm run bench:response-times`.
 *
 * Generates (fixed seed, once; reused from bench/out/ afterwards) a database of 1,000,000 conversations and about
 * 5,000,000 messages, inserted directly with Kysely-compiled prepared statements in large transactions, then times
 * the computation of every conversation's facts and the report for a 30-day window grouped by day and by channel.
 * Targets: facts under 30 s, report under 200 ms.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from '#kysely';
import { prepareCompiled, slot } from '../db/compiled-statement.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';
import type { AuthorRole, ConversationEventKind, ConversationSource } from '../db/schema.js';
import { computeResponseFacts } from '../analysis/response-times/response-facts-store.js';
import { pruneAnalysisResults } from '../db/analysis-runs.js';
import { DEFAULT_RESPONSE_TIME_CONFIG, type ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { getResponseTimeHeatmap, getResponseTimeReport } from '../analysis/response-times/response-time-queries.js';
import { mulberry32 } from '../analysis/topics/seeded-random.js';
import { medianOf } from '../analysis/response-times/duration-statistics.js';

const CONVERSATIONS = Number(process.env['BENCH_CONVERSATIONS'] ?? 1_000_000);
const SEED = 20260302;
const DAY = 86_400_000;
const MINUTE = 60_000;
const SPAN_START = Date.parse('2025-03-01T00:00:00Z');
const SPAN_DAYS = 365;
const BATCH = 50_000;

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../bench/out');
const DB_PATH = join(OUT_DIR, `response-times-${CONVERSATIONS}.db`);

const config: ResponseTimeConfig = {
  ...DEFAULT_RESPONSE_TIME_CONFIG,
  reportingTimeZone: 'Europe/Berlin',
  businessHours: {
    chat: {
      timeZone: 'Europe/Berlin',
      intervals: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '12:00' },
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '13:00', end: '22:00' },
      ],
      holidays: ['2025-12-25', '2026-01-01'],
    },
    email: {
      timeZone: 'America/New_York',
      intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      holidays: ['2025-07-04', '2025-11-27', '2025-12-25', '2026-01-01'],
    },
  },
};

const random = mulberry32;

async function generate(handle: DatabaseHandle): Promise<void> {
  const { db, sqlite } = handle;
  sqlite.pragma('synchronous = OFF');
  const next = random(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const run = await db
    .insertInto('ingest_runs')
    .values({ started_at: Date.now(), status: 'succeeded', pid: process.pid, hostname: 'bench', timezone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const insertConversation = prepareCompiled(
    sqlite,
    db.insertInto('conversations').values({
      source: slot<ConversationSource>('source'),
      external_id: slot('external_id'),
      channel: slot('channel'),
      created_at: slot<number>('created_at'),
      status: slot('status'),
      resolved_at: slot<number>('resolved_at'),
      customer_id: slot('customer_id'),
      assignee: slot('assignee'),
      subject: slot('subject'),
      language: slot('language'),
      tags: slot('tags'),
      first_run_id: slot<number>('run_id'),
      last_run_id: slot<number>('run_id'),
    }),
    ['source', 'external_id', 'channel', 'created_at', 'status', 'resolved_at', 'customer_id', 'assignee', 'subject', 'language', 'tags', 'run_id'],
  );
  const insertMessage = prepareCompiled(
    sqlite,
    db.insertInto('messages').values({
      conversation_id: slot<number>('conversation_id'),
      external_id: slot('external_id'),
      author_role: slot<AuthorRole>('author_role'),
      author_id: slot('author_id'),
      created_at: slot<number>('created_at'),
      body: slot('body'),
      body_length: slot<number>('body_length'),
      internal: slot<number>('internal'),
      first_run_id: slot<number>('run_id'),
      last_run_id: slot<number>('run_id'),
    }),
    ['conversation_id', 'external_id', 'author_role', 'author_id', 'created_at', 'body', 'body_length', 'internal', 'run_id'],
  );
  const insertEvent = prepareCompiled(
    sqlite,
    db.insertInto('conversation_events').values({
      conversation_id: slot<number>('conversation_id'),
      kind: slot<ConversationEventKind>('kind'),
      created_at: slot<number>('created_at'),
      actor_id: slot('actor_id'),
    }),
    ['conversation_id', 'kind', 'created_at', 'actor_id'],
  );
  const agents = Array.from({ length: 40 }, (_, index) => `agent-${index + 1}`);
  const tags = ['fees', 'deposit', 'withdrawal', 'kyc', '2fa', 'trade', 'account'];
  const body = 'Hello, my withdrawal has not arrived yet, can you check please?';
  let messages = 0;
  const startedAt = performance.now();
  for (let done = 0; done < CONVERSATIONS; ) {
    await sql`begin`.execute(db);
    const end = Math.min(CONVERSATIONS, done + BATCH);
    for (; done < end; done += 1) {
      const roll = next();
      const channel = roll < 0.6 ? 'chat' : roll < 0.95 ? 'email' : 'whatsapp';
      // Loaded day after day, as nightly ingests do (so ids follow time); more volume in the afternoon (UTC).
      const day = Math.floor((done * SPAN_DAYS) / CONVERSATIONS);
      const hourWeight = Math.floor(Math.abs(next() + next() + next() - 1.5) * 16);
      const createdAt = SPAN_START + day * DAY + ((14 + hourWeight * (next() < 0.5 ? -1 : 1) + 24) % 24) * 3_600_000 + Math.floor(next() * 3_600_000);
      const agent = pick(agents);
      const quick = channel === 'chat' ? MINUTE : 30 * MINUTE;
      const thread: { role: AuthorRole; at: number; internal: number }[] = [{ role: 'customer', at: createdAt, internal: 0 }];
      let clock = createdAt;
      if (channel === 'chat' && next() < 0.5) thread.push({ role: 'bot', at: (clock += 2000), internal: 0 });
      const unanswered = next() < 0.03;
      if (!unanswered) {
        const turns = 1 + Math.floor(next() * 3.4);
        for (let turn = 0; turn < turns; turn += 1) {
          if (next() < 0.15) thread.push({ role: 'agent', at: (clock += Math.floor(next() * quick)), internal: 1 });
          thread.push({ role: 'agent', at: (clock += Math.floor(-Math.log(1 - next()) * quick * 4)), internal: 0 });
          if (turn < turns - 1) thread.push({ role: 'customer', at: (clock += Math.floor(next() * quick * 10)), internal: 0 });
        }
      }
      const resolved = !unanswered && next() < 0.85;
      const reopened = resolved && next() < 0.05;
      const resolvedAt = resolved ? clock + Math.floor(next() * quick * 20) + (reopened ? quick * 40 : 0) : null;
      const info = insertConversation.run({
        source: 'canonical',
        subject: null,
        language: 'en',
        run_id: run.id,
        external_id: `bench-${done + 1}`,
        channel,
        created_at: createdAt,
        status: resolved ? 'solved' : 'open',
        resolved_at: resolvedAt,
        customer_id: `customer-${Math.floor(next() * 200_000)}`,
        assignee: next() < 0.9 ? agent : null,
        tags: JSON.stringify(next() < 0.7 ? [pick(tags)] : []),
      });
      const conversationId = Number(info.lastInsertRowid);
      thread.forEach((message, index) => {
        insertMessage.run({
          conversation_id: conversationId,
          external_id: `m${index + 1}`,
          author_role: message.role,
          author_id: message.role === 'agent' ? agent : message.role === 'customer' ? 'customer' : null,
          created_at: message.at,
          body,
          body_length: body.length,
          internal: message.internal,
          run_id: run.id,
        });
      });
      messages += thread.length;
      if (reopened && resolvedAt !== null) {
        const firstResolution = clock + Math.floor(next() * quick * 5);
        insertEvent.run({ conversation_id: conversationId, kind: 'resolved', created_at: firstResolution, actor_id: null });
        insertEvent.run({ conversation_id: conversationId, kind: 'reopened', created_at: firstResolution + quick * 10, actor_id: null });
        insertEvent.run({ conversation_id: conversationId, kind: 'resolved', created_at: resolvedAt, actor_id: null });
      }
    }
    await sql`commit`.execute(db);
    process.stderr.write(`\rgenerated ${done.toLocaleString('en-US')} conversations, ${messages.toLocaleString('en-US')} messages`);
  }
  process.stderr.write(`\ngenerated in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
  sqlite.pragma('synchronous = NORMAL');
}

/** Wall time, and the CPU time of this process (user + system): on a shared machine the two differ. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const value = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { value, ms: performance.now() - startedAt, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const cpu = cpus();
  process.stdout.write('');
  console.log(
    `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  let reuse = existsSync(DB_PATH);
  let handle = await openDatabase({ path: DB_PATH });
  if (reuse) {
    const count = await handle.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (count.n !== CONVERSATIONS) {
      await handle.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(DB_PATH + suffix, { force: true });
      handle = await openDatabase({ path: DB_PATH });
      reuse = false;
    }
  }
  if (!reuse) await generate(handle);
  const messages = await handle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    `database: ${DB_PATH} (${reuse ? 'reused' : 'generated'}), ${CONVERSATIONS.toLocaleString('en-US')} conversations, ${messages.n.toLocaleString('en-US')} messages`,
  );

  const run = await handle.db
    .insertInto('analysis_runs')
    .values({ started_at: Date.now(), finished_at: Date.now(), status: 'succeeded', pid: process.pid, hostname: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const facts = await timed(() => computeResponseFacts(handle, config, { runId: run.id }));
  await pruneAnalysisResults(handle.db, { keep: [run.id] });
  console.log(
    `facts: ${facts.value.conversations.toLocaleString('en-US')} conversations in ${(facts.ms / 1000).toFixed(2)} s wall, ${(facts.cpuMs / 1000).toFixed(2)} s CPU (target < 30 s)`,
    JSON.stringify(facts.value),
  );

  const from = Date.parse('2026-01-15T00:00:00+01:00');
  const filter = { from, to: from + 30 * DAY };
  const options = { config, asOf: SPAN_START + (SPAN_DAYS + 1) * DAY };
  for (const groupBy of ['day', 'channel'] as const) {
    const runs: number[] = [];
    const cpuRuns: number[] = [];
    let conversations = 0;
    let source = '';
    for (let index = 0; index < 5; index += 1) {
      const report = await timed(() => getResponseTimeReport(handle.db, filter, options, groupBy));
      runs.push(report.ms);
      cpuRuns.push(report.cpuMs);
      conversations = report.value.total.conversations;
      source = report.value.source;
    }
    console.log(
      `report: 30 days grouped by ${groupBy} (from ${source}), ${conversations.toLocaleString('en-US')} conversations: first ${runs[0]!.toFixed(0)} ms, median of 5 ${medianOf(runs)!.toFixed(0)} ms wall, ${medianOf(cpuRuns)!.toFixed(0)} ms CPU (target < 200 ms)`,
    );
  }
  for (const groupBy of ['agent', 'tag'] as const) {
    const report = await timed(() => getResponseTimeReport(handle.db, filter, options, groupBy));
    console.log(
      `report: 30 days grouped by ${groupBy} (from ${report.value.source}): ${report.ms.toFixed(0)} ms wall, ${report.cpuMs.toFixed(0)} ms CPU (no target)`,
    );
  }
  const heatmap = await timed(() => getResponseTimeHeatmap(handle.db, filter, options));
  console.log(`heatmap: 30 days in ${heatmap.ms.toFixed(0)} ms wall, ${heatmap.cpuMs.toFixed(0)} ms CPU (no target)`);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await handle.close();
}

await main();
