// `node --import ./test/support/register-source.mjs --conditions=source file.ts` runs a TypeScript source file.
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
