import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { slot } from '../../db/compiled-statement.js';
import { type EngineHandle, openLocation, parseDatabaseLocation } from '../../db/database-location.js';
import { prepareStatement, rowWriter } from '../../db/engine-statements.js';
import { inTransaction } from '../../db/transaction.js';
import { freshPostgresDatabase, testPostgresUrl } from '../support/postgres.js';

// prepareStatement and rowWriter, the analysis stores' write path, give the same rows on both engines, and a
// transaction opened on an engine handle (SQLite's connection, or none on PostgreSQL) commits or rolls back whole.

const serverUrl = testPostgresUrl();

const ENGINES: { name: string; skip: boolean; open: () => Promise<{ handle: EngineHandle; drop: () => Promise<void> }> }[] = [
  { name: 'SQLite', skip: false, open: async () => ({ handle: await openLocation(parseDatabaseLocation(':memory:')), drop: async () => {} }) },
  {
    name: 'PostgreSQL',
    skip: serverUrl === undefined,
    open: async () => {
      const database = await freshPostgresDatabase(serverUrl!);
      return { handle: await openLocation(parseDatabaseLocation(database.url)), drop: database.drop };
    },
  },
];

const EVENT_COLUMNS = ['id', 'starts_at', 'ends_at', 'title', 'tags', 'source_path', 'line'] as const;
/** More rows than one PostgreSQL multi-row insert takes (30,000 parameters / 7 columns). */
const ROWS = 9_000;

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(engine.name, () => {
    let handle: EngineHandle;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ handle, drop } = await engine.open());
    });
    afterAll(async () => {
      await handle?.close();
      await drop?.();
    });

    test('rowWriter writes every row inside the transaction; prepareStatement reads them back in select order', async () => {
      await inTransaction(handle, async (db) => {
        const writer = rowWriter({ db, sqlite: handle.sqlite }, 'events', EVENT_COLUMNS);
        for (let i = 0; i < ROWS; i++)
          writer.add({
            id: `e${String(i).padStart(5, '0')}`,
            starts_at: i * 1000,
            ends_at: null,
            title: `t ${i}`,
            tags: '[]',
            source_path: 'x.csv',
            line: i + 2,
          });
        await writer.flush();
      });
      const select = prepareStatement(
        handle,
        handle.db
          .selectFrom('events')
          .select(['id', 'line', 'ends_at'])
          .where('starts_at', '>=', slot<number>('from'))
          .orderBy('id')
          .limit(slot<number>('limit')),
        ['from', 'limit'],
      );
      expect(await select.allRaw({ from: 8_998_000, limit: 5 })).toEqual([
        ['e08998', 9000, null],
        ['e08999', 9001, null],
      ]);
      expect(await select.all({ from: 0, limit: 1 })).toEqual([{ id: 'e00000', line: 2, ends_at: null }]);
      const count = await handle.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(ROWS);
    });

    test.each([1, 63, 64, 65, 130])(
      'rowWriter with several rows per SQLite statement writes %i rows whole, given as objects or as values in any column order',
      async (rows) => {
        const columns = ['line', 'title', 'id', 'starts_at', 'ends_at', 'tags', 'source_path'] as const;
        await inTransaction(handle, async (db) => {
          const writer = rowWriter({ db, sqlite: handle.sqlite }, 'events', columns, { sqliteRowsPerStatement: 64 });
          for (let i = 0; i < rows; i++) {
            const id = `b${String(i).padStart(3, '0')}`;
            if (i % 2 === 0) writer.addValues([i + 2, `title ${i}`, id, i * 1000, i % 3 === 0 ? null : i * 1000 + 5, '[]', `batch-${rows}.csv`]);
            else
              writer.add({
                line: i + 2,
                title: `title ${i}`,
                id,
                starts_at: i * 1000,
                ends_at: i % 3 === 0 ? null : i * 1000 + 5,
                tags: '[]',
                source_path: `batch-${rows}.csv`,
              });
          }
          await writer.flush();
        });
        const stored = await handle.db
          .selectFrom('events')
          .select(['id', 'line', 'title', 'starts_at', 'ends_at'])
          .where('source_path', '=', `batch-${rows}.csv`)
          .orderBy('id')
          .execute();
        expect(stored).toEqual(
          Array.from({ length: rows }, (_, i) => ({
            id: `b${String(i).padStart(3, '0')}`,
            line: i + 2,
            title: `title ${i}`,
            starts_at: i * 1000,
            ends_at: i % 3 === 0 ? null : i * 1000 + 5,
          })),
        );
        await handle.db.deleteFrom('events').where('source_path', '=', `batch-${rows}.csv`).execute();
      },
    );

    test('a transaction on the engine handle rolls back every row when its work throws', async () => {
      await expect(
        inTransaction(handle, async (db) => {
          await db.deleteFrom('events').execute();
          const writer = rowWriter({ db, sqlite: handle.sqlite }, 'events', EVENT_COLUMNS);
          writer.add({ id: 'late', starts_at: 0, ends_at: null, title: 'late', tags: '[]', source_path: 'x.csv', line: 2 });
          await writer.flush();
          throw new Error('halfway');
        }),
      ).rejects.toThrow('halfway');
      const count = await handle.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(ROWS);
    });
  });
}
