// The same four-lane sum for the two element types, kept as two functions so that each sees one array type in the
// inner loops of the fit and the assignment (V8 optimises a function for the element kinds it meets). Their five
// parameters stay positional: they run millions of times per analysis, and an options object per call would cost.

/** Σ a[aOffset + i] · b[bOffset + i] for i < length, four lanes at a time. */
export function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[aOffset + i]! * b[bOffset + i]!;
    s1 += a[aOffset + i + 1]! * b[bOffset + i + 1]!;
    s2 += a[aOffset + i + 2]! * b[bOffset + i + 2]!;
    s3 += a[aOffset + i + 3]! * b[bOffset + i + 3]!;
  }
  for (; i < length; i++) s0 += a[aOffset + i]! * b[bOffset + i]!;
  return s0 + s1 + s2 + s3;
}

/** Σ a[aOffset + i] · b[bOffset + i] for i < length, four lanes at a time, over 32-bit floats. */
export function dot32(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[aOffset + i]! * b[bOffset + i]!;
    s1 += a[aOffset + i + 1]! * b[bOffset + i + 1]!;
    s2 += a[aOffset + i + 2]! * b[bOffset + i + 2]!;
    s3 += a[aOffset + i + 3]! * b[bOffset + i + 3]!;
  }
  for (; i < length; i++) s0 += a[aOffset + i]! * b[bOffset + i]!;
  return s0 + s1 + s2 + s3;
}

/** Lanes of `dot` and `dot32`: index i is summed in lane i % 4, the indices after the last whole group of four in lane 0. */
export const LANES = 4;

/**
 * The order `dot` and `dot32` add indices 0 .. length - 1 in, lane by lane (`order`), lane l's indices at
 * `order[laneStart[l] .. laneStart[l + 1])`: what a kernel summing each lane separately must follow to give the same
 * sums to the bit.
 *
 * @example
 * laneOrder(6) // { order: [0, 4, 5, 1, 2, 3], laneStart: [0, 3, 4, 5, 6] }
 */
export function laneOrder(length: number): { order: Int32Array; laneStart: Int32Array } {
  const whole = length - (length % LANES);
  const order = new Int32Array(length);
  const laneStart = new Int32Array(LANES + 1);
  let at = 0;
  for (let lane = 0; lane < LANES; lane++) {
    for (let i = lane; i < whole; i += LANES) order[at++] = i;
    if (lane === 0) for (let i = whole; i < length; i++) order[at++] = i;
    laneStart[lane + 1] = at;
  }
  return { order, laneStart };
}
