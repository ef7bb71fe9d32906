import { cpus, totalmem, loadavg } from 'node:os';

/** One line describing where a benchmark ran, for its report. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
