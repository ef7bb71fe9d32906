import { createTask, type ScheduledTask } from 'node-cron';
import type { SupportlensConfig } from '../config.js';
import { runTick, type RunTickOptions, type TickResult, type TickTarget } from './run-tick.js';

export interface StartScheduleOptions {
  log?: (message: string) => void;
  /** Passed to every tick (scan and lock timings, stages); `trigger` is always `schedule`. */
  tick?: Omit<RunTickOptions, 'trigger' | 'stopRetrying' | 'signal' | 'log'>;
  onTick?: (result: TickResult) => void;
}

export interface RunningSchedule {
  task: ScheduledTask;
  /** When the next tick fires, in UTC; null when the expression never fires again. */
  nextRun(): Date | null;
  /** Stops firing, lets the current tick finish its attempt (no further retry), and resolves when it has. */
  stop(): Promise<void>;
  /** Also aborts the current attempt: ingest stops between records and rolls the current file back. */
  abort(): void;
}

/**
 * Runs `runTick` on `config.schedule.cron` in `config.schedule.timeZone`. A tick never overlaps the previous one
 * (node-cron's `noOverlap`, and across processes the database lock); a tick that fails or throws is logged and the
 * schedule carries on.
 *
 * @example
 * const schedule = startSchedule(handle, config, { log: console.error });
 * process.once('SIGTERM', () => void schedule.stop().then(() => handle.close()));
 */
export function startSchedule(handle: TickTarget, config: SupportlensConfig, options: StartScheduleOptions = {}): RunningSchedule {
  const log = options.log ?? (() => {});
  const stopRetrying = new AbortController();
  const abortWork = new AbortController();
  let current: Promise<void> | undefined;
  const task = createTask(
    config.schedule.cron,
    async () => {
      const tick = runTick(handle, config, { ...options.tick, trigger: 'schedule', stopRetrying: stopRetrying.signal, signal: abortWork.signal, log })
        .then((result) => options.onTick?.(result))
        .catch((error: unknown) => log(`tick failed unexpectedly: ${(error as Error).stack ?? String(error)}`));
      current = tick;
      await tick;
      if (current === tick) current = undefined;
    },
    {
      timezone: config.schedule.timeZone,
      noOverlap: true,
      name: 'supportlens-nightly',
      // node-cron's own messages (a missed execution after a sleeping laptop) go to our log, not to stdout.
      logger: {
        info: (message) => log(`node-cron: ${message}`),
        warn: (message) => log(`node-cron warning: ${message}`),
        error: (message) => log(`node-cron error: ${String(message)}`),
        debug: () => {},
      },
    },
  );
  task.on('execution:overlap', () => log('the previous tick is still running; this one is skipped'));
  void task.start();
  return {
    task,
    nextRun: () => task.getNextRun(),
    stop: async () => {
      stopRetrying.abort();
      await task.stop();
      await task.destroy();
      await current;
    },
    abort: () => {
      stopRetrying.abort();
      abortWork.abort();
    },
  };
}
