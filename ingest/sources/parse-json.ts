/** A `\uD800`-`\uDFFF` escape: the only way JSON text can hold a surrogate, paired or not. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `JSON.parse`, with every lone UTF-16 surrogate in a string (`"\ud800"`: valid JSON, but not text) replaced by
 * U+FFFD. SQLite stores text as UTF-8, which cannot hold one: what it gave back would differ from what was compared,
 * and every ingest of the file would "update" the record again.
 *
 * @example
 * parseJson('{"body":"a \\ud800 b"}'); // { body: 'a \uFFFD b' }
 */
export function parseJson(text: string): unknown {
  if (!SURROGATE_ESCAPE.test(text)) return JSON.parse(text);
  try {
    return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value));
  } catch (error) {
    // Too deep for the reviver's walk: read as it is; the record is rejected as too deep to read anyway.
    if (error instanceof RangeError) return JSON.parse(text);
    throw error;
  }
}
