import { createHash } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import type { SourceContext } from './source-record.js';
import { encodeBatch, transferList, type EncodedBatch } from './record-codec.js';
import { BATCHES_DONE, POSTED, type WorkerMessage, type WorkerSetup } from './worker-source.js';

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
const { request, port, counters } = workerData as WorkerSetup;
let batchesPosted = 0;

/** Posts to the writer and counts the message in `counters`, which the writer waits on instead of its event loop. */
const post = (message: WorkerMessage): void => {
  port.postMessage(message, message.type === 'batch' ? transferList(message.records) : undefined);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
};

/**
 * Blocks while the writer has MAX_BATCHES_IN_FLIGHT batches it has not finished: this thread has nothing else to do.
 * (Atomics.waitAsync would not keep the thread's event loop alive.) The short timeout lets terminate() through.
 */
function waitForRoom(): void {
  for (;;) {
    const done = Atomics.load(counters, BATCHES_DONE);
    if (batchesPosted - done < MAX_BATCHES_IN_FLIGHT) return;
    Atomics.wait(counters, BATCHES_DONE, done, 50);
  }
}

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
    waitForRoom();
    batchesPosted += 1;
    post({ type: 'batch', records: batch, bytes });
  }
  post({ type: 'done', bytes, sha256: hash.digest('hex') });
}

main().catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
