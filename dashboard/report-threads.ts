import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import type { ReportReply, ReportRequest } from './reports.js';

/** The report thread's script beside this module: `.js` in the build, `.ts` when the sources run (the tests). */
export const REPORT_WORKER_URL = new URL(`./report-worker${extname(import.meta.url)}`, import.meta.url);

export interface ReportThreadsOptions {
  /** The database file; each thread opens it read-only. */
  path: string;
  responseTimes: ResponseTimeConfig;
  /** How long each thread keeps a conversation list's total (see DashboardContext.listTotals). */
  cacheTtlMs?: number;
  /** Threads at most (default: the cores but one, at least 2 and at most 4). */
  size?: number;
  /** Another script for the threads (default: report-worker beside this module). */
  url?: URL;
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

/**
 * Threads that compute the dashboard's reports, started when first needed: a cold topics or FAQ-gaps report takes
 * seconds of synchronous SQLite and matching work at 100,000 conversations, and in the server's own thread every
 * other request (the runs page, a static file) would wait for it.
 *
 * @example
 * const threads = new ReportThreads({ path: 'supportlens.db', responseTimes: config.responseTimes });
 * const topics = await threads.run({ name: 'topics', query: { from: '2024-05-01' }, now: Date.now() });
 */
export class ReportThreads {
  private readonly threads: Thread[] = [];
  private readonly size: number;
  private nextId = 1;

  constructor(private readonly options: ReportThreadsOptions) {
    this.size = options.size ?? Math.min(4, Math.max(2, availableParallelism() - 1));
  }

  /** Computes the report in the least busy thread (a new one while there are fewer than `size`). */
  run(request: ReportRequest): Promise<unknown> {
    const thread = this.pick();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private pick(): Thread {
    const idle = this.threads.find((thread) => thread.pending.size === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) return this.start();
    return this.threads.reduce((least, thread) => (thread.pending.size < least.pending.size ? thread : least));
  }

  private start(): Thread {
    const worker = new Worker(this.options.url ?? REPORT_WORKER_URL, {
      workerData: { path: this.options.path, responseTimes: this.options.responseTimes, cacheTtlMs: this.options.cacheTtlMs },
    });
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: ReportReply & { id: number }) => {
      const waiting = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(Object.assign(new Error(reply.message), reply.statusCode === undefined ? {} : { statusCode: reply.statusCode }));
    });
    // A thread that fails (it could not open the database) fails what it was asked, and the next request starts another.
    const fail = (error: Error): void => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a report thread stopped with code ${code}`)));
    worker.unref();
    this.threads.push(thread);
    return thread;
  }
}
