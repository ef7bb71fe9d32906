import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type SupportlensConfig } from '../../../cli/config.js';

/** A JSON Lines file of `count` small conversations whose ids start with `prefix`. */
export function writeConversations(folder: string, name: string, options: { prefix: string; count?: number; ageMs?: number }): string {
  const { prefix, count = 2 } = options;
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      id: `${prefix}-${index}`,
      channel: index % 2 === 0 ? 'chat' : 'email',
      created_at: `2026-03-0${(index % 9) + 1}T10:00:00Z`,
      messages: [
        { id: 'm1', author_role: 'customer', created_at: `2026-03-0${(index % 9) + 1}T10:00:05Z`, body: `my withdrawal ${prefix} ${index} did not arrive` },
        { id: 'm2', author_role: 'agent', created_at: `2026-03-0${(index % 9) + 1}T10:03:00Z`, body: 'the TRC20 network fee is 1 USDT' },
      ],
    }),
  );
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const age = options.ageMs ?? 60_000;
  if (age > 0) {
    const when = new Date(Date.now() - age);
    utimesSync(path, when, when);
  }
  return path;
}

/** A configuration whose schedule reads `inbox`, retrying `retries` times with `retryDelay` between. */
export function scheduleConfig(inbox: string, schedule: Record<string, unknown> = {}): SupportlensConfig {
  return parseConfig({ schedule: { inbox, retries: 0, retryDelay: '1ms', ...schedule } }, 'test');
}

/** Scan options for tests: short looks, a 2-second quiet period. */
export const FAST_SCAN = { settleCheckMs: 50, quietPeriodMs: 2_000 };
