import type { DigestPeriod } from '../../analysis/alerts/digest.js';

export type { DigestPeriod };

/** Which digests and alerts a destination gets. */
export interface DestinationBase {
  /** Unique; the deliveries table keys what was sent by it, so renaming a destination sends again. */
  name: string;
  digests: DigestPeriod[];
  alerts: boolean;
}

/** Email over SMTP. The password comes from `passwordEnv` (a variable's name) or `passwordFile`, never the file itself. */
export interface EmailDestination extends DestinationBase {
  type: 'email';
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  passwordEnv?: string | undefined;
  passwordFile?: string | undefined;
  from: string;
  to: string[];
}

/** A Slack-compatible incoming webhook; its URL is a secret: from `urlEnv` or `urlFile` only. */
export interface WebhookDestination extends DestinationBase {
  type: 'webhook';
  urlEnv?: string | undefined;
  urlFile?: string | undefined;
}

export type Destination = EmailDestination | WebhookDestination;

/** The `deliveries` section of the configuration file. */
export interface DeliveriesConfig {
  /** The dashboard's address, for links in digests and alerts; no links when unset. */
  dashboardUrl?: string | undefined;
  destinations: Destination[];
  /** Per send: connection, greeting and whole request (a slow server counts as failed after it). */
  timeoutMs: number;
  /** More attempts within one run after a failure that surely did not deliver. */
  retries: number;
  retryDelayMs: number;
}

export const DEFAULT_DELIVERIES_CONFIG: DeliveriesConfig = {
  destinations: [],
  timeoutMs: 15_000,
  retries: 2,
  retryDelayMs: 5_000,
};
