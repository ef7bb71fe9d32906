import { afterEach, beforeEach, expect, test } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connection.js';
import { beginTransaction, inTransaction, inTransactionSync, type TransactionTarget } from '../../db/transaction.js';

let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await openDatabase({ path: ':memory:' });
});
afterEach(() => handle.close());

const countEvents = async (): Promise<number> => (await handle.db.selectFrom('events').select('id').execute()).length;
const insertEvent = (db: DatabaseHandle['db'], id: string) =>
  db.insertInto('events').values({ id, starts_at: 0, ends_at: null, title: id, tags: '[]', source_path: 'events.csv', line: 2 }).execute();

const targets: [string, () => TransactionTarget][] = [
  ['the SQLite handle (begin immediate)', () => handle],
  ['a bare Kysely instance (a controlled transaction)', () => handle.db],
];

test.each(targets)('%s: inTransaction commits what work wrote when it returns, and returns its value', async (_, target) => {
  const result = await inTransaction(target(), async (db) => {
    await insertEvent(db, 'a');
    await insertEvent(db, 'b');
    return 'done';
  });
  expect(result).toBe('done');
  expect(await countEvents()).toBe(2);
  expect(handle.sqlite.inTransaction).toBe(false);
});

test.each(targets)('%s: inTransaction rolls every write back when work throws, and rethrows', async (_, target) => {
  await expect(
    inTransaction(target(), async (db) => {
      await insertEvent(db, 'a');
      throw new Error('halfway');
    }),
  ).rejects.toThrow('halfway');
  expect(await countEvents()).toBe(0);
  expect(handle.sqlite.inTransaction).toBe(false);
});

test('beginTransaction: a transaction the caller ends later (the ingest store: one per file); a second rollback is harmless', async () => {
  const transaction = await beginTransaction(handle);
  expect(handle.sqlite.inTransaction).toBe(true);
  await insertEvent(transaction.db, 'a');
  await transaction.rollback();
  await transaction.rollback();
  expect(await countEvents()).toBe(0);
  const second = await beginTransaction(handle);
  await insertEvent(second.db, 'b');
  await second.commit();
  expect(await countEvents()).toBe(1);
});

test('inTransactionSync commits synchronous work and rolls it back when it throws', () => {
  const insert = handle.sqlite.prepare("insert into events (id, starts_at, ends_at, title, tags, source_path, line) values (?, 0, null, ?, '[]', 'e.csv', 1)");
  expect(inTransactionSync(handle, () => insert.run('a', 'a').changes)).toBe(1);
  expect(() =>
    inTransactionSync(handle, () => {
      insert.run('b', 'b');
      throw new Error('halfway');
    }),
  ).toThrow('halfway');
  expect(handle.sqlite.prepare('select count(*) as n from events').get()).toEqual({ n: 1 });
});
