/** Compressed sparse rows: row i's entries are `columns[rowStart[i] .. rowStart[i+1])` with their `values`. */
export interface SparseMatrix {
  rows: number;
  columns: number;
  rowStart: Int32Array;
  columnIndex: Int32Array;
  values: Float32Array;
}

/** `A · M` for a dense row-major `M` (A.columns x width): a dense row-major (A.rows x width) result. */
export function multiplySparseDense(a: SparseMatrix, m: Float64Array, width: number): Float64Array {
  const out = new Float64Array(a.rows * width);
  for (let i = 0; i < a.rows; i++) {
    const base = i * width;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const value = a.values[p]!;
      const source = a.columnIndex[p]! * width;
      for (let c = 0; c < width; c++) out[base + c]! += value * m[source + c]!;
    }
  }
  return out;
}

/** `Aᵀ · M` for a dense row-major `M` (A.rows x width): a dense row-major (A.columns x width) result. */
export function multiplySparseTransposeDense(a: SparseMatrix, m: Float64Array, width: number): Float64Array {
  const out = new Float64Array(a.columns * width);
  for (let i = 0; i < a.rows; i++) {
    const source = i * width;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const value = a.values[p]!;
      const target = a.columnIndex[p]! * width;
      for (let c = 0; c < width; c++) out[target + c]! += value * m[source + c]!;
    }
  }
  return out;
}
