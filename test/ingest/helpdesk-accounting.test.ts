import { afterEach, beforeEach, expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import type { Counts } from '../../ingest/run-ingest.js';
import { fixture, freshDatabase, ingest } from './ingest-helpers.js';

let handle: TestDatabase;
beforeEach(async () => {
  handle = await freshDatabase();
});
afterEach(async () => {
  await handle.close();
});

const adds = (counts: Counts): boolean => counts.read === counts.inserted + counts.updated + counts.unchanged + counts.rejected;

test.each([
  ['twcs', 'threads-out-of-order.csv'],
  ['intercom', 'list-response.json'],
  ['chatwoot', 'conversation-list.json'],
  ['chatwoot', 'conversations-one-per-line.jsonl'],
  ['helpscout', 'conversations-page.json'],
  ['helpscout', 'conversations-one-per-line.jsonl'],
  ['freshdesk', 'tickets.json'],
  ['freshdesk', 'tickets-one-per-line.jsonl'],
  ['intercom', 'conversations-one-per-line.jsonl'],
  ['zendesk', 'incremental-export-with-comments.json'],
  ['zendesk', 'ticket-with-audits.json'],
  ['zendesk', 'tickets-one-per-line.jsonl'],
  ['zendesk', 'tickets-with-ticket-events.json'],
  ['zendesk', 'ticket-events-without-tickets.json'],
])('nothing lost in %s/%s: read = inserted + updated + unchanged + rejected, first and second time', async (...path) => {
  for (const round of [1, 2]) {
    const summary = await ingest(handle, fixture(...path));
    expect(summary.files[0]!.status, `round ${round}`).toBe('loaded');
    expect(adds(summary.records), `records, round ${round}: ${JSON.stringify(summary.records)}`).toBe(true);
    expect(adds(summary.messages), `messages, round ${round}: ${JSON.stringify(summary.messages)}`).toBe(true);
    const rejected = await handle.db
      .selectFrom('rejects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', summary.runId)
      .where('kind', '=', 'record')
      .executeTakeFirstOrThrow();
    expect(rejected.n).toBe(summary.records.rejected);
    if (round === 2) expect(summary.records).toMatchObject({ inserted: 0, updated: 0 });
  }
});
