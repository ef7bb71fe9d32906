/**
 * The project's one seeded generator (mulberry32): uniform in [0, 1), the same seed gives the same sequence on every
 * machine. Topics, the demo data, the benchmarks and the tests all draw from it.
 *
 * @example
 * const random = mulberry32(7);
 * random(); // the same first value on every run
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 with the draws the topic model needs: the same seed gives the same topics. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller). */
  gaussian(): number;
  /** Uniform integer in [0, bound). */
  int(bound: number): number;
}

export function createSeededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed >>> 0 || 0x9e3779b9);
  let spare: number | undefined;
  return {
    next,
    gaussian() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    int(bound) {
      return Math.floor(next() * bound);
    },
  };
}

/** FNV-1a over a string's UTF-16 units, 32 bits. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  return hashOnward(seed >>> 0, text) >>> 0;
}

/** `hashString(\`${first} ${second}\`, seed)`, without building the joined string (a pair per word of every question). */
export function hashPair(first: string, second: string, seed: number): number {
  let hash = hashOnward(seed >>> 0, first);
  hash ^= 0x20;
  hash = Math.imul(hash, 0x01000193);
  return hashOnward(hash, second) >>> 0;
}

function hashOnward(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}
