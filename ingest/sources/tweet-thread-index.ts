/**
 * Where each tweet's thread starts, for a file whose replies may come before or after their parents.
 *
 * Built in a first pass over the file (`add` per row, then `finish`), asked in the second (`rootOf`). Ids are
 * 64-bit, kept in typed arrays sorted by id, so memory does not depend on the text: 28 bytes a tweet while the
 * file is read (in arrays that double as they fill), about 60 at the peak of `finish`, then 24 while the tweets are
 * loaded. The full corpus (about 2.8 million tweets) needs well under 200 MB for it.
 */
export interface TweetRoot {
  /** The topmost tweet of the thread present in the file: the conversation's id. */
  root: bigint;
  /** The tweet's own parent when that parent is not in the file (or is itself, or closes a loop). */
  brokenParent: bigint | null;
  brokenReason: 'missing' | 'self' | 'loop' | null;
}

const NO_PARENT = 0n;
const NO_BRAND = -1;
const UNRESOLVED = -1;
const IN_PROGRESS = -2;

export class TweetThreadIndex {
  private size = 0;
  private ids = new BigUint64Array(1024);
  private parents = new BigUint64Array(1024);
  private times = new Float64Array(1024);
  private brands = new Int32Array(1024);
  private readonly brandNames: string[] = [];
  private readonly brandIndex = new Map<string, number>();
  private roots = new Int32Array(0);
  private firstReplyBrand = new Int32Array(0);
  private finished = false;

  /** One tweet: its id, its parent (null for none), when it was written, and the brand that wrote it (null: a customer). */
  add(id: bigint, parent: bigint | null, createdAt: number, brand: string | null): void {
    if (this.finished) throw new Error('TweetThreadIndex: add after finish');
    if (this.size === this.ids.length) this.grow();
    const at = this.size++;
    this.ids[at] = id;
    this.parents[at] = parent ?? NO_PARENT;
    this.times[at] = createdAt;
    this.brands[at] = brand === null ? NO_BRAND : this.intern(brand);
  }

  get count(): number {
    return this.size;
  }

  /** Sorts by id and resolves every tweet's thread; afterwards only ids, parents and roots are kept. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const n = this.size;
    const sorted = this.ids.slice(0, n).sort();
    // Where each row lands once sorted; a repeated id lands on its first copy, so the later row wins, as it
    // also wins when the rows are stored.
    const position = new Int32Array(n);
    for (let i = 0; i < n; i++) position[i] = search(sorted, this.ids[i]!);
    this.ids = sorted;
    // One array at a time, dropping each unsorted array as soon as it is copied, keeps the peak low.
    const parents = new BigUint64Array(n);
    for (let i = 0; i < n; i++) parents[position[i]!] = this.parents[i]!;
    this.parents = parents;
    const times = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) times[position[i]!] = this.times[i]!;
    this.times = new Float64Array(0);
    const brands = new Int32Array(n).fill(NO_BRAND);
    for (let i = 0; i < n; i++) brands[position[i]!] = this.brands[i]!;
    this.brands = new Int32Array(0);

    this.roots = new Int32Array(n).fill(UNRESOLVED);
    for (let at = 0; at < n; at++) this.resolve(at);

    // The first brand to reply in a thread becomes the conversation's assignee.
    this.firstReplyBrand = new Int32Array(n).fill(NO_BRAND);
    const firstReplyAt = new Float64Array(n).fill(Infinity);
    for (let at = 0; at < n; at++) {
      const brand = brands[at]!;
      const time = times[at]!;
      if (brand === NO_BRAND || !Number.isFinite(time)) continue;
      const root = this.roots[at]!;
      if (time < firstReplyAt[root]!) {
        firstReplyAt[root] = time;
        this.firstReplyBrand[root] = brand;
      }
    }
  }

  /** The thread of a tweet that was added. */
  rootOf(id: bigint): TweetRoot | undefined {
    const at = this.find(id);
    if (at === -1) return undefined;
    const root = this.roots[at]!;
    const parent = this.parents[at]!;
    let brokenReason: TweetRoot['brokenReason'] = null;
    if (parent !== NO_PARENT && root === at) {
      brokenReason = parent === id ? 'self' : this.find(parent) === -1 ? 'missing' : 'loop';
    }
    return { root: this.ids[root]!, brokenParent: brokenReason ? parent : null, brokenReason };
  }

  /** The brand that answered first in the thread rooted at `root`, or null when no brand answered. */
  firstBrandReply(root: bigint): string | null {
    const at = this.find(root);
    if (at === -1) return null;
    const brand = this.firstReplyBrand[at]!;
    return brand === NO_BRAND ? null : (this.brandNames[brand] ?? null);
  }

  private resolve(start: number): number {
    const path: number[] = [];
    let at = start;
    let root: number;
    for (;;) {
      const known = this.roots[at]!;
      if (known >= 0) {
        root = known;
        break;
      }
      if (known === IN_PROGRESS) {
        // A loop of replies: the tweet that closes it starts the thread.
        root = at;
        break;
      }
      this.roots[at] = IN_PROGRESS;
      path.push(at);
      const parent = this.parents[at]!;
      const next = parent === NO_PARENT || parent === this.ids[at] ? -1 : this.find(parent);
      if (next === -1) {
        root = at;
        break;
      }
      at = next;
    }
    for (const step of path) this.roots[step] = root;
    this.roots[root] = root;
    return root;
  }

  private find(id: bigint): number {
    const at = search(this.ids, id);
    return at < this.ids.length && this.ids[at] === id ? at : -1;
  }

  private intern(brand: string): number {
    let index = this.brandIndex.get(brand);
    if (index === undefined) {
      index = this.brandNames.length;
      this.brandNames.push(brand);
      this.brandIndex.set(brand, index);
    }
    return index;
  }

  private grow(): void {
    const capacity = this.ids.length * 2;
    const ids = new BigUint64Array(capacity);
    ids.set(this.ids);
    const parents = new BigUint64Array(capacity);
    parents.set(this.parents);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const brands = new Int32Array(capacity);
    brands.set(this.brands);
    this.ids = ids;
    this.parents = parents;
    this.times = times;
    this.brands = brands;
  }
}

/** Index of the first element >= id in a sorted array (its length when none). */
function search(sorted: BigUint64Array, id: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return low;
}
