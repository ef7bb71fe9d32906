/** `note` for an id the file had not shown before. */
export const NOT_SEEN = -1;

const EMPTY = 0;
const INITIAL_SLOTS = 1 << 10;
/** Slots per entry: two 32-bit hashes of the id and the line it was first seen on. */
const WIDTH = 3;

/**
 * The ids one file has shown so far and the line of each one's first appearance, in flat typed arrays: 12 bytes a
 * slot, a few slots per id, so that a file of millions of rows costs megabytes and no object per row. An id is
 * known by two independent 32-bit hashes of its parts (a collision of both takes billions of ids, far beyond any
 * one file). Parts are given as (text, start, end) ranges so that callers need not build a string per row.
 *
 * @example
 * const seen = new IdsSeenInFile();
 * seen.begin().add('c1').add('m1').note(12); // NOT_SEEN
 * seen.begin().add('c1').add('m1').note(40); // 12
 */
export class IdsSeenInFile {
  private slots = new Int32Array(INITIAL_SLOTS * WIDTH);
  private capacity = INITIAL_SLOTS;
  private count = 0;
  private h1 = 0;
  private h2 = 0;

  clear(): void {
    if (this.capacity !== INITIAL_SLOTS) {
      this.slots = new Int32Array(INITIAL_SLOTS * WIDTH);
      this.capacity = INITIAL_SLOTS;
    } else {
      this.slots.fill(0);
    }
    this.count = 0;
  }

  /** Starts the id to look up; `add` its parts, then `note` it. */
  begin(): this {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x2545f491;
    return this;
  }

  add(text: string, start = 0, end = text.length): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    this.h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    this.h2 = Math.imul(h2 ^ 0x1f, 0x5bd1e995) ^ (h2 >>> 15);
    return this;
  }

  /** The line the id was first seen on (0 when it had none); or NOT_SEEN, and the id is remembered with `line`. */
  note(line: number | null): number {
    // 0 marks an empty slot, so a hash of 0 is stored as 1.
    const h1 = this.h1 === EMPTY ? 1 : this.h1;
    const h2 = this.h2;
    const mask = this.capacity - 1;
    const slots = this.slots;
    for (let slot = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WIDTH;
      const stored = slots[at]!;
      if (stored === EMPTY) {
        slots[at] = h1;
        slots[at + 1] = h2;
        slots[at + 2] = line ?? 0;
        this.count += 1;
        if (this.count * 2 > this.capacity) this.grow();
        return NOT_SEEN;
      }
      if (stored === h1 && slots[at + 1] === h2) return slots[at + 2]!;
    }
  }

  private grow(): void {
    const old = this.slots;
    const oldCapacity = this.capacity;
    this.capacity = oldCapacity * 2;
    this.slots = new Int32Array(this.capacity * WIDTH);
    const mask = this.capacity - 1;
    for (let from = 0; from < oldCapacity; from++) {
      const h1 = old[from * WIDTH]!;
      if (h1 === EMPTY) continue;
      const h2 = old[from * WIDTH + 1]!;
      let slot = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
      while (this.slots[slot * WIDTH] !== EMPTY) slot = (slot + 1) & mask;
      this.slots.set(old.subarray(from * WIDTH, from * WIDTH + WIDTH), slot * WIDTH);
    }
  }
}

/** How a reject names the earlier record that an id repeats: its line, or just "an earlier record". */
export function repeats(firstLine: number): string {
  return firstLine > 0 ? `repeats line ${firstLine}` : 'repeats an earlier record of this file';
}
