/** How long an answer is kept (targets turn from pending to breached as time goes by), and how many are kept. */
export const DEFAULT_CACHE_TTL_MS = 60_000;
export const CACHE_ENTRIES = 500;

/**
 * Answers of the analytics routes, kept until an analysis run starts or ends or `ttlMs` passes
 * (targets turn from pending to breached as time goes by). Concurrent identical requests share one computation:
 * the queries are synchronous SQLite reads, so twenty connections asking for the same 30 days would otherwise each
 * block the event loop in turn.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { storedAt: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.storedAt < this.ttlMs) return hit.value as Promise<T>;
    const value = compute();
    const entry = { storedAt: this.now(), value };
    this.entries.delete(key);
    if (this.ttlMs > 0) this.entries.set(key, entry);
    // A failure is not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
