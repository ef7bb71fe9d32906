import { parentPort, workerData } from 'node:worker_threads';
import { openLocation, parseDatabaseLocation } from '../db/database-location.js';
import type { ResponseTimeConfig } from '../analysis/response-times/response-time-config.js';
import { computeReport, type ReportRequest, type ReportReply } from './reports.js';
import { CACHE_ENTRIES, DEFAULT_CACHE_TTL_MS, ResponseCache } from './response-cache.js';

/**
 * A report thread: opens the database (a SQLite file or a PostgreSQL URL) read-only and answers report requests
 * (messages that come before it is open wait in the port).
 */
const setup = workerData as { path: string; responseTimes: ResponseTimeConfig; cacheTtlMs?: number };
const handle = await openLocation(parseDatabaseLocation(setup.path), { readonly: true });
/** This thread's list totals (see DashboardContext), on the clock of the requests it answers. */
let requestNow = Date.now();
const listTotals = new ResponseCache(setup.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, CACHE_ENTRIES, () => requestNow);

parentPort!.on('message', (request: ReportRequest & { id: number }) => {
  requestNow = request.now;
  const context = { db: handle.db, responseTimes: setup.responseTimes, now: () => request.now, listTotals };
  computeReport(context, request).then(
    (value): void => parentPort!.postMessage({ id: request.id, ok: true, value } satisfies ReportReply & { id: number }),
    (error: unknown): void => {
      const { message, statusCode } = error as { message?: string; statusCode?: number };
      parentPort!.postMessage({ id: request.id, ok: false, message: message ?? String(error), statusCode } satisfies ReportReply & { id: number });
    },
  );
});
