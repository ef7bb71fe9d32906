import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { expect, test } from 'vitest';
import { definitionBody, METRIC_DEFINITIONS, withinTargetDefinition } from '../analysis/metric-definitions.js';
import { DEFAULT_RESPONSE_TIME_CONFIG } from '../analysis/response-times/response-time-config.js';
import { reportFaqGapsCommand } from '../cli/commands/report-faq-gaps-command.js';
import { reportResponseTimesCommand } from '../cli/commands/report-response-times-command.js';
import { reportTopicsCommand } from '../cli/commands/report-topics-command.js';
import { exportCommand } from '../cli/commands/export-command.js';
import { PAGES, renderPage } from '../dashboard/pages.js';
import { ROOT } from './helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DEFAULTS = DEFAULT_RESPONSE_TIME_CONFIG.targets;

function help(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

function page(name: string, targets = DEFAULTS): string {
  return renderPage(PAGES.find((spec) => spec.name === name)!, { range: null, channels: [], targets });
}

test.each(Object.entries(METRIC_DEFINITIONS))('the README quotes the definition of %s word for word', (_name, definition) => {
  expect(README).toContain(definition);
});

test('the README quotes "within target" with the default targets', () => {
  expect(README).toContain(withinTargetDefinition(DEFAULTS, 'defaults'));
});

test('the CLI help quotes the response-time definitions, and the FAQ-gaps help priority and covered', () => {
  const responseTimes = help(reportResponseTimesCommand());
  for (const name of ['start', 'firstResponse', 'replyTime', 'resolution', 'businessTime'] as const) {
    expect(responseTimes).toContain(METRIC_DEFINITIONS[name]);
  }
  expect(responseTimes).toContain(withinTargetDefinition(DEFAULTS, 'defaults'));
  const faqGaps = help(reportFaqGapsCommand());
  expect(faqGaps).toContain(METRIC_DEFINITIONS.priority);
  expect(faqGaps).toContain(METRIC_DEFINITIONS.covered);
});

test('the topics and FAQ-gaps help quote the one definition of first response, with no wording of their own', () => {
  for (const text of [help(reportTopicsCommand()), help(reportFaqGapsCommand())]) {
    expect(text).toContain(METRIC_DEFINITIONS.firstResponse);
    expect(text).not.toMatch(/first public agent message minus/i);
  }
});

test('the dashboard shows the same definitions, and "within target" names the configured targets, not fixed defaults', () => {
  const overview = page('overview', { ...DEFAULTS, chat: { firstResponseMs: 120_000, resolutionMs: null, basis: 'calendar' } });
  expect(overview).toContain(definitionBody(METRIC_DEFINITIONS.firstResponse));
  expect(overview).toContain(definitionBody(METRIC_DEFINITIONS.resolution));
  expect(overview).toContain('configured: chat 2m 00s, email 1d 0h to first response');
  expect(page('faq-gaps')).toContain(METRIC_DEFINITIONS.priority);
});

/** Every command whose figures follow the definitions: reports and the export. */
function reportHelps(): Record<string, string> {
  const exportConversations = exportCommand().commands.find((command) => command.name() === 'conversations')!;
  return {
    'report response-times': help(reportResponseTimesCommand()),
    'report topics': help(reportTopicsCommand()),
    'report faq-gaps': help(reportFaqGapsCommand()),
    'export conversations': help(exportConversations),
  };
}

test.each(Object.entries(METRIC_DEFINITIONS))('the CLI help and the dashboard quote the definition of %s', (_name, definition) => {
  expect(Object.values(reportHelps()).join('\n')).toContain(definition);
  expect(PAGES.map((spec) => page(spec.name)).join('\n')).toContain(definitionBody(definition));
});

test('every report and export says what "in the period" means, in its help and on its dashboard page', () => {
  for (const [command, text] of Object.entries(reportHelps()))
    expect({ command, quotes: text.includes(METRIC_DEFINITIONS.inPeriod) }).toEqual({ command, quotes: true });
  for (const name of ['overview', 'topics', 'faq-gaps']) expect(page(name)).toContain(definitionBody(METRIC_DEFINITIONS.inPeriod));
});

test("the dashboard's default targets are the configuration defaults, not text of its own", () => {
  expect(page('overview')).toContain(definitionBody(withinTargetDefinition(DEFAULTS)));
  const none = Object.fromEntries(Object.entries(DEFAULTS).map(([channel, target]) => [channel, { ...target, firstResponseMs: null }]));
  expect(page('overview', none)).toContain('none configured');
  expect(page('overview', none)).not.toContain('5m 00s');
});
