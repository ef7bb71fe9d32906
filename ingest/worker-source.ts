import { extname } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { EncodedBatch } from './record-codec.js';
import { DecodedBatch } from './record-codec.js';
import type { SourceContext } from './source-record.js';

export interface WorkerRequest {
  format: string;
  path: string;
  timezone: string;
}

/** What the parsing thread is started with. */
export interface WorkerSetup {
  request: WorkerRequest;
  /** Its end of the channel: batches, warnings and the end go out. */
  port: MessagePort;
  /** Shared counts: messages the thread posted (POSTED), batches the writer finished (BATCHES_DONE). */
  counters: Int32Array;
}

export const POSTED = 0;
export const BATCHES_DONE = 1;

export type WorkerMessage =
  | { type: 'batch'; records: EncodedBatch; bytes: number }
  | { type: 'warn'; reason: string; line: number | null }
  | { type: 'done'; bytes: number; sha256: string }
  | { type: 'error'; message: string };

/**
 * The parsing thread's script beside this module: parse-worker.js in the build, parse-worker.ts when the sources run
 * (the tests, whose processes load `.ts` through test/support/register-source.mjs, as the threads they start do).
 */
export const PARSE_WORKER_URL = new URL(`./parse-worker${extname(import.meta.url)}`, import.meta.url);
/** How often a writer waiting for the parsing thread checks whether the thread died. */
const FAILURE_POLL_MS = 50;

/** A parsing thread at work on one file; `readInWorker` takes its batches. */
export interface ParseThread {
  readonly request: WorkerRequest;
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly counters: Int32Array;
  failure: Error | undefined;
}

/**
 * Starts parsing a file in a worker thread now: the thread boots (about 0.1 s) and fills its first batches while
 * the caller is still preparing the database. End it with `readInWorker` (which terminates it) or `stopParseThread`.
 */
export function startParseThread(request: WorkerRequest, url: URL = PARSE_WORKER_URL): ParseThread {
  // Messages are taken off the channel synchronously (receiveMessageOnPort) rather than delivered as events, which
  // would cost a turn of the event loop per batch; when the channel is empty, the writer waits on the shared count
  // of posted messages.
  const { port1: port, port2: workerPort } = new MessageChannel();
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const setup: WorkerSetup = { request, port: workerPort, counters };
  const worker = new Worker(url, { workerData: setup, transferList: [workerPort] });
  const thread: ParseThread = { request, worker, port, counters, failure: undefined };
  worker.on('error', (error) => {
    thread.failure = error;
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !thread.failure) thread.failure = new Error(`the parsing thread stopped with code ${code}`);
  });
  return thread;
}

export async function stopParseThread(thread: ParseThread): Promise<void> {
  thread.port.close();
  await thread.worker.terminate();
}

/**
 * Parses and validates a file in a worker thread while the caller writes: both cores work. Batches arrive in file
 * order; the worker waits when the writer falls behind. Reports the bytes read and the file's SHA-256 through
 * `context.onChunk`-equivalent callbacks: `onBytes` as it goes and `onDone` at the end.
 */
export async function* readInWorker(
  thread: ParseThread,
  context: SourceContext & { onBytes: (bytes: number) => void; onHash: (sha256: string) => void },
): AsyncGenerator<DecodedBatch> {
  const { port, counters } = thread;
  try {
    for (;;) {
      const count = Atomics.load(counters, POSTED);
      const received = receiveMessageOnPort(port);
      if (!received) {
        if (thread.failure) throw thread.failure;
        // Wakes when the count moves past `count` (a message was posted after it was read), or to look at `failure`.
        const waiting = Atomics.waitAsync(counters, POSTED, count, FAILURE_POLL_MS);
        if (waiting.async) await waiting.value;
        continue;
      }
      const message = received.message as WorkerMessage;
      if (message.type === 'batch') {
        context.onBytes(message.bytes);
        yield new DecodedBatch(message.records);
        Atomics.add(counters, BATCHES_DONE, 1);
        Atomics.notify(counters, BATCHES_DONE);
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
    await stopParseThread(thread);
  }
}
