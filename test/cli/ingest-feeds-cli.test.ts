import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CLI, FIXTURES, temporaryFolder } from '../helpers.js';
import { testDatabaseLocation } from '../support/test-database.js';

let folder: ReturnType<typeof temporaryFolder>;
let db: string;
beforeEach(async () => {
  folder = temporaryFolder();
  db = await testDatabaseLocation(join(folder.path, 'test.db'));
});
afterEach(() => folder.cleanup());

function ingest(...paths: string[]) {
  const result = spawnSync(process.execPath, [...CLI, 'ingest', '--db', db, ...paths], { encoding: 'utf8', cwd: folder.path });
  return { code: result.status, stdout: result.stdout };
}

const STREAMS = join(FIXTURES, 'feeds', 'zendesk', 'streams');

test('ingest says what waits for a later file and what an ingest joined', () => {
  const comments = ingest(join(STREAMS, 'ticket_comments.jsonl'));
  expect(comments.code).toBe(0);
  expect(comments.stdout).toContain('waiting: 7 for their ticket or conversation; kept and placed when it arrives');
  const tickets = ingest(join(STREAMS, 'tickets.jsonl'));
  expect(tickets.stdout).toContain('joined: 5 comments, parts or events read in earlier files or runs were placed in their conversations');
  expect(tickets.stdout).toContain("waiting: 2 for their author's role (a users, admins or contacts file); kept and placed when it arrives");
  const users = ingest(join(STREAMS, 'users.jsonl'));
  expect(users.stdout).toContain('joined: 2 comments');
  expect(users.stdout).not.toContain('waiting:');
});
