import { describe, expect, test } from 'vitest';
import { EvaluationContext, GroupAccumulator, type FactsRowForTargets } from '../../../analysis/response-times/evaluate-targets.js';
import type { ResponseTimeConfig } from '../../../analysis/response-times/response-time-config.js';

// Target evaluation without a database: rows built here, as the facts table would give them.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.parse('2026-03-02T12:00:00Z'); // a Monday
const CONFIG: ResponseTimeConfig = {
  reportingTimeZone: 'UTC',
  businessHours: { email: { timeZone: 'UTC', intervals: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }], holidays: [] } },
  targets: {
    chat: { firstResponseMs: 5 * MINUTE, resolutionMs: HOUR, basis: 'calendar' },
    email: { firstResponseMs: 2 * HOUR, resolutionMs: null, basis: 'business' },
  },
};

function row(overrides: Partial<FactsRowForTargets>): FactsRowForTargets {
  return {
    conversation_id: 1,
    channel: 'chat',
    start_at: NOW - HOUR,
    agent: null,
    tags: '[]',
    clock_start_at: NOW - HOUR,
    first_response_ms: null,
    first_response_business_ms: null,
    reply_count: 0,
    reply_times_ms: '[]',
    reply_business_times_ms: '[]',
    resolution_ms: null,
    resolution_business_ms: null,
    is_resolved: 0,
    reopen_count: 0,
    unanswered: 0,
    awaiting_reply_since_at: null,
    ...overrides,
  };
}

describe('first-response target', () => {
  const context = new EvaluationContext(CONFIG, NOW);
  test.each([
    ['answered within it: met', row({ first_response_ms: 5 * MINUTE }), { state: 'met', durationMs: 5 * MINUTE, waiting: false }],
    ['answered after it: breached', row({ first_response_ms: 5 * MINUTE + 1 }), { state: 'breached', durationMs: 5 * MINUTE + 1, waiting: false }],
    ['unanswered past it: breached, with its age', row({ unanswered: 1 }), { state: 'breached', durationMs: HOUR, waiting: true }],
    ['unanswered within it: pending', row({ unanswered: 1, clock_start_at: NOW - MINUTE }), { state: 'pending', durationMs: MINUTE, waiting: true }],
    ['no clock (outbound, never answered by the customer): none', row({ clock_start_at: null }), { state: 'none' }],
    ['a channel without a target: none', row({ channel: 'phone', first_response_ms: 1 }), { state: 'none' }],
  ])('%s', (_name, facts, outcome) => {
    expect(context.firstResponseOutcome(facts)).toEqual(outcome);
  });

  test('on a business basis the business duration decides, and a waiting age counts business hours only', () => {
    const email = (overrides: Partial<FactsRowForTargets>) => row({ channel: 'email', ...overrides });
    expect(context.firstResponseOutcome(email({ first_response_ms: 10 * HOUR, first_response_business_ms: HOUR }))).toMatchObject({ state: 'met' });
    // Waiting since Saturday noon: by Monday noon only Monday 09:00-12:00 counts, 3 business hours.
    const since = Date.parse('2026-02-28T12:00:00Z');
    expect(context.firstResponseOutcome(email({ unanswered: 1, clock_start_at: since }))).toEqual({ state: 'breached', durationMs: 3 * HOUR, waiting: true });
  });
});

test('resolution target: an open conversation is measured from its start', () => {
  const context = new EvaluationContext(CONFIG, NOW);
  expect(context.resolutionOutcome(row({ is_resolved: 1, resolution_ms: 30 * MINUTE }))).toMatchObject({ state: 'met' });
  expect(context.resolutionOutcome(row({ start_at: NOW - 2 * HOUR }))).toEqual({ state: 'breached', durationMs: 2 * HOUR, waiting: true });
  expect(context.resolutionOutcome(row({ channel: 'email', is_resolved: 1, resolution_ms: 1 }))).toEqual({ state: 'none' });
});

test('a group: counts, exact statistics, and share within target = met / (met + breached), pending left out', () => {
  const context = new EvaluationContext(CONFIG, NOW);
  const group = new GroupAccumulator('chat');
  const rows = [
    row({ first_response_ms: MINUTE, reply_count: 2, reply_times_ms: '[60000,120000]', is_resolved: 1, resolution_ms: 10 * MINUTE }),
    row({ first_response_ms: 10 * MINUTE, reply_count: 1, reply_times_ms: '[600000]', reopen_count: 1 }),
    row({ unanswered: 1, clock_start_at: NOW - 2 * MINUTE, awaiting_reply_since_at: NOW - 2 * MINUTE }),
    row({ unanswered: 1, clock_start_at: NOW - 20 * MINUTE }),
  ];
  for (const facts of rows) group.add(facts, false, context);
  const figures = group.finish();
  expect(figures).toMatchObject({ key: 'chat', conversations: 4, answered: 2, unanswered: 2, oldestUnansweredAgeMs: 20 * MINUTE, waiting: 1, reopened: 1 });
  expect(figures.firstResponse).toMatchObject({ count: 2, median: 5.5 * MINUTE });
  expect(figures.reply).toMatchObject({ count: 3, median: 2 * MINUTE });
  expect(figures.firstResponseTarget).toEqual({ met: 1, breached: 2, pending: 1, share: 1 / 3 });
  // Resolution: one resolved within the hour; three open for an hour (start_at NOW - 1h): not past it yet.
  expect(figures.resolutionTarget).toEqual({ met: 1, breached: 0, pending: 3, share: 1 });
});
