import { readFileSync } from 'node:fs';

/**
 * Watches a child process's peak resident memory (VmHWM in /proc, Linux only) until it exits.
 * Returns a function giving the highest value seen, in bytes (0 where /proc is unavailable).
 */
export function watchPeakMemory(pid: number, intervalMs = 50): () => number {
  let peak = 0;
  const read = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) peak = Math.max(peak, Number(match[1]) * 1024);
    } catch {
      // The process has exited.
    }
  };
  const timer = setInterval(read, intervalMs);
  timer.unref();
  return () => {
    read();
    clearInterval(timer);
    return peak;
  };
}
