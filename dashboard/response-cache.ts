/** How long an answer is kept (targets turn from pending to breached as time goes by), and how many are kept. */
export const DEFAULT_CACHE_TTL_MS = 60_000;
export const CACHE_ENTRIES = 500;
/**
 * How long past its ttl an answer may still be served while a fresh one is computed behind it. Within one analysis
 * (the cache's keys name it) only the clock-dependent figures move: waits still open grow, pending targets turn
 * breached. Ten minutes of that is what a page left open shows anyway; a report of ten million messages takes
 * seconds to compute, which no one should wait for again after the first.
 */
export const DEFAULT_STALE_MS = 10 * 60_000;

interface Entry {
  storedAt: number;
  value: Promise<unknown>;
  /** The computation succeeded: the answer may be served stale. */
  settled: boolean;
  /** A fresh answer is being computed behind it. */
  refreshing: boolean;
}

/**
 * Answers of the analytics routes, kept until an analysis run starts or ends or `ttlMs` passes
 * (targets turn from pending to breached as time goes by). Concurrent identical requests share one computation:
 * the queries are synchronous SQLite reads, so twenty connections asking for the same 30 days would otherwise each
 * block the event loop in turn. Past `ttlMs`, for `staleMs` more, the kept answer is still served at once while one
 * fresh computation replaces it (stale-while-revalidate); after that, a request waits for a fresh one.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 0,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.storedAt : Infinity;
    if (hit && age < this.ttlMs) return hit.value as Promise<T>;
    if (hit?.settled && age < this.ttlMs + this.staleMs) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        this.store(key, compute()).catch(() => {
          hit.refreshing = false;
        });
      }
      return hit.value as Promise<T>;
    }
    return this.store(key, compute());
  }

  /** Keeps `value` under `key` once it has succeeded (a failure is not kept: the next request tries again). */
  private store<T>(key: string, value: Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return value;
    const entry: Entry = { storedAt: this.now(), value, settled: false, refreshing: false };
    const current = this.entries.get(key);
    // A refresh replaces the stale answer only when it arrives; the first computation is shared at once.
    if (!current?.settled) this.put(key, entry);
    value.then(
      () => {
        entry.settled = true;
        if (this.entries.get(key) !== entry) this.put(key, entry);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private put(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
