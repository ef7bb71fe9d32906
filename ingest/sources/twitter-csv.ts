import { decodeHtmlEntities } from '../html-to-text.js';
import { MAX_BODY_CHARS } from '../limits.js';
import { describe, type NormalizeResult, type NormalizedConversation, type NormalizedMessage, type RecordIssue } from '../normalize.js';
import { fail, ok, type Parsed } from '../result.js';
import type { Payload, SourceContext, SourceRecord } from '../source-record.js';
import { parseTimestamp } from '../timestamps.js';
import { rawOf, readCsvRows } from './csv-records.js';
import { TweetThreadIndex } from './tweet-thread-index.js';

/** The columns of the Customer Support on Twitter corpus (`twcs.csv`) that an import needs. */
export const TWITTER_CSV_REQUIRED_COLUMNS = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text', 'in_response_to_tweet_id'] as const;
const KNOWN = new Set<string>([...TWITTER_CSV_REQUIRED_COLUMNS, 'response_tweet_id']);
/** The largest tweet id there can be (ids are unsigned 64-bit numbers). */
const MAX_TWEET_ID = (1n << 64n) - 1n;
/** The corpus writes some ids as floats (`3.0`); any other decimal part is not an id. */
const TWEET_ID_PATTERN = /^(\d{1,20})(?:\.0+)?$/;

interface TweetRow {
  id: bigint;
  parent: bigint | null;
  authorId: string;
  inbound: boolean;
  createdAt: number;
  text: string;
}

/**
 * The public "Customer Support on Twitter" corpus: one tweet a row. Threads are rebuilt from
 * `in_response_to_tweet_id`: every tweet belongs to the conversation named after the topmost tweet of its thread
 * present in the file. Customers' tweets (`inbound` True) are customer messages, brands' tweets agent messages
 * with the brand's handle as author; the first brand to answer becomes the conversation's assignee; the channel is
 * `social`. A reply whose parent is not in the file starts its own thread and is reported as a warning.
 *
 * Reads the file twice: once to index the threads (ids only, about 45 bytes a tweet), once to load the tweets.
 */
export async function* readTwitterCsv(context: SourceContext): AsyncGenerator<SourceRecord[]> {
  const options = { timezone: context.timezone };
  const index = new TweetThreadIndex();
  const checkHeader = (columns: string[]): void => {
    const missing = TWITTER_CSV_REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
    if (missing.length > 0) throw new Error(`Twitter CSV without the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const unknown = columns.filter((name) => !KNOWN.has(name));
    if (unknown.length > 0) context.warn(`unknown column${unknown.length > 1 ? 's' : ''} ignored: ${unknown.join(', ')}`, 1);
  };
  for await (const rows of readCsvRows(context.path, () => undefined, checkHeader)) {
    for (const row of rows) {
      if (!row.ok) continue;
      const id = readTweetId(row.fields['tweet_id'], 'tweet_id');
      if (!id.ok || id.value === null) continue;
      const parent = readTweetId(row.fields['in_response_to_tweet_id'], 'in_response_to_tweet_id');
      const inbound = readInbound(row.fields['inbound']);
      const createdAt = parseTimestamp(row.fields['created_at'], options);
      const author = (row.fields['author_id'] ?? '').trim();
      index.add(id.value, parent.ok ? parent.value : null, createdAt.ok ? createdAt.value : NaN, inbound.ok && !inbound.value && author !== '' ? author : null);
    }
  }
  index.finish();

  for await (const rows of readCsvRows(context.path, context.onChunk)) {
    yield rows.map((row): SourceRecord => {
      if (!row.ok) return { line: row.line, raw: row.raw, messagesRead: 1, parsed: { ok: false, reason: row.reason } };
      const tweet = readTweet(row.fields, options);
      if (!tweet.ok) return { line: row.line, raw: rawOf(row.fields), messagesRead: 1, parsed: tweet };
      // The raw text is rebuilt only when a reject or warning needs it.
      const raw = (): string => rawOf(row.fields);
      const parsed = toPayload(tweet.value, index, raw);
      return { line: row.line, raw: parsed.ok && parsed.issues.length === 0 ? '' : raw(), rawOf: raw, messagesRead: 1, parsed };
    });
  }
}

function toPayload(tweet: TweetRow, index: TweetThreadIndex, rawOfRow: () => string): NormalizeResult<Payload> {
  const thread = index.rootOf(tweet.id);
  // Every valid row was indexed in the first pass; a file changed between the passes is the only way here.
  if (!thread) return { ok: false, reason: `tweet ${tweet.id} was not in the file when its threads were indexed (was the file changed during the import?)` };
  const issues: RecordIssue[] = [];
  if (thread.brokenReason === 'missing') {
    issues.push({
      kind: 'warning',
      reason: `tweet ${tweet.id} replies to tweet ${thread.brokenParent}, which is not in this file (or was rejected); its thread is kept as conversation ${thread.root}`,
      raw: rawOfRow(),
    });
  } else if (thread.brokenReason === 'self') {
    issues.push({ kind: 'warning', reason: `tweet ${tweet.id} names itself as its parent; it starts conversation ${thread.root}`, raw: rawOfRow() });
  } else if (thread.brokenReason === 'loop') {
    issues.push({
      kind: 'warning',
      reason: `tweet ${tweet.id} replies to tweet ${thread.brokenParent}, whose replies lead back to it (a loop); conversation ${thread.root} starts here`,
      raw: rawOfRow(),
    });
  }
  const truncated = tweet.text.length > MAX_BODY_CHARS;
  if (truncated) {
    issues.push({
      kind: 'warning',
      reason: `tweet ${tweet.id}: text of ${tweet.text.length} characters truncated to ${MAX_BODY_CHARS}`,
      raw: tweet.text.slice(0, 200),
    });
  }
  const rootId = String(thread.root);
  const head: NormalizedConversation = {
    source: 'twitter',
    externalId: rootId,
    channel: 'social',
    createdAt: null,
    status: null,
    resolvedAt: null,
    // Only the thread's first tweet says who the customer is; other rows leave it as stored.
    customerId: thread.root === tweet.id && tweet.inbound ? tweet.authorId : null,
    assignee: index.firstBrandReply(thread.root),
    subject: null,
    language: null,
    tags: [],
    team: null,
    csatRating: null,
    csat: null,
    events: [],
    messages: [],
  };
  const message: NormalizedMessage = {
    externalId: String(tweet.id),
    role: tweet.inbound ? 'customer' : 'agent',
    authorId: tweet.authorId,
    createdAt: tweet.createdAt,
    body: truncated ? tweet.text.slice(0, MAX_BODY_CHARS) : tweet.text,
    bodyLength: tweet.text.length,
    bodyTruncated: truncated,
    internal: false,
  };
  return { ok: true, value: { type: 'message', head, message }, issues };
}

function readTweet(fields: Record<string, string>, options: { timezone: string }): Parsed<TweetRow> {
  const id = readTweetId(fields['tweet_id'], 'tweet_id');
  if (!id.ok) return id;
  if (id.value === null) return fail('missing field "tweet_id"');
  const parent = readTweetId(fields['in_response_to_tweet_id'], 'in_response_to_tweet_id');
  if (!parent.ok) return parent;
  const authorId = (fields['author_id'] ?? '').trim();
  if (authorId === '') return fail('missing field "author_id"');
  if (authorId.length > 64) return fail(`"author_id" is ${authorId.length} characters long (a handle has at most 64)`);
  const inbound = readInbound(fields['inbound']);
  if (!inbound.ok) return inbound;
  const createdRaw = fields['created_at'];
  if (createdRaw === undefined || createdRaw.trim() === '') return fail('missing field "created_at"');
  const createdAt = parseTimestamp(createdRaw, options);
  if (!createdAt.ok) return fail(`"created_at": ${createdAt.reason}`);
  const text = fields['text'];
  if (text === undefined) return fail('missing field "text"');
  // The corpus keeps the HTML escaping of Twitter's API (`&amp;`, `&gt;`); mentions are already anonymised ids.
  return ok({ id: id.value, parent: parent.value, authorId, inbound: inbound.value, createdAt: createdAt.value, text: decodeHtmlEntities(text) });
}

/** A tweet id: digits, possibly written as a float (`3.0`); null when the field is empty. */
export function readTweetId(value: string | undefined, name: string): Parsed<bigint | null> {
  const text = (value ?? '').trim();
  if (text === '') return ok(null);
  const match = TWEET_ID_PATTERN.exec(text);
  if (!match) return fail(`"${name}" must be a tweet id (digits), got ${describe(text)}`);
  const id = BigInt(match[1]!);
  if (id === 0n || id > MAX_TWEET_ID) return fail(`"${name}" ${text} is not a possible tweet id`);
  return ok(id);
}

function readInbound(value: string | undefined): Parsed<boolean> {
  const text = (value ?? '').trim().toLowerCase();
  if (text === 'true' || text === '1') return ok(true);
  if (text === 'false' || text === '0') return ok(false);
  return fail(text === '' ? 'missing field "inbound"' : `"inbound" must be True or False, got ${describe(value)}`);
}
