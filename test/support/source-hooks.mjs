// Node module hooks that run the TypeScript sources directly (Node 20 cannot strip types itself): a relative `.js`
// import that has no file but a `.ts` beside it loads the `.ts`, and `.ts` files are stripped of their types by
// esbuild's transform (a dev dependency already: the build bundles Kysely with it). Registered by register-source.mjs;
// the tests' source CLI and every worker thread they start run through these hooks. Transformed files are cached in
// node_modules/.cache/supportlens-source by content hash: the tests start the CLI hundreds of times.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/supportlens-source/', import.meta.url));

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (specifier.endsWith('.js') && /^\.{1,2}\//.test(specifier) && parent?.startsWith('file:') && !parent.includes('/node_modules/')) {
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), parent);
    if (!existsSync(new URL(specifier, parent)) && existsSync(ts)) return { url: ts.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const cached = `${CACHE}${createHash('sha256').update(path).update('\0').update(source).digest('hex').slice(0, 32)}.js`;
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: path });
  try {
    mkdirSync(CACHE, { recursive: true });
    const temporary = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, cached);
  } catch {
    // A cache it may not write (a test running the CLI as another user) only costs the transform.
  }
  return { format: 'module', source: code, shortCircuit: true };
}
