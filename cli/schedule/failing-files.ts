import type { JobLockTarget } from '../../db/engine-job-lock.js';
import { findLastFinishedJobRunSummary } from '../../db/job-run-queries.js';

/** An inbox file that could not be read or loaded, as remembered from one tick to the next (in `job_runs.summary`). */
export interface FailingFile {
  path: string;
  error: string;
  /** Ticks in a row it failed with this same error. */
  failures: number;
  /** Ticks still to leave it alone. */
  skipTicks: number;
  /** Size and change time when it last failed: when they move (a chmod, a new copy), it is tried at once. */
  signature: string;
}

/** The longest a failing file is left alone, in ticks; a file that changes is tried at once whatever this says. */
export const MAX_SKIPPED_TICKS = 15;

/**
 * Undefined when the file is to be tried this tick; else its entry carried forward, one tick less to wait.
 *
 * @example
 * deferUntilRetry({ path, error, failures: 2, skipTicks: 1, signature: '10:5' }, '10:5'); // { ..., skipTicks: 0 }
 */
export function deferUntilRetry(previous: FailingFile | undefined, signature: string): FailingFile | undefined {
  if (previous === undefined || previous.skipTicks <= 0 || previous.signature !== signature) return undefined;
  return { ...previous, skipTicks: previous.skipTicks - 1 };
}

/**
 * The file failed this tick. The same failure again makes it wait 1, 3, 7, then 15 ticks before the next try: a
 * file that can never be read is not read at every tick, and one that failed once (a copy still arriving) is tried
 * again at the next.
 */
export function recordFailure(previous: FailingFile | undefined, failure: { path: string; error: string; signature: string }): FailingFile {
  const failures = previous !== undefined && previous.error === failure.error ? previous.failures + 1 : 1;
  return { ...failure, failures, skipTicks: Math.min(2 ** (failures - 1) - 1, MAX_SKIPPED_TICKS) };
}

/** The failing files the last finished run of the job left (none before the first). */
export async function listFailingFiles(handle: JobLockTarget, job: string): Promise<FailingFile[]> {
  const last = await findLastFinishedJobRunSummary(handle.db, job);
  if (!last) return [];
  try {
    const summary = JSON.parse(last) as { failing?: unknown };
    return Array.isArray(summary.failing) ? summary.failing.filter(isFailingFile) : [];
  } catch {
    return [];
  }
}

function isFailingFile(value: unknown): value is FailingFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    typeof file['path'] === 'string' &&
    typeof file['error'] === 'string' &&
    typeof file['failures'] === 'number' &&
    typeof file['skipTicks'] === 'number' &&
    typeof file['signature'] === 'string'
  );
}
