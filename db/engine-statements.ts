import type BetterSqlite3 from 'better-sqlite3';
import { type Compilable, CompiledQuery, type InsertQueryBuilder, type Insertable, type Kysely } from '#kysely';
import { prepareCompiled, slot, slotOrder } from './compiled-statement.js';
import type { Database } from './schema.js';
import { prepareOnServer } from './postgres-parameters.js';

/**
 * What the analysis stores write through: Kysely, plus better-sqlite3's connection when the database is a SQLite
 * file (its hot paths run prepared statements synchronously). On PostgreSQL `sqlite` is undefined and every
 * statement goes through Kysely. Both `DatabaseHandle` and `EngineHandle` are one.
 */
export interface EngineTarget {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database | undefined;
}

/** A statement built once with `slot()`s and run many times, on either engine. */
export interface EngineStatement<Slots extends string> {
  /** Rows as objects. */
  all<Row>(values: Record<Slots, unknown>): Promise<Row[]>;
  /** The first row, if any. */
  get<Row>(values: Record<Slots, unknown>): Promise<Row | undefined>;
  /** Rows as arrays of column values in select order. */
  allRaw(values: Record<Slots, unknown>): Promise<unknown[][]>;
  run(values: Record<Slots, unknown>): Promise<void>;
}

/**
 * Prepares a query built with `slot('name')` placeholders (see `prepareCompiled`): on SQLite a prepared statement,
 * on PostgreSQL the compiled SQL sent with the slots' values in the order Kysely put them.
 *
 * @example
 * const find = prepareStatement(target, db.selectFrom('messages').select('id').where('id', '>', slot<number>('after')), ['after']);
 * const rows = await find.allRaw({ after: 0 });
 */
export function prepareStatement<Slots extends string>(target: EngineTarget, query: Compilable, slots: readonly Slots[]): EngineStatement<Slots> {
  if (target.sqlite !== undefined) {
    const prepared = prepareCompiled(target.sqlite, query, slots);
    return {
      all: async <Row>(values: Record<Slots, unknown>) => prepared.all<Row>(values),
      get: async <Row>(values: Record<Slots, unknown>) => prepared.get<Row>(values),
      allRaw: async (values) => prepared.allRaw(values),
      run: async (values) => {
        prepared.run(values);
      },
    };
  }
  const compiled = query.compile();
  const order = slotOrder(compiled, slots);
  prepareOnServer(compiled.sql);
  // `target.db` read at each run: a target whose connection changes (each file's transaction) is followed.
  const execute = <Row>(values: Record<Slots, unknown>) =>
    target.db.executeQuery<Row>(
      CompiledQuery.raw(
        compiled.sql,
        order.map((name) => values[name]),
      ),
    );
  return {
    all: async <Row>(values: Record<Slots, unknown>) => (await execute<Row>(values)).rows,
    get: async <Row>(values: Record<Slots, unknown>) => (await execute<Row>(values)).rows[0],
    allRaw: async (values) => (await execute<Record<string, unknown>>(values)).rows.map((row) => Object.values(row)),
    run: async (values) => {
      await execute(values);
    },
  };
}

/**
 * Rows appended to one table inside a transaction: on SQLite each `add` runs a prepared insert at once; on
 * PostgreSQL rows gather until `flush`, which sends them as multi-row inserts (one round trip per
 * `POSTGRES_PARAMETERS` values rather than one per row). Call `flush` at the end of every batch.
 */
export interface RowWriter<Row> {
  add(row: Row): void;
  /** The same as `add`, with the values in the writer's column order: no object per row on a hot path. */
  addValues(values: unknown[]): void;
  flush(): Promise<void>;
}

export interface RowWriterOptions {
  /**
   * SQLite: rows per INSERT statement (default 1, each `add` runs at once). Above 1 the rows wait for a full
   * statement or `flush`: one multi-row INSERT binds many rows in one call into SQLite, for writers of a million rows
   * of a few columns.
   */
  sqliteRowsPerStatement?: number;
}

/** A SQLite `RowWriter` that inserts `rowsPerStatement` rows per statement, the rest one by one at `flush`. */
function batchedSqliteWriter<Column extends string>(
  sqlite: BetterSqlite3.Database,
  singleRowSql: string,
  singleRow: BetterSqlite3.Statement,
  columns: readonly Column[],
  /** The column (index into `columns`) of each bound parameter. */
  positions: readonly number[],
  rowsPerStatement: number,
): RowWriter<Record<Column, unknown>> {
  // `insert into ... values (?, ?)` becomes `values (?, ?), (?, ?), ...`.
  const tuple = singleRowSql.slice(singleRowSql.lastIndexOf('('));
  if (!singleRowSql.endsWith(tuple) || !/^\((?:\?, )*\?\)$/.test(tuple)) throw new Error(`cannot batch rows of: ${singleRowSql}`);
  const multiRow = sqlite.prepare(`${singleRowSql}${`, ${tuple}`.repeat(rowsPerStatement - 1)}`);
  const width = columns.length;
  const pending = new Array<unknown>(width * rowsPerStatement);
  let rows = 0;
  // Values in column order, bound in the statement's order.
  const take = (values: readonly unknown[]): void => {
    const at = rows * width;
    for (let i = 0; i < width; i++) pending[at + i] = values[positions[i]!];
    if (++rows === rowsPerStatement) {
      multiRow.run(pending);
      rows = 0;
    }
  };
  return {
    add: (row) => take(columns.map((column) => row[column])),
    addValues: (values) => take(values),
    flush: async () => {
      for (let r = 0; r < rows; r++) singleRow.run(pending.slice(r * width, (r + 1) * width));
      rows = 0;
    },
  };
}

/** PostgreSQL takes at most 65,535 parameters a statement; a multi-row insert stays well below. */
const POSTGRES_PARAMETERS = 30_000;

/**
 * A `RowWriter` for `table` with the given columns (every row gives every column).
 *
 * @example
 * const writer = rowWriter(target, 'faq_matches', ['analysis_run_id', 'conversation_id', 'entry_id', 'entry_version', 'score', 'covered', 'cross_language']);
 * for (const match of matches) writer.add({ ... });
 * await writer.flush();
 */
export function rowWriter<Table extends keyof Database & string, Column extends keyof Insertable<Database[Table]> & string>(
  target: EngineTarget,
  table: Table,
  columns: readonly Column[],
  options: RowWriterOptions = {},
): RowWriter<Record<Column, unknown>> {
  const { db, sqlite } = target;
  if (sqlite !== undefined) {
    const values = Object.fromEntries(columns.map((column) => [column, slot(column)]));
    const compiled = (db.insertInto(table) as unknown as InsertQueryBuilder<Database, Table, never>).values(values as Insertable<Database[Table]>).compile();
    const order = slotOrder(compiled, columns);
    const statement = sqlite.prepare(compiled.sql);
    // Where each bound parameter comes from in a row given in column order.
    const positions = order.map((column) => columns.indexOf(column));
    const inOrder = positions.every((position, i) => position === i);
    const rowsPerStatement = options.sqliteRowsPerStatement ?? 1;
    if (rowsPerStatement > 1) return batchedSqliteWriter(sqlite, compiled.sql, statement, columns, positions, rowsPerStatement);
    return {
      add: (row) => {
        statement.run(order.map((column) => row[column]));
      },
      addValues: (values) => {
        statement.run(inOrder ? values : positions.map((position) => values[position]));
      },
      flush: async () => {},
    };
  }
  const rowsPerInsert = Math.max(1, Math.floor(POSTGRES_PARAMETERS / columns.length));
  let pending: Record<Column, unknown>[] = [];
  return {
    add: (row) => {
      pending.push(row);
    },
    addValues: (values) => {
      pending.push(Object.fromEntries(columns.map((column, i) => [column, values[i]])) as Record<Column, unknown>);
    },
    flush: async () => {
      const rows = pending;
      pending = [];
      for (let start = 0; start < rows.length; start += rowsPerInsert) {
        await (db.insertInto(table) as unknown as InsertQueryBuilder<Database, Table, never>)
          .values(rows.slice(start, start + rowsPerInsert) as unknown as Insertable<Database[Table]>[])
          .execute();
      }
    },
  };
}
