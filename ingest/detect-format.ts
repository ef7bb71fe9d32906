import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  JSON_LIST_KEYS,
  listOf,
  looksLikeChatwoot,
  looksLikeChatwootMessages,
  looksLikeFaqEntry,
  looksLikeFreshdesk,
  looksLikeHelpscout,
  looksLikeHelpscoutThreads,
  looksLikeIntercom,
  looksLikeZendesk,
  MESSAGE_CSV_REQUIRED_COLUMNS,
  webhookEventSource,
  zendeskTableOf,
} from './format-signs.js';
import type { Source } from './source-record.js';

export type FormatName =
  | 'conversations-jsonl'
  | 'conversations-json'
  | 'messages-csv'
  | 'faq-markdown'
  | 'faq-csv'
  | 'faq-json'
  | 'faq-jsonl'
  | 'twitter-csv'
  | 'zendesk-json'
  | 'zendesk-jsonl'
  | 'intercom-json'
  | 'intercom-jsonl'
  | 'chatwoot-json'
  | 'chatwoot-jsonl'
  | 'helpscout-json'
  | 'helpscout-jsonl'
  | 'freshdesk-json'
  | 'freshdesk-jsonl'
  | 'zendesk-csv'
  | 'helpscout-threads-json'
  | 'helpscout-threads-jsonl'
  | 'chatwoot-messages-json'
  | 'chatwoot-messages-jsonl'
  | 'webhook-events-json'
  | 'webhook-events-jsonl';

export type Detection = { kind: 'format'; format: FormatName; source: Source } | { kind: 'empty' } | { kind: 'unknown'; reason: string };

const SNIFF_BYTES = 64 * 1024;

/**
 * A reader loaded the first time a file of its format is read: each brings its own parsers (the Markdown one a YAML
 * parser, about 50 ms), and a large CSV is read by the parsing thread, so the writing thread never needs its reader.
 */
function lazily(load: () => Promise<Source>): Source {
  let reader: Promise<Source> | undefined;
  return async function* (context) {
    reader ??= load();
    yield* (await reader)(context);
  };
}

const jsonRecords = () => import('./sources/json-records.js');
const zendesk = () => import('./sources/zendesk-tickets.js');
const intercom = () => import('./sources/intercom-conversations.js');
const chatwoot = () => import('./sources/chatwoot-conversations.js');
const helpscout = () => import('./sources/helpscout-conversations.js');
const freshdesk = () => import('./sources/freshdesk-tickets.js');
const webhooks = () => import('./sources/webhook-events.js');

export const SOURCES: Record<FormatName, Source> = {
  'conversations-jsonl': lazily(async () => (await jsonRecords()).readJsonLinesOf('conversation')),
  'conversations-json': lazily(async () => (await jsonRecords()).readJsonDocumentOf('conversation')),
  'messages-csv': lazily(async () => (await import('./sources/messages-csv.js')).readMessagesCsv),
  'faq-markdown': lazily(async () => (await import('./sources/faq-markdown.js')).readFaqMarkdown),
  'faq-csv': lazily(async () => (await import('./sources/faq-csv.js')).readFaqCsv),
  'faq-json': lazily(async () => (await jsonRecords()).readJsonDocumentOf('faq')),
  'faq-jsonl': lazily(async () => (await jsonRecords()).readJsonLinesOf('faq')),
  'twitter-csv': lazily(async () => (await import('./sources/twitter-csv.js')).readTwitterCsv),
  'zendesk-json': lazily(async () => (await zendesk()).readZendeskDocument),
  'zendesk-jsonl': lazily(async () => (await zendesk()).readZendeskJsonLines),
  'intercom-json': lazily(async () => (await intercom()).readIntercomDocument),
  'intercom-jsonl': lazily(async () => (await intercom()).readIntercomJsonLines),
  'chatwoot-json': lazily(async () => (await chatwoot()).readChatwootDocument),
  'chatwoot-jsonl': lazily(async () => (await chatwoot()).readChatwootJsonLines),
  'helpscout-json': lazily(async () => (await helpscout()).readHelpscoutDocument),
  'helpscout-jsonl': lazily(async () => (await helpscout()).readHelpscoutJsonLines),
  'freshdesk-json': lazily(async () => (await freshdesk()).readFreshdeskDocument),
  'freshdesk-jsonl': lazily(async () => (await freshdesk()).readFreshdeskJsonLines),
  'zendesk-csv': lazily(async () => (await import('./sources/zendesk-csv.js')).readZendeskCsv),
  'helpscout-threads-json': lazily(async () => (await import('./sources/helpscout-threads.js')).readHelpscoutThreadsDocument),
  'helpscout-threads-jsonl': lazily(async () => (await import('./sources/helpscout-threads.js')).readHelpscoutThreadsJsonLines),
  'chatwoot-messages-json': lazily(async () => (await import('./sources/chatwoot-messages.js')).readChatwootMessagesDocument),
  'chatwoot-messages-jsonl': lazily(async () => (await import('./sources/chatwoot-messages.js')).readChatwootMessagesJsonLines),
  'webhook-events-json': lazily(async () => (await webhooks()).readWebhookEventsDocument),
  'webhook-events-jsonl': lazily(async () => (await webhooks()).readWebhookEventsJsonLines),
};

/**
 * Recognises a file's format from its content (the name only breaks ties for Markdown).
 *
 * @example
 * const detection = await detectFormat('exports/2024-05-01.jsonl');
 * if (detection.kind === 'format') console.log(detection.format); // 'conversations-jsonl'
 */
export async function detectFormat(path: string): Promise<Detection> {
  const head = await readHead(path);
  if (head.length === 0) return { kind: 'empty' };
  if (looksBinary(head)) return { kind: 'unknown', reason: 'binary file (it holds NUL or control bytes), not text' };
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') return { kind: 'empty' };
  const extension = extname(path).toLowerCase();

  if (/^---[ \t]*\r?\n/.test(text) || extension === '.md' || extension === '.markdown') {
    return found('faq-markdown');
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return detectJson(trimmed, head.length === SNIFF_BYTES, extension);
  return await detectCsv(text);
}

const JSON_LINES_EXTENSIONS = new Set(['.jsonl', '.ndjson', '.jsonlines']);
/** Lines looked at to recognise JSON Lines when the first ones are broken. */
const JSON_LINES_PROBE = 20;

function detectJson(text: string, truncated: boolean, extension: string): Detection {
  const lines = text.split('\n', JSON_LINES_PROBE + 1).slice(0, JSON_LINES_PROBE);
  // A cut-off last line is not evidence either way.
  if (truncated && lines.length > 1) lines.pop();
  for (const line of lines) {
    const candidate = line.trim();
    if (!candidate.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue; // a broken line: it will be rejected by number; keep looking for a good one
    }
    if (typeof value !== 'object' || value === null) continue;
    const keys = Object.keys(value);
    if (webhookEventSource(value) !== null) return found('webhook-events-jsonl');
    const helpdesk = helpdeskOf(value);
    if (helpdesk) return found(`${helpdesk}-jsonl`);
    if (keys.includes('messages')) return found('conversations-jsonl');
    if (looksLikeIntercom(value)) return found('intercom-jsonl');
    if (looksLikeZendesk(value)) return found('zendesk-jsonl');
    if (looksLikeFaqEntry(keys)) return found('faq-jsonl');
    const list = listOf(value);
    if (list) return detectJsonList(list);
    return { kind: 'unknown', reason: `JSON with keys ${keys.slice(0, 12).join(', ')} matches no known format` };
  }
  try {
    if (!truncated) {
      const document: unknown = JSON.parse(text);
      if (webhookEventSource(document) !== null || (Array.isArray(document) && webhookEventSource(document[0]) !== null)) return found('webhook-events-json');
      const helpdesk = helpdeskOf(document);
      if (helpdesk) return found(`${helpdesk}-json`);
      if (looksLikeIntercom(document)) return found('intercom-json');
      if (looksLikeZendesk(document)) return found('zendesk-json');
      const list = listOf(document);
      if (list) return detectJsonList(list);
      const keys = typeof document === 'object' && document !== null ? Object.keys(document) : [];
      return {
        kind: 'unknown',
        reason: `a JSON document${keys.length > 0 ? ` with keys ${keys.slice(0, 12).join(', ')}` : ''} that holds no list of conversations or FAQ entries`,
      };
    }
  } catch {
    // A helpdesk export that is cut short or broken: name the format, and let its reader say what is wrong.
    const newHelpdesk = helpdeskText(text);
    if (newHelpdesk) return found(`${newHelpdesk}-${JSON_LINES_EXTENSIONS.has(extension) ? 'jsonl' : 'json'}`);
    const helpdesk = detectHelpdeskText(text, JSON_LINES_EXTENSIONS.has(extension));
    if (helpdesk) return helpdesk;
    // Every line is broken: in a file named as JSON Lines, reject them one by one with their reasons.
    if (JSON_LINES_EXTENSIONS.has(extension)) return found('conversations-jsonl');
    return { kind: 'unknown', reason: 'JSON that does not parse (neither JSON Lines nor a JSON document)' };
  }
  // The first record is longer than the sniffed text: decide from its opening.
  const firstKey = /^\{\s*"([^"]+)"\s*:/.exec(text)?.[1];
  const isDocument = text.startsWith('[') || (firstKey !== undefined && (JSON_LIST_KEYS as readonly string[]).includes(firstKey));
  // Chatwoot, Help Scout and Freshdesk exports that open with their list are documents, streamed at any size, even
  // when minified on one line; one record longer than the sniffed text on its line is JSON Lines.
  const newHelpdesk = helpdeskText(text);
  // A Chatwoot messages response opens with its "meta" (the conversation's contact and labels), then its list.
  const listKeys = ['data', 'payload', '_embedded', 'conversations', 'tickets', ...(newHelpdesk === 'chatwoot-messages' ? ['meta'] : [])];
  const listFirst = text.startsWith('[') || (firstKey !== undefined && listKeys.includes(firstKey));
  if (newHelpdesk) return found(`${newHelpdesk}-${listFirst || text.includes('\n') ? 'json' : 'jsonl'}`);
  if (/"messages"\s*:/.test(text)) return found(isDocument ? 'conversations-json' : 'conversations-jsonl');
  // Helpdesk pages start with their own keys ("tickets", "type"): one record longer than the sniffed text on the
  // first line is JSON Lines (a minified page reads as one line too); anything else is a document.
  const helpdesk = detectHelpdeskText(text, !text.includes('\n') && text.startsWith('{'));
  if (helpdesk) return helpdesk;
  if (/"(answer|body)"\s*:/.test(text)) return found(isDocument ? 'faq-json' : 'faq-jsonl');
  return { kind: 'unknown', reason: 'a JSON document whose records are neither conversations nor FAQ entries' };
}

type NewHelpdesk = 'chatwoot' | 'helpscout' | 'freshdesk' | 'helpscout-threads' | 'chatwoot-messages';

function helpdeskOf(value: unknown): NewHelpdesk | undefined {
  if (looksLikeHelpscoutThreads(value)) return 'helpscout-threads';
  if (looksLikeChatwootMessages(value)) return 'chatwoot-messages';
  if (looksLikeChatwoot(value)) return 'chatwoot';
  if (looksLikeHelpscout(value)) return 'helpscout';
  if (looksLikeFreshdesk(value)) return 'freshdesk';
  return undefined;
}

/** Chatwoot, Help Scout and Freshdesk exports recognised from their opening text, when too large or broken to parse. */
function helpdeskText(text: string): NewHelpdesk | undefined {
  if (/^\{\s*"_embedded"\s*:\s*\{\s*"threads"\s*:/.test(text)) return 'helpscout-threads';
  // Messages apart name their conversation; a conversation's messages come inside its "messages" list.
  if (/"conversation_id"\s*:/.test(text) && /"message_type"\s*:/.test(text) && !/"(messages|event)"\s*:/.test(text)) return 'chatwoot-messages';
  if (/"inbox_id"\s*:/.test(text) && /"(message_type|meta|account_id)"\s*:/.test(text)) return 'chatwoot';
  if (/"data"\s*:\s*\{\s*"meta"\s*:\s*\{[^{}]*"(mine|unassigned|all)_count"/.test(text)) return 'chatwoot';
  if (/"mailboxId"\s*:/.test(text) || /"_embedded"\s*:\s*\{\s*"conversations"\s*:/.test(text)) return 'helpscout';
  if (/"(responder_id|fr_due_by|description_text)"\s*:/.test(text)) return 'freshdesk';
  return undefined;
}

/** Zendesk and Intercom documents recognised from their opening text, when they are too large or broken to parse. */
function detectHelpdeskText(text: string, lines = false): Detection | undefined {
  if (/"type"\s*:\s*"conversation(?:\.list)?"/.test(text) || /"conversation_parts"\s*:/.test(text)) return found(lines ? 'intercom-jsonl' : 'intercom-json');
  if (/"(tickets|ticket_events)"\s*:\s*\[/.test(text) || /"ticket"\s*:\s*\{/.test(text) || /"requester_id"\s*:/.test(text))
    return found(lines ? 'zendesk-jsonl' : 'zendesk-json');
  return undefined;
}

function detectJsonList(list: unknown[]): Detection {
  const first = list.find((item) => typeof item === 'object' && item !== null && !Array.isArray(item)) as Record<string, unknown> | undefined;
  if (!first) return { kind: 'unknown', reason: 'a JSON document with no records in it' };
  const keys = Object.keys(first);
  const helpdesk = helpdeskOf(first);
  if (helpdesk) return found(`${helpdesk}-json`);
  if (keys.includes('messages')) return found('conversations-json');
  if (looksLikeIntercom(first)) return found('intercom-json');
  if (looksLikeZendesk(first)) return found('zendesk-json');
  if (looksLikeFaqEntry(keys)) return found('faq-json');
  return { kind: 'unknown', reason: `JSON records with keys ${keys.slice(0, 12).join(', ')} match no known format` };
}

async function detectCsv(text: string): Promise<Detection> {
  let header: string[];
  try {
    const line = text.split(/\r?\n/, 1)[0]!;
    // A header without quotes (or a stray carriage return) is its names between commas; only others need a CSV parser.
    const names =
      line.includes('"') || line.includes('\r')
        ? ((await import('papaparse')).default.parse<string[]>(line, { delimiter: ',' }).data[0] ?? [])
        : line.split(',');
    header = names.map((name) => name.trim().toLowerCase());
  } catch {
    return { kind: 'unknown', reason: 'text that is neither JSON nor a CSV with a header row' };
  }
  if (header.length < 2) return { kind: 'unknown', reason: 'text that is neither JSON nor a CSV with a header row' };
  const messageColumns = MESSAGE_CSV_REQUIRED_COLUMNS.filter((name) => header.includes(name));
  if (header.includes('tweet_id') && (header.includes('inbound') || header.includes('in_response_to_tweet_id'))) return found('twitter-csv');
  if (header.includes('conversation_id') && header.includes('message_id')) return found('messages-csv');
  if (looksLikeFaqEntry(header)) return found('faq-csv');
  if (zendeskTableOf(header) !== null) return found('zendesk-csv');
  if (messageColumns.length >= 3) return found('messages-csv');
  return {
    kind: 'unknown',
    reason: `CSV with columns ${header.slice(0, 12).join(', ')} matches no known format (messages need ${MESSAGE_CSV_REQUIRED_COLUMNS.join(', ')}; FAQ entries need id, title and body)`,
  };
}

function found(format: FormatName): Detection {
  return { kind: 'format', format, source: SOURCES[format] };
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A file is binary when control bytes (NUL included) are more than 5% of its first 8 KiB: an image, an archive,
 * UTF-16. A few NUL bytes in a text file do not make it binary: the lines holding them are rejected one by one,
 * as they are further into the file.
 */
function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control += 1;
  }
  return control > sample.length * 0.05;
}
