/**
 * How one send ended. `failed`: it surely did not arrive (refused, rejected, timed out before the message was handed
 * over), so it may be tried again. `unknown`: it may have arrived (handed over, then no answer), so it is never resent.
 */
export type SendOutcome = { status: 'sent' } | { status: 'failed' | 'unknown'; error: string };

/** A secret read from the environment or a file; the error names where it was looked for, never a value. */
export type SecretResult = { ok: true; value: string } | { ok: false; error: string };

/** Replaces every occurrence of the secrets in a message (errors can quote a URL or a login). */
export function withoutSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let clean = message;
  for (const secret of secrets) if (secret !== undefined && secret.length >= 4) clean = clean.split(secret).join('[secret]');
  return clean;
}
