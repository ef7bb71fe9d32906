import { readFileSync } from 'node:fs';
import type { SecretResult } from './send-outcome.js';

/**
 * A secret from the variable `env` or the file `file` (one line; a trailing newline is dropped). Never from the
 * configuration file or the command line.
 *
 * @example
 * readSecret({ env: 'SUPPORTLENS_WEBHOOK_URL' }); // { ok: true, value: 'https://...' }
 */
export function readSecret(source: { env?: string | undefined; file?: string | undefined }, environment: NodeJS.ProcessEnv = process.env): SecretResult {
  if (source.env !== undefined) {
    const value = environment[source.env];
    if (value === undefined || value === '') return { ok: false, error: `the environment variable ${source.env} is not set` };
    return { ok: true, value };
  }
  if (source.file !== undefined) {
    try {
      const value = readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
      if (value === '') return { ok: false, error: `the secret file ${source.file} is empty` };
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: `cannot read the secret file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
    }
  }
  return { ok: false, error: 'no secret configured' };
}
