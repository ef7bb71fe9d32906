import { createReadStream } from 'node:fs';
import { Assembler } from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import type { SourceContext } from '../source-record.js';

/**
 * What to do with the value at a path of object keys from the root (`[]` is the root itself):
 * - `take`: assemble it whole and hand it over;
 * - `stream`: an array whose elements are handed over one by one (any other value is taken whole);
 * - `descend`: an object whose keys are asked about in turn (any other value is taken whole);
 * - `open`: `stream` when it is an array, `descend` when it is an object;
 * - `skip`: read past it without assembling it.
 */
export type JsonPathChoice = 'take' | 'stream' | 'descend' | 'open' | 'skip';

/** A value handed over: at `path` (object keys from the root), and `index` when it is an element of a streamed array. */
export interface JsonStreamItem {
  path: readonly string[];
  index: number | null;
  value: unknown;
}

const CHUNK_BYTES = 64 * 1024;
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

interface Frame {
  kind: 'object' | 'array';
  path: readonly string[];
  key: string;
  index: number;
}

/**
 * Reads a JSON document of any size in flat memory with stream-json's tokenizer: only the values `choose` asks for
 * are assembled, one at a time, and handed over in batches (one per 64 KiB read). Memory is that of the largest
 * single value taken, not of the document. A document that is not JSON, not UTF-8 or cut short throws with the
 * parser's reason (the caller fails the file as a whole, as for a document read at once); values handed over before
 * that are the caller's to discard. Lone UTF-16 surrogates in strings become U+FFFD, as in `parseJson`.
 *
 * @example
 * // Every element of {"conversations": [...]}, one at a time:
 * for await (const items of streamJsonDocument(context, (path) => (path.length === 0 ? 'descend' : path[0] === 'conversations' ? 'stream' : 'skip'))) { ... }
 */
export async function* streamJsonDocument(
  context: Pick<SourceContext, 'path' | 'onChunk'>,
  choose: (path: readonly string[]) => JsonPathChoice,
  /** Told when an array chosen to be streamed opens (an empty one has no element to say it is there). */
  onList?: (path: readonly string[]) => void,
): AsyncGenerator<JsonStreamItem[]> {
  // Any depth, as JSON.parse reads it: a record nested too deeply to check is rejected alone by its reader.
  const tokenize = jsonParser({ packValues: true, streamValues: false, maxDepth: Infinity });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const walker = new JsonWalker(choose, onList);
  const stream = createReadStream(context.path, { highWaterMark: CHUNK_BYTES });
  let started = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      context.onChunk(chunk);
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new Error('invalid UTF-8 in a JSON document; nothing in it could be read');
      }
      if (!started) {
        text = text.replace(/^\uFEFF/, '');
        started = text.length > 0;
      }
      walker.feed(parse(tokenize, text));
      if (walker.items.length > 0) yield walker.take();
    }
    walker.feed(parse(tokenize, none));
    if (!walker.finished) throw new Error('broken JSON document: it ends before its last value is complete');
    if (walker.items.length > 0) yield walker.take();
  } finally {
    stream.destroy();
  }
}

const none = Symbol.for('object-stream.none');

function parse(tokenize: ReturnType<typeof jsonParser>, text: string | typeof none): Token[] {
  let result: unknown;
  try {
    result = (tokenize as (input: unknown) => unknown)(text);
  } catch (error) {
    throw new Error(`broken JSON document: ${(error as Error).message}`);
  }
  if (result === none || result === undefined) return [];
  const many = (result as { values?: Token[] }).values;
  return Array.isArray(many) ? many : [result as Token];
}

/** Follows the tokens of one document: where each value sits, and whether it is being assembled or skipped. */
class JsonWalker {
  readonly items: JsonStreamItem[] = [];
  private readonly stack: Frame[] = [];
  private assembler: Assembler | undefined;
  private assembling: { path: readonly string[]; index: number | null; depth: number } | undefined;
  private skipDepth = 0;
  private rootSeen = false;

  constructor(
    private readonly choose: (path: readonly string[]) => JsonPathChoice,
    private readonly onList: ((path: readonly string[]) => void) | undefined,
  ) {}

  get finished(): boolean {
    return this.rootSeen && this.stack.length === 0 && this.assembling === undefined && this.skipDepth === 0;
  }

  take(): JsonStreamItem[] {
    return this.items.splice(0, this.items.length);
  }

  feed(tokens: Token[]): void {
    for (const token of tokens) this.token(token);
  }

  private token(token: Token): void {
    const name = token.name;
    if (this.assembling !== undefined) {
      this.assemble(token);
      return;
    }
    if (this.skipDepth > 0) {
      if (name === 'startObject' || name === 'startArray') this.skipDepth += 1;
      else if (name === 'endObject' || name === 'endArray') this.skipDepth -= 1;
      return;
    }
    if (name === 'keyValue') {
      const top = this.stack[this.stack.length - 1];
      if (top) top.key = token.value;
      return;
    }
    if (name === 'endObject' || name === 'endArray') {
      this.stack.pop();
      return;
    }
    if (name === 'whitespace') return;
    // The start of a value: decide what to do with it from where it sits.
    const top = this.stack[this.stack.length - 1];
    let path: readonly string[];
    let index: number | null = null;
    let choice: JsonPathChoice;
    if (top === undefined) {
      this.rootSeen = true;
      path = [];
      choice = this.choose(path);
    } else if (top.kind === 'array') {
      path = top.path;
      index = top.index++;
      choice = 'take';
    } else {
      path = [...top.path, top.key];
      choice = this.choose(path);
    }
    const container = name === 'startObject' || name === 'startArray';
    if (choice === 'skip') {
      if (container) this.skipDepth = 1;
      return;
    }
    if ((choice === 'stream' || choice === 'open') && name === 'startArray') {
      this.stack.push({ kind: 'array', path, key: '', index: 0 });
      this.onList?.(path);
      return;
    }
    if ((choice === 'descend' || choice === 'open') && name === 'startObject') {
      this.stack.push({ kind: 'object', path, key: '', index: 0 });
      return;
    }
    this.assembler ??= new Assembler();
    this.assembling = { path, index, depth: 0 };
    this.assemble(token);
  }

  private assemble(token: Token): void {
    const state = this.assembling!;
    const assembler = this.assembler!;
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        state.depth += 1;
        assembler.consume(token);
        break;
      case 'endObject':
      case 'endArray':
        state.depth -= 1;
        assembler.consume(token);
        break;
      case 'stringValue':
      case 'keyValue':
        assembler.consume(SURROGATE.test(token.value) ? { name: token.name, value: token.value.replace(LONE_SURROGATE, '\uFFFD') } : token);
        break;
      default:
        assembler.consume(token);
    }
    if (state.depth === 0 && assembler.done) {
      this.items.push({ path: state.path, index: state.index, value: assembler.current });
      this.assembling = undefined;
      assembler.current = null;
    }
  }
}
