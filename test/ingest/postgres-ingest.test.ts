import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Kysely } from '#kysely';
import { openDatabase, type DatabaseHandle } from '../../db/connection.js';
import { openPostgres, type PostgresHandle } from '../../db/postgres-connection.js';
import type { Database } from '../../db/schema.js';
import { runIngest, type IngestSummary, type IngestTarget } from '../../ingest/run-ingest.js';
import { FIXTURES, temporaryFolder } from '../helpers.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';
import { CONVERSATION_FIELDS } from '../../ingest/conversation-cache.js';

// The same files ingested into SQLite and into PostgreSQL give the same conversations, messages, events, rejects and
// counts; ingesting them again changes nothing on either.

const serverUrl = testPostgresUrl();

/** Everything ingest stored, without the ids each engine gives its rows. */
async function dump(db: Kysely<Database>) {
  const conversations = await db
    .selectFrom('conversations')
    .select(['source', 'external_id', ...CONVERSATION_FIELDS, 'first_run_id', 'last_run_id'])
    .orderBy('source')
    .orderBy('external_id')
    .execute();
  const messages = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select([
      'conversations.source',
      'conversations.external_id as conversation',
      'messages.external_id',
      'messages.author_role',
      'messages.author_id',
      'messages.created_at',
      'messages.body',
      'messages.body_length',
      'messages.body_truncated',
      'messages.internal',
      'messages.first_run_id',
      'messages.last_run_id',
    ])
    .orderBy('conversations.source')
    .orderBy('conversations.external_id')
    .orderBy('messages.external_id')
    .execute();
  const events = await db
    .selectFrom('conversation_events')
    .innerJoin('conversations', 'conversations.id', 'conversation_events.conversation_id')
    .select(['conversations.external_id', 'conversation_events.kind', 'conversation_events.created_at', 'conversation_events.actor_id'])
    .orderBy('conversations.external_id')
    .orderBy('conversation_events.created_at')
    .execute();
  const rejects = await db.selectFrom('rejects').select(['run_id', 'path', 'line', 'kind', 'reason', 'raw', 'raw_truncated']).orderBy('id').execute();
  const files = await db
    .selectFrom('ingest_files')
    .select([
      'run_id',
      'path',
      'format',
      'status',
      'error',
      'records_read',
      'records_inserted',
      'records_updated',
      'records_unchanged',
      'records_rejected',
      'messages_read',
      'messages_inserted',
      'messages_updated',
      'messages_unchanged',
      'messages_rejected',
      'warnings',
    ])
    .orderBy('id')
    .execute();
  const faqEntries = await db
    .selectFrom('faq_entries as e')
    .innerJoin('faq_entry_versions as v', 'v.entry_id', 'e.id')
    .select([
      'e.external_id',
      'e.current_version',
      'e.first_run_id',
      'e.last_run_id',
      'v.version',
      'v.title',
      'v.question',
      'v.body',
      'v.tags',
      'v.language',
      'v.updated_at',
      'v.content_hash',
      'v.source_path',
      'v.run_id',
    ])
    .orderBy('e.external_id')
    .orderBy('v.version')
    .execute();
  return { conversations, messages, events, rejects, files, faqEntries };
}

/** What the feed store keeps: items waiting, helpdesk users, versions applied (without ids and run ids' order). */
async function dumpFeed(db: Kysely<Database>) {
  const pending = await db
    .selectFrom('pending_items')
    .select(['source', 'conversation_external_id', 'item_key', 'waits_for', 'author_id', 'payload', 'path', 'line', 'first_run_id', 'last_run_id'])
    .orderBy('source')
    .orderBy('conversation_external_id')
    .orderBy('item_key')
    .execute();
  const users = await db.selectFrom('source_users').selectAll().orderBy('source').orderBy('external_id').execute();
  const versions = await db.selectFrom('feed_versions').selectAll().orderBy('source').orderBy('external_id').execute();
  return { pending, users, versions };
}

/** FAQ versions without a time of their own take the ingest's, which differs between the two runs. */
function withoutIngestTimes(stored: Awaited<ReturnType<typeof dump>>) {
  return { ...stored, faqEntries: stored.faqEntries.map((entry) => ({ ...entry, updated_at: entry.external_id === 'withdraw' ? entry.updated_at : 0 })) };
}

/** A run's summary without its timings. */
function counts(summary: IngestSummary) {
  return {
    status: summary.status,
    records: summary.records,
    messages: summary.messages,
    warnings: summary.warnings,
    files: summary.files.map((file) => ({ path: file.path, status: file.status, error: file.error, records: file.records, messages: file.messages })),
  };
}

const csvHeader = 'conversation_id,message_id,channel,author_role,author_id,created_at,body,status,subject,conversation_created_at\n';

/** Files written for the comparison: repeats, channel conflicts within and across files, updates, events. */
function writeScenario(folder: string): { first: string[]; second: string[] } {
  const write = (name: string, text: string) => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };
  const dayOne = write(
    'day-1.csv',
    csvHeader +
      'c1,m1,chat,customer,u1,2024-05-01T10:00:00Z,Where is my withdrawal?,,,\n' +
      'c1,m2,chat,agent,a1,2024-05-01T10:03:00Z,"It is confirmed, see ""txid""",open,Withdrawal,\n' +
      'c1,m1,chat,customer,u1,2024-05-01T10:00:00Z,Where is my withdrawal?,,,\n' +
      'c1,m1,chat,customer,u1,2024-05-01T10:00:00Z,Where is my deposit?,,,\n' +
      'c1,m3,email,customer,u1,2024-05-01T10:04:00Z,Other channel,,,\n' +
      'c2,m1,email,customer,u2,2024-05-02T09:00:00Z,Fees?,,,2024-05-02T08:00:00Z\n' +
      'c2,m0,email,customer,u2,2024-05-02T07:00:00Z,Earlier,,,\n' +
      'c3,m1,chat,robot,u3,2024-05-02T09:00:00Z,bad role,,,\n' +
      'c3,m2,chat,customer,u3,not a date,bad date,,,\n' +
      'c4,m1,chat,customer,u4,2024-05-03T09:00:00Z,"multi\nline body",solved,,\n',
  );
  const conversation = (id: string, extra: object, messages: object[], events: object[] = []) =>
    JSON.stringify({ id, channel: 'chat', ...extra, messages, ...(events.length > 0 ? { events } : {}) });
  const ask = { id: 'j1', author_role: 'customer', created_at: '2024-05-04T10:00:00Z', body: 'Two-factor lost' };
  const reply = { id: 'j2', author_role: 'agent', created_at: '2024-05-04T10:10:00Z', body: 'Reset it here' };
  const jsonl = write(
    'day-1.jsonl',
    [
      conversation('k1', { created_at: '2024-05-04T09:59:00Z', status: 'open' }, [ask, reply]),
      conversation('k2', {}, [ask, { ...ask }, { id: 'j3', author_role: 'bot', created_at: '2024-05-04T10:01:00Z', body: 'Auto' }]),
      conversation('k1', { created_at: '2024-05-04T09:59:00Z' }, [ask]),
      conversation('k1', { created_at: '2024-05-04T09:59:00Z' }, [{ ...ask, body: 'changed' }]),
      conversation('k3', { status: 'solved', resolved_at: '2024-05-04T11:00:00Z' }, [ask, { id: 'x', author_role: 'alien', created_at: 'x', body: 'y' }]),
      '{"id": "k4", "channel": broken',
    ].join('\n') + '\n',
  );
  const dayTwo = write(
    'day-2.csv',
    csvHeader +
      'c1,m4,email,customer,u1,2024-05-05T10:00:00Z,Stored as chat,,,\n' +
      'c1,m2,chat,agent,a1,2024-05-01T10:03:00Z,"It is confirmed, see ""txid""",solved,,\n' +
      'c2,m1,email,customer,u2,2024-05-02T09:00:00Z,Fees? (edited),,,\n' +
      'c5,m1,chat,customer,u5,2024-05-05T10:00:00Z,New one,,,\n',
  );
  const jsonlTwo = write(
    'day-2.jsonl',
    `${conversation('k2', { status: 'solved' }, [reply])}\n${conversation('k1', { created_at: '2024-05-04T09:00:00Z' }, [ask, reply])}\n`,
  );
  return { first: [dayOne, jsonl], second: [dayTwo, jsonlTwo] };
}

/** The hostile fixtures: conversations, messages and FAQ entries. */
function hostileFiles(): string[] {
  const folder = join(FIXTURES, 'hostile');
  return readdirSync(folder).map((name) => join(folder, name));
}

/** An FAQ folder (Markdown and CSV, with an id repeated with other content); `edited` changes one entry and adds one. */
function writeFaq(folder: string, edited = false): string {
  const faq = join(folder, 'faq');
  mkdirSync(faq, { recursive: true });
  writeFileSync(join(faq, 'fees.md'), `---\nid: fees\ntitle: Fees\ntags: [billing]\nlanguage: en\n---\nWhat the fees are${edited ? ', from May' : ''}.\n`);
  writeFileSync(join(faq, 'reset-2fa.md'), '# Reset two-factor\n\nOpen the settings and reset it.\n');
  writeFileSync(
    join(faq, 'entries.csv'),
    'id,title,question,body,updated_at\n' +
      'withdraw,Withdrawals,Where is my withdrawal?,It takes an hour.,2024-05-01T00:00:00Z\n' +
      'deposit,Deposits,,Deposits arrive in minutes.,\n' +
      'withdraw,Withdrawals,Where is my withdrawal?,It takes a day.,2024-05-02T00:00:00Z\n' +
      'deposit,Deposits,,Deposits arrive in minutes.,\n' +
      ',No id,,no body,\n' +
      (edited ? 'limits,Limits,,Daily limits apply.,\n' : ''),
  );
  return faq;
}

describe.skipIf(serverUrl === undefined)('ingest into PostgreSQL', () => {
  const folder = temporaryFolder();
  let sqlite: DatabaseHandle;
  let postgres: PostgresHandle & { drop: () => Promise<void> };
  let target: IngestTarget;

  afterAll(() => folder.cleanup());
  beforeEach(async () => {
    sqlite = await openDatabase({ path: ':memory:' });
    const database = await freshPostgresDatabase(serverUrl!);
    postgres = { ...(await openPostgres({ url: database.url })), drop: database.drop };
    target = { engine: 'postgres', db: postgres.db, pool: postgres.pool };
  });
  afterEach(async () => {
    await sqlite.close();
    await postgres.close();
    await postgres.drop();
  });

  const both = async (paths: string[]) => {
    const fromSqlite = await runIngest(sqlite, { paths, timezone: 'UTC', parseInWorker: false });
    const fromPostgres = await runIngest(target, { paths, timezone: 'UTC', parseInWorker: false });
    return { fromSqlite, fromPostgres };
  };

  test('the same files give the same rows, rejects and counts on both engines, file after file and again', async () => {
    const { first, second } = writeScenario(folder.path);
    for (const paths of [first, second, [...first, ...second]]) {
      const { fromSqlite, fromPostgres } = await both(paths);
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
    }
    const stored = await dump(postgres.db);
    expect(stored.rejects.map((reject) => reject.reason)).toContain('channel "email" differs from "chat" already stored for conversation "c1"');
    expect(stored.rejects.map((reject) => reject.reason)).toContain(
      'message "m1" of conversation "c1" repeats line 2 with different content; the first was kept',
    );
    expect(stored.rejects.map((reject) => reject.reason)).toContain('conversation "k1" repeats line 1 with different content; the first was kept');
  });

  test('a stored conversation whose first row in a file has the wrong channel: the repeats after it are rejected as on SQLite', async () => {
    // The file's first row of c1 contradicts the stored channel and is rejected; the chat rows after it load, and a
    // message id they repeat with other content is a repeat of the kept row (PostgreSQL once counted it as updated).
    const stored = join(folder.path, 'channel-first-stored.csv');
    writeFileSync(stored, `${csvHeader}c1,m1,chat,customer,u1,2024-05-01T10:00:00Z,Where is my withdrawal?,,,\n`);
    const later = join(folder.path, 'channel-first-later.csv');
    writeFileSync(
      later,
      csvHeader +
        'c1,m9,email,customer,u1,2024-05-01T10:05:00Z,Wrong channel first,,,\n' +
        'c1,m2,chat,agent,a1,2024-05-01T10:06:00Z,Looking into it,,,\n' +
        'c1,m2,chat,agent,a1,2024-05-01T10:07:00Z,Looking into it (edited),,,\n' +
        'c1,m2,chat,agent,a1,2024-05-01T10:06:00Z,Looking into it,,,\n',
    );
    await both([stored]);
    const { fromSqlite, fromPostgres } = await both([later]);
    expect(fromSqlite.records).toMatchObject({ read: 4, inserted: 1, unchanged: 1, rejected: 2 });
    expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
    expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
  });

  test('re-ingesting files changes no row, and counts as SQLite does', async () => {
    const { first, second } = writeScenario(folder.path);
    await both([...first, ...second]);
    const before = await dump(postgres.db);
    const { fromSqlite, fromPostgres } = await both([...first, ...second]);
    expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
    const after = await dump(postgres.db);
    expect(after.messages.map(({ last_run_id: _, ...message }) => message)).toEqual(before.messages.map(({ last_run_id: _, ...message }) => message));
    expect(after.conversations.map(({ last_run_id: _, ...conversation }) => conversation)).toEqual(
      before.conversations.map(({ last_run_id: _, ...conversation }) => conversation),
    );
    expect(after.events).toEqual(before.events);
    expect(after).toEqual(await dump(sqlite.db));
  });

  test('a clean file ingested again: every record unchanged, nothing written', async () => {
    const path = join(folder.path, 'clean.jsonl');
    const message = (id: string, at: string) => ({ id, author_role: 'customer', created_at: at, body: `Question ${id}` });
    writeFileSync(
      path,
      `${JSON.stringify({ id: 'q1', channel: 'chat', created_at: '2024-05-01T10:00:00Z', messages: [message('a', '2024-05-01T10:00:00Z')] })}\n` +
        `${JSON.stringify({ id: 'q2', channel: 'email', created_at: '2024-05-01T10:30:00Z', messages: [message('b', '2024-05-01T11:00:00Z'), message('c', '2024-05-01T12:00:00Z')] })}\n`,
    );
    await runIngest(target, { paths: [path], timezone: 'UTC' });
    const before = await dump(postgres.db);
    const again = await runIngest(target, { paths: [path], timezone: 'UTC' });
    expect((await dump(postgres.db)).rejects).toEqual([]);
    expect(again.records).toEqual({ read: 2, inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(again.messages).toEqual({ read: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
    const after = await dump(postgres.db);
    expect({ ...after, files: [] }).toEqual({ ...before, files: [] });
  });

  test('hostile inputs: the same rejects and warnings, files failed the same way', async () => {
    const paths = hostileFiles();
    const { fromSqlite, fromPostgres } = await both(paths);
    expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
    // PostgreSQL's text cannot hold U+0000: a NUL inside a JSON string comes back as U+FFFD; everything else is equal.
    const fromSqliteDump = await dump(sqlite.db);
    const withNul = fromSqliteDump.messages.filter((message) => message.body.includes('\u0000'));
    expect(withNul).toHaveLength(1);
    for (const message of withNul) message.body = message.body.replaceAll('\u0000', '\uFFFD');
    expect(await dump(postgres.db)).toEqual(fromSqliteDump);
  });

  test('a large messages CSV parsed in the worker thread: the same rows as SQLite', async () => {
    const path = join(folder.path, 'large.csv');
    let text = 'conversation_id,message_id,channel,author_role,author_id,created_at,body\n';
    for (let i = 0; i < 3000; i++)
      text += `c${Math.floor(i / 4)},m${i},chat,${i % 2 === 0 ? 'customer' : 'agent'},u${i % 7},${new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString()},"Body ${i}"\n`;
    writeFileSync(path, text);
    const fromSqlite = await runIngest(sqlite, { paths: [path], timezone: 'UTC', workerUrl: undefined });
    const fromPostgres = await runIngest(target, { paths: [path], timezone: 'UTC' });
    expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
    expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
  });

  test('the fast lane writes every character as SQLite stores it: Chinese, emoji, accents, short and long fields', async () => {
    const path = join(folder.path, 'characters.csv');
    const rows = [
      'conversation_id,message_id,channel,author_role,author_id,created_at,body',
      '客户-1,m1,chat,customer,用户甲,2024-05-01T10:00:00Z,提币一直在处理中，怎么办？',
      '客户-1,m2,chat,agent,Zoë,2024-05-01T10:01:00Z,"Señor, your withdrawal 👍🏽 is on its way — ¿ok?"',
      `${'c'.repeat(31)},${'m'.repeat(32)},email,customer,${'a'.repeat(33)},2024-05-01T10:02:00Z,${'x'.repeat(31)}`,
      `${'c'.repeat(31)},m-é,email,agent,,2024-05-01T10:03:00Z,é`,
      '繁體-2,m1,chat,customer,u2,2024-05-01T10:04:00Z,"提幣顯示成功但是錢包沒有收到 ""quoted"", 𠮷"',
    ];
    writeFileSync(path, rows.join('\n') + '\n');
    const { fromSqlite, fromPostgres } = await both([path]);
    expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
    expect(fromPostgres.records.inserted).toBe(5);
    expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
  });

  test('plain CSV rows take the fast lane: the same rows as SQLite, the indexes of a first load built again as they were', async () => {
    const indexes = async () =>
      (
        await postgres.pool.query<{ oid: number; definition: string }>(
          `select indexrelid::bigint as oid, pg_get_indexdef(indexrelid) as definition from pg_index
          where indrelid in ('conversations'::regclass, 'messages'::regclass) order by 2`,
        )
      ).rows;
    const header = 'conversation_id,message_id,channel,author_role,author_id,created_at,body\n';
    const write = (name: string, rows: string[]) => {
      writeFileSync(join(folder.path, name), header + rows.join('\n') + '\n');
      return join(folder.path, name);
    };
    // Conversations interleaved, one lowered to an earlier start by a later row; then a file that continues a stored
    // conversation and a file whose last row repeats an id with other content (both read again through the merge).
    const first = write('plain-1.csv', [
      'p1,m1,chat,customer,u1,2024-05-01T10:00:00Z,First',
      'p2,m1,email,customer,u2,2024-05-01T10:01:00Z,"Quoted, ""body"""',
      'p1,m2,chat,agent,,2024-05-01T10:02:00Z,Reply',
      'p2,m0,email,customer,u2,2024-05-01T09:00:00Z,Earlier',
    ]);
    const continued = write('plain-2.csv', ['p3,m1,chat,customer,u3,2024-05-02T10:00:00Z,New', 'p1,m3,chat,customer,u1,2024-05-02T10:05:00Z,Again']);
    const repeated = write('plain-3.csv', [
      'p4,m1,chat,customer,u4,2024-05-03T10:00:00Z,Fine',
      'p4,m2,chat,agent,a1,2024-05-03T10:01:00Z,Fine too',
      'p4,m1,chat,customer,u4,2024-05-03T10:00:00Z,Changed',
    ]);
    const before = await indexes();
    for (const paths of [[first], [continued], [repeated], [first, continued, repeated]]) {
      const { fromSqlite, fromPostgres } = await both(paths);
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
      if (paths[0] === first && paths.length === 1) {
        const after = await indexes();
        expect(after.map((index) => index.definition)).toEqual(before.map((index) => index.definition));
        // Built again (new objects): the first load took the fast lane, which drops and rebuilds them.
        expect(after.map((index) => index.oid)).not.toEqual(before.map((index) => index.oid));
      }
    }
    expect((await dump(postgres.db)).rejects.map((reject) => reject.reason)).toContain(
      'message "m1" of conversation "p4" repeats line 2 with different content; the first was kept',
    );
    // Planner statistics were gathered after the load.
    const analysed = await postgres.pool.query(`select 1 from pg_stat_user_tables where relname = 'messages' and last_analyze is not null`);
    expect(analysed.rowCount).toBe(1);
  });

  test('an FAQ folder gives the same entries, versions, rejects and counts on both engines; again, nothing changes', async () => {
    const faq = writeFaq(folder.path);
    for (const edited of [false, false, true, true]) {
      writeFaq(folder.path, edited);
      const { fromSqlite, fromPostgres } = await both([faq]);
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(withoutIngestTimes(await dump(postgres.db))).toEqual(withoutIngestTimes(await dump(sqlite.db)));
    }
    const stored = await dump(postgres.db);
    expect(stored.faqEntries.find((entry) => entry.external_id === 'withdraw')?.updated_at).toBe(Date.UTC(2024, 4, 1));
    expect(stored.faqEntries.map((entry) => `${entry.external_id} ${entry.version}`)).toEqual([
      'deposit 1',
      'fees 1',
      'fees 2',
      'limits 1',
      'reset-2fa 1',
      'withdraw 1',
    ]);
    expect(stored.rejects.map((reject) => reject.reason)).toContain('FAQ entry "withdraw" repeats line 2 with different content; the first was kept');
    // The second ingest of the unchanged folder: every entry unchanged, no new version.
    expect(stored.files.filter((file) => file.run_id === 2).map((file) => file.records_unchanged)).toEqual([3, 1, 1]);
  });

  test('helpdesk items that arrive apart give the same rows, waiting items, users and counts on both engines; again, nothing changes', async () => {
    const feeds = join(FIXTURES, 'feeds');
    const zendesk = join(feeds, 'zendesk', 'streams');
    const intercom = join(feeds, 'intercom', 'streams');
    // Comments before their tickets and users (they wait), then what they wait for; webhooks; whole exports.
    const runs = [
      [join(feeds, 'zendesk', 'comment-of-missing-ticket.jsonl'), join(zendesk, 'ticket_comments.jsonl')],
      [join(zendesk, 'tickets.jsonl'), join(zendesk, 'users.jsonl'), join(zendesk, 'ticket_audits.jsonl')],
      [join(intercom, 'conversation_parts.jsonl'), join(intercom, 'conversations.jsonl'), join(intercom, 'admins.json'), join(intercom, 'contacts.json')],
      [join(feeds, 'zendesk', 'webhooks'), join(feeds, 'intercom', 'webhooks'), join(feeds, 'chatwoot', 'webhooks')],
      [join(feeds, 'chatwoot', 'api'), join(feeds, 'helpscout'), join(feeds, 'zendesk', 'one-piece.json'), join(feeds, 'chatwoot', 'one-piece.json')],
    ];
    for (const paths of [...runs, runs.flat()]) {
      const { fromSqlite, fromPostgres } = await both(paths);
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(fromPostgres.waiting).toEqual(fromSqlite.waiting);
      expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
      expect(await dumpFeed(postgres.db)).toEqual(await dumpFeed(sqlite.db));
    }
    const stored = await dump(postgres.db);
    expect(stored.files.every((file) => file.status === 'loaded')).toBe(true);
    expect(new Set(stored.conversations.map((conversation) => conversation.source))).toEqual(new Set(['zendesk', 'intercom', 'chatwoot', 'helpscout']));
    // The last run read every file again: nothing new.
    const last = Math.max(...stored.files.map((file) => file.run_id));
    expect(stored.files.filter((file) => file.run_id === last).every((file) => file.records_inserted + file.records_updated === 0)).toBe(true);
  });

  test('a NUL in a helpdesk conversation id or user name: stored as U+FFFD on PostgreSQL, found again on the next run', async () => {
    const path = join(folder.path, 'nul-stream.jsonl');
    const lines = readFileSync(join(FIXTURES, 'feeds', 'chatwoot', 'messages-stream.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const withNul = lines.map((line, index) => {
      const item = JSON.parse(line) as { conversation_id: unknown; sender?: { name?: string } | null };
      if (index === 0) item.conversation_id = '6\u00002';
      if (item.sender) item.sender.name = `${item.sender.name ?? 'someone'}\u0000x`;
      return JSON.stringify(item);
    });
    writeFileSync(path, withNul.join('\n') + '\n');
    // SQLite's rows as PostgreSQL stores them: NUL as U+FFFD, in one order for both.
    const comparable = (feed: Awaited<ReturnType<typeof dumpFeed>>) => {
      const replaced = JSON.parse(JSON.stringify(feed).replaceAll('\\u0000', '\uFFFD')) as typeof feed;
      const key = (item: (typeof feed.pending)[number]) => `${item.conversation_external_id} ${item.item_key}`;
      return { ...replaced, pending: replaced.pending.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
    };
    for (let run = 0; run < 2; run++) {
      const { fromSqlite, fromPostgres } = await both([path]);
      expect(fromPostgres.status).toBe('succeeded');
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(fromPostgres.waiting).toEqual(fromSqlite.waiting);
      expect(comparable(await dumpFeed(postgres.db))).toEqual(comparable(await dumpFeed(sqlite.db)));
    }
    const pending = await postgres.db.selectFrom('pending_items').select('conversation_external_id').execute();
    expect(pending.map((item) => item.conversation_external_id)).toContain('6\uFFFD2');
  });

  test("a new helpdesk conversation's messages go in together; a part it repeats is compared with the first, as on SQLite", async () => {
    const path = join(folder.path, 'repeats.jsonl');
    const lines = readFileSync(join(FIXTURES, 'intercom', 'conversations-one-per-line.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const first = JSON.parse(lines[0]!) as { conversation_parts: { conversation_parts: { id: string; body: string }[] } };
    const parts = first.conversation_parts.conversation_parts;
    // The same part again with other words, and again as it was; then a conversation of one part.
    parts.push({ ...parts[0]!, body: '<p>Which document, again?</p>' }, { ...parts[1]! });
    writeFileSync(path, [JSON.stringify(first), ...lines.slice(1)].join('\n') + '\n');
    for (let run = 0; run < 2; run++) {
      const { fromSqlite, fromPostgres } = await both([path]);
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      expect(await dump(postgres.db)).toEqual(await dump(sqlite.db));
      // The two repeats were compared with what went in before them, not inserted.
      if (run === 0) expect(fromPostgres.messages.updated + fromPostgres.messages.unchanged).toBe(2);
    }
  });

  test('a helpdesk file that fails part-way keeps nothing of itself on PostgreSQL', async () => {
    // Comments of one ticket not loaded yet, 1.8 MB: more than one batch (lines are read 1 MiB at a time); the run is
    // stopped after the first.
    const comments = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        id: 50_000 + i,
        ticket_id: 777,
        type: 'Comment',
        author_id: 7001,
        body: `comment ${i} ${'x'.repeat(500)}`,
        public: true,
        created_at: '2024-03-05T08:00:00Z',
      }),
    );
    const file = join(folder.path, 'ticket_comments.jsonl');
    writeFileSync(file, `${comments.join('\n')}\n`);
    const stop = new AbortController();
    const summary = await runIngest(target, {
      paths: [file],
      timezone: 'UTC',
      parseInWorker: false,
      progressIntervalMs: 0,
      onProgress: () => stop.abort(),
      signal: stop.signal,
    });
    expect(summary.files[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) });
    expect(summary.waiting).toEqual({ conversation: 0, author: 0 });
    expect(await dumpFeed(postgres.db)).toEqual({ pending: [], users: [], versions: [] });
    const stored = await dump(postgres.db);
    expect(stored.conversations).toEqual([]);
    expect(stored.rejects).toEqual([]);
    expect(stored.files.map((file) => file.status)).toEqual(['failed']);
  });
});
