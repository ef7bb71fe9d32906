import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CLI, seededRandom, temporaryFolder } from '../helpers.js';
import { copyOfBase, prepareDemoAnalysis, readAll, succeed, type DemoAnalysis } from './demo-analysis.js';

// `npm run fault` runs more cases (FAULT_CASES) from another seed (FAULT_SEED); the suite runs a few, always the same.
const CASES = Number(process.env['FAULT_CASES'] ?? 3);
const SEED = Number(process.env['FAULT_SEED'] ?? 19);

const folder = temporaryFolder('supportlens-analyze-fault-');
let demo: DemoAnalysis;
let before: Record<string, string>;
let after: Record<string, string>;
let fullRunMs: number;

beforeAll(() => {
  demo = prepareDemoAnalysis(folder.path);
  before = readAll(folder.path, copyOfBase(demo, 'before'));
  const db = copyOfBase(demo, 'after');
  const started = Date.now();
  succeed(folder.path, ['analyze', '--db', db, '--quiet', '--config', demo.changedConfig]);
  fullRunMs = Date.now() - started;
  after = readAll(folder.path, db);
}, 600_000);
afterAll(() => folder.cleanup());

const random = seededRandom(SEED);
const delays = Array.from({ length: CASES }, () => random());

test.each(delays.map((share, index) => [index + 1, share]))(
  'case %i: analyze killed (SIGKILL) at %f of a full run: every reader gives the previous run or the new one, whole',
  async (index, share) => {
    const db = copyOfBase(demo, `fault-${index}`);
    const child = spawn(process.execPath, [...CLI, 'analyze', '--db', db, '--quiet', '--config', demo.changedConfig], { cwd: folder.path, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.round(share * fullRunMs * 1.1));
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    const readers = readAll(folder.path, db);
    // Killed after its final commit (while pruning or closing), the new run is rightly visible: either whole run will do.
    if (signal === 'SIGKILL') expect([before, after]).toContainEqual(readers);
    else {
      expect(code).toBe(0);
      expect(readers).toEqual(after);
    }
  },
  300_000,
);
