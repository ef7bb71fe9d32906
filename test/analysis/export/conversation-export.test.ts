import { Writable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import type { TestDatabase } from '../../support/test-database.js';
import { csvLine } from '../../../analysis/export/csv-line.js';
import { conversationColumns } from '../../../analysis/export/conversation-columns.js';
import { exportConversations, type ExportColumnProvider, type ExportQuery } from '../../../analysis/export/conversation-export.js';
import { computeResponseFacts } from '../../../analysis/response-times/response-facts-store.js';
import { insertSucceededAnalysisRun } from '../../helpers.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../../../analysis/response-times/response-time-config.js';
import { responseTimeColumns } from '../../../analysis/response-times/response-time-columns.js';
import { seededDatabase } from '../response-times/seed-conversations.js';

let handle: TestDatabase | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

/** A sink with a tiny buffer that drains asynchronously, so the exporter must honour backpressure. */
function slowSink(): { stream: Writable; text: () => string; waits: () => number } {
  const chunks: string[] = [];
  let waits = 0;
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      waits += 1;
      setImmediate(callback);
    },
  });
  return { stream, text: () => chunks.join(''), waits: () => waits };
}

test.each([
  [['plain', 1, null, undefined, true], 'plain,1,,,1\n'],
  [['a,b', 'say "hi"', 'two\nlines'], '"a,b","say ""hi""","two\nlines"\n'],
  [['=cmd()', '-1', -1, '@x'], "'=cmd(),'-1,-1,'@x\n"],
])('csvLine(%j)', (values, expected) => {
  expect(csvLine(values)).toBe(expected);
});

test('one row per conversation with its facts, CSV, streamed with backpressure', async () => {
  handle = await seededDatabase(
    Array.from({ length: 300 }, (_, index) => ({
      id: `conv-${index}`,
      channel: index % 2 === 0 ? 'chat' : 'email',
      tags: index === 0 ? ['fees', 'kyc'] : [],
      messages: [
        { role: 'customer' as const, at: '2026-03-02T09:00:00Z' },
        { role: 'agent' as const, at: `2026-03-02T09:0${index % 10}:00Z` },
      ],
    })),
  );
  await computeResponseFacts(handle, DEFAULT_RESPONSE_TIME_CONFIG, { runId: await insertSucceededAnalysisRun(handle) });
  const sink = slowSink();
  const count = await exportConversations(handle, {
    providers: [conversationColumns, responseTimeColumns],
    format: 'csv',
    filter: { channels: ['chat'] },
    out: sink.stream,
  });
  expect(count).toBe(150);
  const lines = sink.text().trimEnd().split('\n');
  expect(lines).toHaveLength(151);
  const header = lines[0]!.split(',');
  expect(header.slice(0, 11)).toEqual([
    'conversation_id',
    'source',
    'channel',
    'created_at',
    'status',
    'assignee',
    'team',
    'tags',
    'csat_rating',
    'csat',
    'start_at',
  ]);
  const first = Object.fromEntries(lines[1]!.split(',').map((cell, index) => [header[index], cell]));
  expect(first).toMatchObject({ conversation_id: 'conv-0', channel: 'chat', tags: 'fees;kyc', first_response_ms: '0', unanswered: '0', resolutions: '0' });
  const third = Object.fromEntries(lines[3]!.split(',').map((cell, index) => [header[index], cell]));
  expect(third).toMatchObject({ conversation_id: 'conv-4', first_response_ms: '240000', first_response_at: '2026-03-02T09:04:00.000Z' });
});

test('JSON Lines, and a later analysis adds its columns with a provider (a LEFT JOIN)', async () => {
  handle = await seededDatabase([{ id: 'only', messages: [{ role: 'customer', at: '2026-03-02T09:00:00Z' }] }]);
  const topicColumns: ExportColumnProvider = {
    name: 'topic',
    extend: (query) => query.select((eb) => eb.val('T7').as('topic_id')) as unknown as ExportQuery,
    columns: [{ name: 'topic_id', value: (row) => row['topic_id'] as string }],
  };
  const sink = slowSink();
  await exportConversations(handle, { providers: [conversationColumns, responseTimeColumns, topicColumns], format: 'jsonl', filter: {}, out: sink.stream });
  const row = JSON.parse(sink.text()) as Record<string, unknown>;
  // before any analysis, the facts columns are empty rather than missing
  expect(row).toMatchObject({
    conversation_id: 'only',
    tags: [],
    team: null,
    csat_rating: null,
    csat: null,
    first_response_ms: null,
    unanswered: null,
    topic_id: 'T7',
  });
});

test('team and satisfaction as stored: the rating as the source gave it and normalised', async () => {
  handle = await seededDatabase([{ id: 'rated', messages: [{ role: 'customer', at: '2026-03-02T09:00:00Z' }] }]);
  await handle.db.updateTable('conversations').set({ team: 'Payments', csat_rating: 'not_good', csat: 'bad' }).execute();
  for (const format of ['jsonl', 'csv'] as const) {
    const sink = slowSink();
    await exportConversations(handle, { providers: [conversationColumns], format, filter: {}, out: sink.stream });
    if (format === 'jsonl') expect(JSON.parse(sink.text())).toMatchObject({ conversation_id: 'rated', team: 'Payments', csat_rating: 'not_good', csat: 'bad' });
    else expect(sink.text().split('\n')[1]).toMatch(/^rated,canonical,chat,[^,]+,[^,]*,[^,]*,Payments,,not_good,bad$/);
  }
});
