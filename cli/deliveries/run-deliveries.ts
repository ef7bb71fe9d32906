import { setTimeout as sleep } from 'node:timers/promises';
import type { JobLockTarget } from '../../db/engine-job-lock.js';
import { claimDelivery, finishDelivery, markDeliveriesInDoubt, type DeliveryKey } from '../../db/deliveries.js';
import type { DeliveryKind } from '../../db/schema.js';
import { listAlerts, type StoredAlert } from '../../analysis/alerts/alert-queries.js';
import { buildDigest, digestWindow, type DigestPeriod, type DigestWindow } from '../../analysis/alerts/digest.js';
import { describeAlert, renderDigest } from '../../analysis/alerts/render-digest.js';
import type { SupportlensConfig } from '../config.js';
import type { Destination } from './delivery-config.js';
import { readSecret } from './read-secret.js';
import { sendEmail } from './send-email.js';
import type { SendOutcome } from './send-outcome.js';
import { sendWebhook } from './send-webhook.js';

/** Alerts whose period ended less than this long ago are sent as found; older ones only appear in digests. */
export const ALERT_FRESH_MS = 36 * 3_600_000;
/** The most alerts one alert message lists. */
const ALERTS_PER_MESSAGE = 20;

/**
 * Test hook for the kill test: `SUPPORTLENS_TEST_KILL_AFTER_SEND=1` makes the process kill itself (SIGKILL) right
 * after a send returned, before its outcome is recorded.
 */
const KILL_AFTER_SEND_VARIABLE = 'SUPPORTLENS_TEST_KILL_AFTER_SEND';

/** What happened to one delivery in this run. `skipped`: sent before, or in doubt since a crash; never resent. */
export interface DeliveryOutcome {
  destination: string;
  kind: DeliveryKind;
  period: string;
  status: 'sent' | 'failed' | 'unknown' | 'skipped';
  attempts: number;
  error?: string;
}

/** One message to one destination; the transports are replaceable in tests. */
export interface DeliveryMessage {
  subject: string;
  text: string;
  messageId: string;
}

export type DeliveryTransport = (destination: Destination, message: DeliveryMessage, timeoutMs: number) => Promise<SendOutcome>;

export interface RunDeliveriesOptions {
  jobRunId?: number | null;
  /** "Now": which digest periods are complete and which alerts are fresh (default: the clock). */
  now?: number;
  log?: (line: string) => void;
  transport?: DeliveryTransport;
  environment?: NodeJS.ProcessEnv;
  /** Deliver only this digest (to the destinations that take its period), no alerts: `supportlens digest`. */
  digestOnly?: DigestWindow;
}

/**
 * The deliveries of one nightly run: to each configured destination, the digests of the last complete day and week
 * and the alerts found in the last 36 hours, each claimed in `deliveries` before it is sent and marked after, so it
 * goes out at most once whatever crashes or reruns. A send that surely failed is retried `retries` times here and
 * again by the next run. Never throws for a delivery problem: the outcomes say what happened.
 *
 * @example
 * const outcomes = await runDeliveries(handle, config, { jobRunId: 7 });
 */
export async function runDeliveries(handle: JobLockTarget, config: SupportlensConfig, options: RunDeliveriesOptions = {}): Promise<DeliveryOutcome[]> {
  const settings = config.deliveries;
  if (settings.destinations.length === 0) return [];
  const now = options.now ?? Date.now();
  const log = options.log ?? (() => {});
  const transport = options.transport ?? defaultTransport(options.environment ?? process.env);
  const inDoubt = await markDeliveriesInDoubt(handle.db, now);
  if (inDoubt > 0) log(`deliveries: ${inDoubt} left in doubt by an earlier process are not sent again`);
  const outcomes: DeliveryOutcome[] = [];
  const windows = new Map<DigestPeriod, DigestWindow>();
  const messages = new Map<DigestPeriod, Promise<{ subject: string; text: string }>>();
  const digestMessage = (period: DigestPeriod): Promise<{ subject: string; text: string }> => {
    let message = messages.get(period);
    if (!message) {
      const window = windows.get(period)!;
      message = buildDigest(handle.db, { window, responseTimes: config.responseTimes, dashboardUrl: settings.dashboardUrl, asOf: now }).then((digest) => ({
        subject: `Support digest: ${period} ${window.label}`,
        text: renderDigest(digest, 'text'),
      }));
      messages.set(period, message);
    }
    return message;
  };
  for (const period of ['day', 'week'] as const) windows.set(period, digestWindow(period, { now }, config.responseTimes.reportingTimeZone));
  if (options.digestOnly) windows.set(options.digestOnly.period, options.digestOnly);
  const fresh = options.digestOnly ? [] : (await listAlerts(handle.db, { from: now - ALERT_FRESH_MS, to: now })).filter((alert) => alert.periodEnd <= now);

  for (const destination of settings.destinations) {
    for (const period of destination.digests) {
      if (options.digestOnly && period !== options.digestOnly.period) continue;
      const key: DeliveryKey = { destination: destination.name, kind: period === 'day' ? 'digest-day' : 'digest-week', period: windows.get(period)!.label };
      outcomes.push(
        await deliver(
          handle,
          { keys: [key], destination, compose: () => digestMessage(period) },
          {
            ...options,
            transport,
            log,
            retries: settings.retries,
            retryDelayMs: settings.retryDelayMs,
            timeoutMs: settings.timeoutMs,
          },
        ),
      );
    }
    if (destination.alerts && fresh.length > 0) {
      const keys = fresh.map((alert): DeliveryKey => ({ destination: destination.name, kind: 'alert', period: alert.alertId }));
      outcomes.push(
        await deliver(
          handle,
          {
            keys,
            destination,
            compose: (claimed) =>
              Promise.resolve(
                alertMessage(
                  fresh.filter((alert) => claimed.has(alert.alertId)),
                  settings.dashboardUrl,
                ),
              ),
          },
          {
            ...options,
            transport,
            log,
            retries: settings.retries,
            retryDelayMs: settings.retryDelayMs,
            timeoutMs: settings.timeoutMs,
          },
        ),
      );
    }
  }
  return outcomes.filter((outcome) => outcome.attempts > 0 || outcome.status === 'skipped');
}

interface DeliverOptions extends RunDeliveriesOptions {
  transport: DeliveryTransport;
  log: (line: string) => void;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
}

/** Claims the keys (one message may carry several alerts), sends what was claimed once, records the outcome on each. */
/** What one delivery sends: its keys (one message may carry several alerts), where, and the message of what was claimed. */
interface Delivery {
  keys: readonly DeliveryKey[];
  destination: Destination;
  compose: (claimedPeriods: ReadonlySet<string>) => Promise<{ subject: string; text: string }>;
}

async function deliver(handle: JobLockTarget, { keys, destination, compose }: Delivery, options: DeliverOptions): Promise<DeliveryOutcome> {
  const first = keys[0]!;
  const label = keys.length === 1 ? first.period : `${keys.length} alerts`;
  const outcome: DeliveryOutcome = { destination: destination.name, kind: first.kind, period: label, status: 'skipped', attempts: 0 };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const claims: { key: DeliveryKey; token: string }[] = [];
    for (const key of keys) {
      const claim = await claimDelivery(handle.db, key, { jobRunId: options.jobRunId ?? null, now: Date.now() });
      if (claim.claimed) claims.push({ key, token: claim.token });
    }
    if (claims.length === 0) return outcome;
    outcome.attempts += 1;
    let sent: SendOutcome;
    try {
      const message = await compose(new Set(claims.map((claim) => claim.key.period)));
      const messageId = `<${[first.kind, claims.length === 1 ? claims[0]!.key.period : claims.map((claim) => claim.key.period).join(',')]
        .join('.')
        .replace(/[^A-Za-z0-9.-]+/g, '-')
        .slice(0, 120)}.${destination.name}@supportlens>`;
      sent = await options.transport(destination, { ...message, messageId }, options.timeoutMs);
    } catch (error) {
      sent = { status: 'failed', error: `could not compose or send: ${(error as Error).message}` };
    }
    if (process.env[KILL_AFTER_SEND_VARIABLE] === '1') process.kill(process.pid, 'SIGKILL');
    for (const claim of claims)
      await finishDelivery(handle.db, claim.key, claim.token, { status: sent.status, error: sent.status === 'sent' ? null : sent.error });
    outcome.status = sent.status;
    if (sent.status === 'sent') delete outcome.error;
    else outcome.error = sent.error;
    options.log(`delivery ${destination.name} ${first.kind} ${label}: ${sent.status}${sent.status === 'sent' ? '' : ` (${sent.error})`}`);
    if (sent.status !== 'failed' || attempt === options.retries) return outcome;
    await sleep(options.retryDelayMs);
  }
  return outcome;
}

function alertMessage(alerts: readonly StoredAlert[], dashboardUrl: string | undefined): { subject: string; text: string } {
  const strongest = [...alerts].sort((a, b) => b.score - a.score)[0]!;
  const lines = alerts.slice(0, ALERTS_PER_MESSAGE).map((alert) => `- ${describeAlert(alert)}`);
  if (alerts.length > ALERTS_PER_MESSAGE) lines.push(`- and ${alerts.length - ALERTS_PER_MESSAGE} more`);
  if (dashboardUrl) lines.push('', `${dashboardUrl.replace(/\/+$/, '')}/`);
  const headline = `${strongest.kind === 'spike' ? 'spike' : 'within-target drop'} ${strongest.scopeLabel} ${strongest.periodLabel}`;
  return {
    subject: `Support alert: ${headline}${alerts.length > 1 ? ` (+${alerts.length - 1} more)` : ''}`,
    text: `Support alert: ${headline}\n${lines.join('\n')}\n`,
  };
}

function defaultTransport(environment: NodeJS.ProcessEnv): DeliveryTransport {
  return async (destination, message, timeoutMs) => {
    if (destination.type === 'webhook') {
      const url = readSecret({ env: destination.urlEnv, file: destination.urlFile }, environment);
      if (!url.ok) return { status: 'failed', error: url.error };
      return sendWebhook(url.value, { text: `*${slackEscape(message.subject)}*\n${slackEscape(message.text)}` }, { timeoutMs });
    }
    let password: string | undefined;
    if (destination.passwordEnv !== undefined || destination.passwordFile !== undefined) {
      const secret = readSecret({ env: destination.passwordEnv, file: destination.passwordFile }, environment);
      if (!secret.ok) return { status: 'failed', error: secret.error };
      password = secret.value;
    }
    return sendEmail(destination, password, message, { timeoutMs });
  };
}

/** Slack reads `<...>` as links and mentions: customer words in topic labels must not become either. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
