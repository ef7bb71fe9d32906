import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CLI } from '../helpers.js';

/** "Now" for the readers, so that ages of waiting conversations do not move between two reads. */
const AS_OF = '2030-01-01T00:00:00Z';

/** A folder with the demo data ingested and analysed once (default configuration), and a changed configuration. */
export interface DemoAnalysis {
  folder: string;
  /** The database after its first analysis. Copy it per case: `report faq-gaps` saves each report it makes. */
  base: string;
  /** Under it every analysis gives other results: another zone, business hours, other topics, a lower FAQ threshold. */
  changedConfig: string;
}

export function runCli(folder: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: folder, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
}

export function succeed(folder: string, args: readonly string[]): string {
  const result = runCli(folder, args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

export function prepareDemoAnalysis(folder: string): DemoAnalysis {
  const base = join(folder, 'base.db');
  succeed(folder, ['demo-data', '--out', join(folder, 'demo'), '--days', '20', '--end', '2026-12-06']);
  succeed(folder, ['ingest', '--db', base, '--quiet', join(folder, 'demo/inbox'), join(folder, 'demo/faq')]);
  succeed(folder, ['analyze', '--db', base, '--quiet']);
  const changedConfig = join(folder, 'changed.config.json');
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  writeFileSync(
    changedConfig,
    JSON.stringify({
      reportingTimeZone: 'Asia/Shanghai',
      businessHours: {
        chat: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '09:00', end: '18:00' }] },
        email: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '09:00', end: '17:00' }] },
        social: { timeZone: 'Asia/Shanghai', intervals: [{ days: weekdays, start: '10:00', end: '16:00' }] },
      },
      topics: { maxTopics: 5, seed: 7 },
      faq: { coveredThreshold: 0.1 },
    }),
  );
  return { folder, base, changedConfig };
}

export function copyOfBase(demo: DemoAnalysis, name: string): string {
  const copy = join(demo.folder, `${name}.db`);
  copyFileSync(demo.base, copy);
  return copy;
}

/** What every reader gives, read the same way each time: default configuration, a fixed "now". */
export function readAll(folder: string, db: string): Record<string, string> {
  const read = (args: readonly string[]) => succeed(folder, args);
  return {
    responseTimes: read(['report', 'response-times', '--db', db, '--format', 'json', '--group-by', 'day', '--business-hours', '--as-of', AS_OF]),
    heatmap: read(['report', 'response-times', '--db', db, '--format', 'json', '--heatmap', '--business-hours', '--as-of', AS_OF]),
    topics: read(['report', 'topics', '--db', db, '--format', 'json']),
    faqGaps: read(['report', 'faq-gaps', '--db', db, '--format', 'json']),
    export: read(['export', 'conversations', '--db', db, '--format', 'jsonl']),
  };
}
