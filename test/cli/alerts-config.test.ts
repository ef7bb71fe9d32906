import { expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../../cli/config.js';
import { DEFAULT_ALERT_SETTINGS } from '../../analysis/alerts/alert-settings.js';

function problems(input: unknown): string[] {
  try {
    parseConfig(input, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

test('alerts: defaults, and every setting read', () => {
  expect(parseConfig({}, 'test').alerts).toEqual(DEFAULT_ALERT_SETTINGS);
  const alerts = parseConfig(
    {
      alerts: {
        threshold: 5,
        minRatio: 2,
        minHistoryWeeks: 2,
        historyWeeks: 6,
        minHourConversations: 5,
        minDayConversations: 50,
        minTargetDrop: 0.2,
        eventLead: '3h',
        events: './events',
      },
    },
    'test',
  ).alerts;
  expect(alerts).toEqual({
    threshold: 5,
    minRatio: 2,
    minHistoryWeeks: 2,
    historyWeeks: 6,
    minHourConversations: 5,
    minDayConversations: 50,
    minTargetDrop: 0.2,
    eventLeadMs: 3 * 3_600_000,
    eventsPath: './events',
  });
});

test('alerts: each bad setting named', () => {
  expect(problems({ alerts: { threshold: 0, minHistoryWeeks: 1.5, historyWeeks: 6, minHourConversations: 3, eventLead: 'soon', sensitivity: 3 } })).toEqual([
    'alerts.sensitivity: unknown key (expected one of threshold, minRatio, minHistoryWeeks, historyWeeks, minHourConversations, minDayConversations, minTargetDrop, eventLead, eventLeadMs, events)',
    'alerts.threshold: expected a number from 1 to 100, got 0',
    'alerts.minHistoryWeeks: expected a whole number from 1 to 52, got 1.5',
    'alerts.eventLead: "soon" is not a duration (such as "5m", "24h", "1h30m")',
  ]);
  expect(problems({ alerts: { minHistoryWeeks: 5, historyWeeks: 4 } })).toEqual(['alerts.minHistoryWeeks: 5 is more than historyWeeks (4)']);
});

test('deliveries: email and webhook destinations with their secrets named, never given', () => {
  const { deliveries } = parseConfig(
    {
      deliveries: {
        dashboardUrl: 'https://support.example.com/dash/',
        timeout: '10s',
        destinations: [
          {
            name: 'team-mail',
            type: 'email',
            host: 'smtp.example.com',
            user: 'bot',
            passwordEnv: 'SMTP_PASSWORD',
            from: 'bot@example.com',
            to: 'lead@example.com',
            digests: ['day', 'week'],
            alerts: true,
          },
          { name: 'slack', type: 'webhook', urlFile: '/run/secrets/slack', alerts: true },
        ],
      },
    },
    'test',
  );
  expect(deliveries.dashboardUrl).toBe('https://support.example.com/dash');
  expect(deliveries.timeoutMs).toBe(10_000);
  expect(deliveries.destinations).toEqual([
    {
      name: 'team-mail',
      type: 'email',
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'bot',
      passwordEnv: 'SMTP_PASSWORD',
      passwordFile: undefined,
      from: 'bot@example.com',
      to: ['lead@example.com'],
      digests: ['day', 'week'],
      alerts: true,
    },
    { name: 'slack', type: 'webhook', urlEnv: undefined, urlFile: '/run/secrets/slack', digests: [], alerts: true },
  ]);
});

test('deliveries: a secret in the file is refused, and every other problem named', () => {
  expect(
    problems({
      deliveries: {
        destinations: [
          { name: 'slack', type: 'webhook', url: 'https://hooks.example.com/T/B/x' },
          { name: 'mail', type: 'email', host: 'smtp', from: 'nobody', to: [], password: 'x', digests: ['month'] },
          { name: 'mail', type: 'pager' },
        ],
      },
    }),
  ).toEqual([
    'deliveries.destinations[0].url: secrets are not read from the configuration file: give urlEnv or urlFile',
    'deliveries.destinations[0]: missing urlEnv or urlFile',
    'deliveries.destinations[1].password: secrets are not read from the configuration file: give passwordEnv or passwordFile',
    'deliveries.destinations[1].digests[0]: expected "day" or "week", got "month"',
    'deliveries.destinations[1].from: expected an email address, got "nobody"',
    'deliveries.destinations[1].to: expected an email address or a list of them, got a list',
    'deliveries.destinations[2].type: expected "email" or "webhook", got "pager"',
  ]);
});
