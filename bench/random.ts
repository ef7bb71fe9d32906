import { mulberry32 } from '../analysis/topics/seeded-random.js';

/** The project's seeded generator (mulberry32): the same seed gives the same data on every machine. */
export const createRandom: (seed: number) => () => number = mulberry32;

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
