import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { eachTestDatabaseAndFolder, type TemporaryFolder } from '../helpers.js';

let handle: TestDatabase;
let folder: TemporaryFolder;
eachTestDatabaseAndFolder((h, f) => ((handle = h), (folder = f)));

const withdrawalEntry = (fee: string) => `---
id: withdrawal-fees
title: What are the withdrawal fees?
updated_at: 2024-03-01
tags: [withdrawal, fees]
language: en
---
Withdrawing USDT on TRC20 costs ${fee} USDT. ERC20 costs 5 USDT.
`;

async function versions() {
  return handle.db
    .selectFrom('faq_entries as e')
    .innerJoin('faq_entry_versions as v', 'v.entry_id', 'e.id')
    .select(['e.external_id', 'e.current_version', 'v.version', 'v.title', 'v.body', 'v.tags', 'v.language', 'v.updated_at'])
    .orderBy('e.external_id')
    .orderBy('v.version')
    .execute();
}

test('a folder of Markdown entries: front matter, heading as title, file name as id', async () => {
  const faq = join(folder.path, 'faq');
  mkdirSync(join(faq, 'zh'), { recursive: true });
  writeFileSync(join(faq, 'withdrawal-fees.md'), withdrawalEntry('1'));
  writeFileSync(join(faq, 'zh', 'kyc-time.md'), '# 身份认证需要多久？\n\n通常在 24 小时内完成。\n');
  writeFileSync(join(faq, '.DS_Store'), Buffer.from([0, 1, 2, 3]));
  const summary = await runIngest(handle, { paths: [faq], timezone: 'UTC' });
  expect(summary.files.map((f) => f.format)).toEqual(['faq-markdown', 'faq-markdown']);
  expect(summary.records).toEqual({ read: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  const stored = await versions();
  expect(stored).toHaveLength(2);
  expect(stored[0]).toMatchObject({ external_id: 'kyc-time', title: '身份认证需要多久？', body: '通常在 24 小时内完成。', version: 1 });
  expect(stored[1]).toMatchObject({
    external_id: 'withdrawal-fees',
    title: 'What are the withdrawal fees?',
    tags: JSON.stringify(['fees', 'withdrawal']),
    language: 'en',
    updated_at: Date.parse('2024-03-01T00:00:00Z'),
  });
});

test('an entry whose text changes becomes a new version; the same text again changes nothing', async () => {
  const path = join(folder.path, 'withdrawal-fees.md');
  writeFileSync(path, withdrawalEntry('1'));
  await runIngest(handle, { paths: [path], timezone: 'UTC' });
  const same = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(same.records.unchanged).toBe(1);
  writeFileSync(path, withdrawalEntry('2'));
  const changed = await runIngest(handle, { paths: [path], timezone: 'UTC' });
  expect(changed.records.updated).toBe(1);
  const stored = await versions();
  expect(stored.map((v) => [v.version, v.current_version])).toEqual([
    [1, 2],
    [2, 2],
  ]);
  expect(stored[1]!.body).toContain('costs 2 USDT');
});

test('FAQ entries as CSV and as JSON, with question/answer column names', async () => {
  const csv = join(folder.path, 'faq.csv');
  writeFileSync(csv, 'id,question,answer,tags\n2fa-reset,How do I reset 2FA?,"Go to Security, then ""Reset 2FA"".",security;2fa\n,No id,Body\n');
  const json = join(folder.path, 'faq.json');
  writeFileSync(
    json,
    JSON.stringify(
      { entries: [{ id: 'deposit-missing', title: 'My deposit is missing', body: 'Check the network.', updated_at: '2024-04-01T00:00:00Z' }] },
      null,
      2,
    ),
  );
  const summary = await runIngest(handle, { paths: [csv, json], timezone: 'UTC' });
  expect(summary.files.map((f) => f.format)).toEqual(['faq-csv', 'faq-json']);
  expect(summary.records).toEqual({ read: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
  const reject = await handle.db.selectFrom('rejects').selectAll().executeTakeFirstOrThrow();
  expect(reject).toMatchObject({ line: 3, kind: 'record' });
  expect(reject.reason).toMatch(/missing field "id"/);
  const stored = await versions();
  expect(stored.map((v) => v.external_id)).toEqual(['2fa-reset', 'deposit-missing']);
  expect(stored[0]!.body).toBe('Go to Security, then "Reset 2FA".');
});
