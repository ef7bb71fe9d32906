import { createHash } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import type { SourceContext } from './source-record.js';
import { encodeBatch, transferList, type EncodedBatch } from './record-codec.js';
import type { WorkerMessage, WorkerSetup } from './worker-source.js';

/** How many batches may wait unprocessed in the writer before the parser pauses: memory stays flat. */
const MAX_BATCHES_IN_FLIGHT = 8;

/**
 * The formats run-ingest hands to this thread, each loaded on demand: the thread starts without the modules of the
 * formats it does not read (the helpdesk readers, YAML), so its first batch comes sooner.
 */
const SOURCES: Record<string, () => Promise<(context: SourceContext) => AsyncIterable<EncodedBatch>>> = {
  'messages-csv': async () => (await import('./sources/messages-csv.js')).readMessagesCsvEncoded,
  'conversations-jsonl': async () => {
    const read = (await import('./sources/json-records.js')).readJsonLinesOf('conversation');
    return async function* (context) {
      for await (const records of read(context)) yield encodeBatch(records);
    };
  },
};
const { request, port, posted } = workerData as WorkerSetup;
let credit = MAX_BATCHES_IN_FLIGHT;
let wake: (() => void) | undefined;
port.on('message', (message: 'ack') => {
  if (message === 'ack') {
    credit += 1;
    wake?.();
  }
});

/** Posts to the writer and counts the message in `posted`, which the writer waits on instead of its event loop. */
const post = (message: WorkerMessage): void => {
  port.postMessage(message, message.type === 'batch' ? transferList(message.records) : undefined);
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
};

async function main(): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const load = SOURCES[request.format];
  if (!load) throw new Error(`the parsing thread does not read ${request.format}`);
  const source = await load();
  const iterator = source({
    path: request.path,
    timezone: request.timezone,
    onChunk: (chunk) => {
      hash.update(chunk);
      bytes += chunk.length;
    },
    warn: (reason, line) => post({ type: 'warn', reason, line }),
  });
  for await (const batch of iterator) {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit -= 1;
    post({ type: 'batch', records: batch, bytes });
  }
  post({ type: 'done', bytes, sha256: hash.digest('hex') });
}

main().catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
