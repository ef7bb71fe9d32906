import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EncodedBatch } from './record-codec.js';
import { DecodedBatch } from './record-codec.js';
import type { SourceContext } from './source-record.js';

export interface WorkerRequest {
  format: string;
  path: string;
  timezone: string;
}

export type WorkerMessage =
  | { type: 'batch'; records: EncodedBatch; bytes: number }
  | { type: 'warn'; reason: string; line: number | null }
  | { type: 'done'; bytes: number; sha256: string }
  | { type: 'error'; message: string };

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

/** The compiled worker exists next to this module (not when running the TypeScript sources directly, as in tests). */
export function parseWorkerAvailable(url: URL = WORKER_URL): boolean {
  return existsSync(fileURLToPath(url));
}

/**
 * Parses and validates a file in a worker thread while the caller writes: both cores work. Batches arrive in file
 * order; the worker waits when the writer falls behind. Reports the bytes read and the file's SHA-256 through
 * `context.onChunk`-equivalent callbacks: `onBytes` as it goes and `onDone` at the end.
 */
export async function* readInWorker(
  format: string,
  context: SourceContext & { onBytes: (bytes: number) => void; onHash: (sha256: string) => void },
  url: URL = WORKER_URL,
): AsyncGenerator<DecodedBatch> {
  const worker = new Worker(url, { workerData: { format, path: context.path, timezone: context.timezone } satisfies WorkerRequest });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`the parsing thread stopped with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (message.type === 'batch') {
        context.onBytes(message.bytes);
        yield new DecodedBatch(message.records);
        worker.postMessage('ack');
      } else if (message.type === 'warn') {
        context.warn(message.reason, message.line);
      } else if (message.type === 'error') {
        throw new Error(message.message);
      } else {
        context.onBytes(message.bytes);
        context.onHash(message.sha256);
        return;
      }
    }
  } finally {
    await worker.terminate();
  }
}
