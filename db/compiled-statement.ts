import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, CompiledQuery } from '#kysely';

const MARKER = '\u0000slot:';

/**
 * A placeholder that `prepareCompiled` replaces with a named slot, typed as the column's value (`slot<number>('id')`)
 * so that Kysely's builders take it where a number or a union goes; at run time it is a marker string, matched by
 * identity and never stored.
 */
export function slot<T = string>(name: string): T {
  return (MARKER + name) as unknown as T;
}

export interface PreparedCompiled<Slots extends string> {
  run(values: Record<Slots, unknown>): BetterSqlite3.RunResult;
  get<Row>(values: Record<Slots, unknown>): Row | undefined;
  /** The slot names in the order the statement takes its parameters, for callers that bind positionally. */
  readonly order: readonly Slots[];
  /**
   * Runs with parameters already in `order`: no object per call. They are passed as arguments, not as one array:
   * better-sqlite3 reads an array element by element through V8's generic property lookup, arguments directly.
   */
  runPositional(parameters: unknown[]): BetterSqlite3.RunResult;
  /** Every row at once; for bounded result sets (a chunk, a report window). */
  all<Row>(values: Record<Slots, unknown>): Row[];
  /** Every row at once as arrays of column values in select order: no object per row, for the hottest reads. */
  allRaw(values: Record<Slots, unknown>): unknown[][];
}

/**
 * Prepares a statement whose SQL Kysely built, once, for hot loops (one row at a time, hundreds of thousands
 * of times). Build the query with `slot('name')` wherever a value goes; the slots are matched to the compiled
 * parameters by identity, so the order Kysely chooses does not matter.
 *
 * @example
 * const find = prepareCompiled(sqlite, db.selectFrom('messages').select('id').where('id', '=', slot('id')), ['id']);
 * find.get<{ id: number }>({ id: 42 });
 */
export function prepareCompiled<Slots extends string>(sqlite: BetterSqlite3.Database, query: Compilable, slots: readonly Slots[]): PreparedCompiled<Slots> {
  const compiled = query.compile();
  const order = slotOrder(compiled, slots);
  const statement = sqlite.prepare(compiled.sql);
  let rawStatement: BetterSqlite3.Statement | undefined;
  const bind = (values: Record<Slots, unknown>): unknown[] => order.map((name) => values[name]);
  return {
    run: (values) => statement.run(bind(values)),
    get: <Row>(values: Record<Slots, unknown>) => statement.get(bind(values)) as Row | undefined,
    order,
    runPositional: (parameters) => statement.run(...parameters),
    all: <Row>(values: Record<Slots, unknown>) => statement.all(bind(values)) as Row[],
    allRaw: (values) => {
      rawStatement ??= sqlite.prepare(compiled.sql).raw(true);
      return rawStatement.all(bind(values)) as unknown[][];
    },
  };
}

/**
 * The slot names in the order a compiled query takes its parameters (every parameter must be a slot).
 *
 * @example
 * const order = slotOrder(query.compile(), ['id']);
 */
export function slotOrder<Slots extends string>(compiled: CompiledQuery, slots: readonly Slots[]): Slots[] {
  return compiled.parameters.map((parameter) => {
    if (typeof parameter !== 'string' || !parameter.startsWith(MARKER)) {
      throw new Error(`prepareCompiled: parameter ${String(parameter)} is not a slot in: ${compiled.sql}`);
    }
    const name = parameter.slice(MARKER.length) as Slots;
    if (!slots.includes(name)) throw new Error(`prepareCompiled: unknown slot ${name}`);
    return name;
  });
}
