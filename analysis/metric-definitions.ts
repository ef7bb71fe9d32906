import { formatDuration } from './response-times/duration-text.js';
import type { ResponseTimeConfig } from './response-times/response-time-config.js';

/**
 * Every metric supportlens reports, defined once, in the words the code computes it. The README's "Definitions"
 * section, the dashboard's definitions panels and the CLI help quote these texts (test/metric-definitions.test.ts
 * compares them); the computations are in analysis/response-times/conversation-facts.ts (first response, reply,
 * resolution), business-calendar.ts (business time), evaluate-targets.ts (targets), faq/ (covered, priority),
 * db/conversation-filter.ts (in the period).
 */
export const METRIC_DEFINITIONS = {
  start: 'Start: the first customer message, or the conversation\u2019s creation time if earlier.',
  firstResponse:
    'First response time: start to the first public message by a human agent. Bot, system, automatic and internal messages do not stop the clock. Unanswered conversations are counted separately with their age, never dropped.',
  replyTime: 'Reply time: for every customer turn, its first customer message to the next public agent message.',
  resolution: 'Resolution time: start to the last resolution, for resolved conversations; reopened conversations are counted.',
  businessTime:
    'Business time: the part of a duration inside the channel\u2019s business hours (weekly local intervals in its time zone, holidays closed); without business hours it equals calendar time.',
  covered:
    'Covered: a question is covered by an FAQ entry when their match score reaches the covered threshold, calibrated per run to the FAQ and its traffic unless the configuration fixes it.',
  inPeriod:
    'In the period: a conversation is in a period [from, to) when its start falls in it (the start the latest analysis computed; before an analysis, its creation time). Every report, export and dashboard page selects conversations this way.',
  priority: 'Priority = conversations x (1 + growth, 0..3) x (1 + median first response / 1 hour, at most 4).',
} as const;

export type MetricName = keyof typeof METRIC_DEFINITIONS | 'withinTarget';

/**
 * "Within target", with the first-response targets actually configured (the defaults are chat 5 minutes and email
 * 24 hours), as the dashboard shows it.
 *
 * @example
 * withinTargetDefinition(DEFAULT_RESPONSE_TIME_CONFIG.targets);
 * // 'Within target: met / (met + breached) of the channel target (configured: chat 5m 00s, email 1d 0h to first response); ...'
 */
export function withinTargetDefinition(targets: ResponseTimeConfig['targets'], label: 'configured' | 'defaults' = 'configured'): string {
  const configured = Object.entries(targets)
    .filter(([, target]) => target.firstResponseMs !== null)
    .map(([channel, target]) => `${channel === '*' ? 'any other channel' : channel} ${formatDuration(target.firstResponseMs)}`);
  const which =
    configured.length === 0 ? `none ${label === 'configured' ? 'configured' : 'by default'}` : `${label}: ${configured.join(', ')} to first response`;
  return `Within target: met / (met + breached) of the channel target (${which}); conversations still within the target are pending and not counted.`;
}

/** The text after "Name: " (the dashboard shows the name as the term and this as its definition). */
export function definitionBody(definition: string): string {
  const colon = definition.indexOf(': ');
  return colon === -1 ? definition : definition.slice(colon + 2);
}
