import type pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from '#kysely';

// PostgreSQL's text cannot hold U+0000; SQLite's can. Every statement Kysely sends to PostgreSQL goes through
// `kyselyPool` or `kyselyClient`, which turn a NUL in any text parameter (or in a text inside an array parameter)
// into U+FFFD, the replacement character, as the COPY lanes of ingest do. One rule for every write and every lookup:
// an id with a NUL in it is stored once and found again, where the server would otherwise fail the whole file.

const NUL = '\u0000';

/** `text` as PostgreSQL can store it: each U+0000 as U+FFFD. */
export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '\uFFFD') : text;
}

function parameterWithoutNul(value: unknown): unknown {
  if (typeof value === 'string') return withoutNul(value);
  if (Array.isArray(value)) return value.some((item) => typeof item === 'string' && item.includes(NUL)) ? value.map(parameterWithoutNul) : value;
  return value;
}

/**
 * Statements run many times (prepared with `prepareStatement`: an ingest's record-by-record writes, the analysis'
 * hot reads) by the name PostgreSQL prepares them under on each connection: parsed and planned once per connection
 * instead of once per run. Other statements go unnamed, as Kysely sends them.
 */
const PREPARED = new Map<string, string>();
/** Distinct texts named at most: every caller of `prepareStatement` builds a fixed text; this bounds a mistake. */
const MAX_PREPARED = 1_000;

/** Runs `sql` as a statement prepared on the server, by name, on every connection that runs it. */
export function prepareOnServer(sql: string): void {
  if (!PREPARED.has(sql) && PREPARED.size < MAX_PREPARED) PREPARED.set(sql, `supportlens_${PREPARED.size + 1}`);
}

/** One client as Kysely uses it: statements with their text parameters cleaned; `release` as given. */
export function kyselyClient(client: pg.PoolClient, release: (destroy?: boolean) => void): PostgresPoolClient {
  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(first: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof first !== 'string') return client.query(first as never) as unknown as PostgresCursor<R>;
    const values = parameters?.map(parameterWithoutNul);
    const name = PREPARED.get(first);
    const result = name === undefined ? client.query(first, values) : client.query({ name, text: first, values: values ?? [] });
    return result as unknown as Promise<PostgresQueryResult<R>>;
  }
  return { query, release };
}

/**
 * The pool as Kysely's PostgreSQL dialect takes it: connections of `pool`, their parameters cleaned (see above).
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool(pool) }) });
 */
export function kyselyPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => {
      const client = await pool.connect();
      return kyselyClient(client, (destroy) => client.release(destroy));
    },
    end: () => pool.end(),
  };
}
