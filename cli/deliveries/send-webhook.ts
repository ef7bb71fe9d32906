import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SendOutcome } from './send-outcome.js';

/** A Slack-compatible incoming-webhook body: `text` is shown; Slack reads `*bold*` and `<url|label>` in it. */
export interface WebhookMessage {
  text: string;
}

/**
 * POSTs the message as JSON. 2xx is sent; another status, a refused connection or a timeout before the body was
 * written is `failed` (retried); a timeout or reset after the body was written is `unknown` (it may have arrived).
 * Errors never quote the URL: it is a secret.
 *
 * @example
 * await sendWebhook(url, { text: 'Support digest ...' }, { timeoutMs: 15_000 });
 */
export function sendWebhook(url: string, message: WebhookMessage, options: { timeoutMs: number }): Promise<SendOutcome> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ status: 'failed', error: 'the webhook URL is not a valid address' });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.resolve({ status: 'failed', error: 'the webhook URL is not http or https' });
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let written = false;
    let settled = false;
    const settle = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length } },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        response.on('end', () =>
          settle(status >= 200 && status < 300 ? { status: 'sent' } : { status: 'failed', error: `the webhook answered HTTP ${status}` }),
        );
        response.on('error', () =>
          settle(status >= 200 && status < 300 ? { status: 'sent' } : { status: 'failed', error: `the webhook answered HTTP ${status}` }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      settle(
        written
          ? { status: 'unknown', error: `the webhook did not answer within ${options.timeoutMs} ms after the message was sent` }
          : { status: 'failed', error: `no connection to the webhook within ${options.timeoutMs} ms` },
      );
    }, options.timeoutMs);
    req.on('finish', () => (written = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'error';
      settle(
        written
          ? { status: 'unknown', error: `the webhook connection failed after the message was sent (${code})` }
          : { status: 'failed', error: `cannot reach the webhook (${code})` },
      );
    });
    req.end(body);
  });
}
