import { cpus, totalmem } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line describing where a benchmark ran. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}`;
}

/** `../shared/datasets` beside the project (or SUPPORTLENS_DATASETS), if present. */
export function findDatasets(): string | undefined {
  const projectRoot = resolve(fileURLToPath(import.meta.url), '../../..');
  const candidates = [process.env.SUPPORTLENS_DATASETS, resolve(projectRoot, '../shared/datasets')];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}
