import { createTransport } from 'nodemailer';
import type { EmailDestination } from './delivery-config.js';
import { withoutSecrets, type SendOutcome } from './send-outcome.js';

export interface EmailMessage {
  subject: string;
  text: string;
  /** A stable id per (destination, kind, period): a mail client shows a resent copy as the same message. */
  messageId: string;
}

/** nodemailer error codes raised before the message was handed to the server. */
const BEFORE_HANDOVER = new Set(['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EREQUIRETLS']);

/**
 * Sends over SMTP with nodemailer. The server's refusal (a 4xx/5xx reply) or an error before the message was handed
 * over is `failed` (retried); a timeout or broken connection during or after the message is `unknown`.
 *
 * @example
 * await sendEmail(destination, password, { subject, text, messageId }, { timeoutMs: 15_000 });
 */
export async function sendEmail(
  destination: EmailDestination,
  password: string | undefined,
  message: EmailMessage,
  options: { timeoutMs: number },
): Promise<SendOutcome> {
  const transport = createTransport({
    host: destination.host,
    port: destination.port,
    secure: destination.secure,
    ...(destination.user !== undefined ? { auth: { user: destination.user, pass: password ?? '' } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({ from: destination.from, to: destination.to, subject: message.subject, text: message.text, messageId: message.messageId });
    return { status: 'sent' };
  } catch (error) {
    const failure = error as { code?: string; command?: string; responseCode?: number; message?: string };
    const text = withoutSecrets(
      `SMTP ${failure.code ?? 'error'}${failure.responseCode ? ` ${failure.responseCode}` : ''}: ${failure.message ?? String(error)}`,
      [password],
    );
    const refused = failure.responseCode !== undefined && failure.responseCode >= 400;
    const beforeHandover =
      BEFORE_HANDOVER.has(failure.code ?? '') ||
      failure.command === 'CONN' ||
      (failure.code === 'ETIMEDOUT' && failure.command !== 'DATA' && failure.command !== undefined);
    return { status: refused || beforeHandover ? 'failed' : 'unknown', error: text };
  } finally {
    transport.close();
  }
}
