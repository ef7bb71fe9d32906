/**
 * `out[c] = Σ weights[p] · projection[rows[p] + c]` for a sparse row, in WebAssembly SIMD: two doubles per
 * instruction, `KERNEL_BLOCK` dimensions summed in registers per pass over the features. Every lane adds its products in
 * feature order, in doubles, exactly as a plain JavaScript loop would, so the results are identical to the bit;
 * only faster (the projection is the hot loop of assigning a million questions).
 *
 * Memory holds doubles; `rows` are byte addresses of projection rows, `weights` doubles, `out` receives
 * `blocks * KERNEL_BLOCK` doubles (rows are padded to a whole number of blocks with zeros).
 */
export interface LatentProjectionKernel {
  memory: WasmMemory;
  project(rows: number, weights: number, count: number, blocks: number, out: number): void;
}

/** The WebAssembly memory as far as the kernel's users need it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

// The few WebAssembly globals used here (the project's type libraries do not declare them).
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

// Instruction bytes (WebAssembly core and SIMD opcodes), named so the function below reads as its text format.
const I32 = 0x7f;
const V128 = 0x7b;
const LOOP = [0x03, 0x40];
const BLOCK = [0x02, 0x40];
const END = 0x0b;
const BR_IF = (depth: number): number[] => [0x0d, depth];
const GET = (local: number): number[] => [0x20, local];
const SET = (local: number): number[] => [0x21, local];
const TEE = (local: number): number[] => [0x22, local];
const I32_CONST = (value: number): number[] => [0x41, ...signedLeb(value)];
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_LT_U = 0x49;
const I32_EQZ = 0x45;
const I32_LOAD = [0x28, 2, 0];
const F64_LOAD = [0x2b, 3, 0];
const V128_LOAD = (offset: number): number[] => [0xfd, 0x00, 3, offset];
const V128_STORE = (offset: number): number[] => [0xfd, 0x0b, 3, offset];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F64X2_SPLAT = [0xfd, 0x14];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_MUL = [0xfd, 0xf2, 0x01];

// Parameters, then locals.
const ROWS = 0;
const WEIGHTS = 1;
const COUNT = 2;
const BLOCKS = 3;
const OUT = 4;
const BLOCK_INDEX = 5;
const FEATURE = 6;
const OFFSET = 7;
const AT = 8;
const WEIGHT = 9;
/** Sixteen dimensions per pass: eight registers of two doubles. */
const SUMS = [10, 11, 12, 13, 14, 15, 16, 17];
export const KERNEL_BLOCK = 2 * SUMS.length;

function projectBody(): number[] {
  return [
    ...[2, 4, I32, 1 + SUMS.length, V128], // locals: 4 i32, then the weight and the sums
    ...LOOP, // each block of KERNEL_BLOCK dimensions
    ...SUMS.flatMap((sum) => [...V128_ZERO, ...SET(sum)]),
    ...I32_CONST(0),
    ...SET(FEATURE),
    ...BLOCK,
    ...GET(COUNT),
    I32_EQZ,
    ...BR_IF(0),
    ...LOOP, // each feature
    ...GET(WEIGHTS),
    ...GET(FEATURE),
    ...I32_CONST(3),
    I32_SHL,
    I32_ADD,
    ...F64_LOAD,
    ...F64X2_SPLAT,
    ...SET(WEIGHT),
    ...GET(ROWS),
    ...GET(FEATURE),
    ...I32_CONST(2),
    I32_SHL,
    I32_ADD,
    ...I32_LOAD,
    ...GET(OFFSET),
    I32_ADD,
    ...SET(AT),
    ...SUMS.flatMap((sum, lane) => [...GET(sum), ...GET(WEIGHT), ...GET(AT), ...V128_LOAD(16 * lane), ...F64X2_MUL, ...F64X2_ADD, ...SET(sum)]),
    ...GET(FEATURE),
    ...I32_CONST(1),
    I32_ADD,
    ...TEE(FEATURE),
    ...GET(COUNT),
    I32_LT_U,
    ...BR_IF(0),
    END,
    END,
    ...SUMS.flatMap((sum, lane) => [...GET(OUT), ...GET(OFFSET), I32_ADD, ...GET(sum), ...V128_STORE(16 * lane)]),
    ...GET(OFFSET),
    ...I32_CONST(8 * KERNEL_BLOCK),
    I32_ADD,
    ...SET(OFFSET),
    ...GET(BLOCK_INDEX),
    ...I32_CONST(1),
    I32_ADD,
    ...TEE(BLOCK_INDEX),
    ...GET(BLOCKS),
    I32_LT_U,
    ...BR_IF(0),
    END,
    END,
  ];
}

function moduleBytes(): Uint8Array {
  const name = (text: string): number[] => [text.length, ...Buffer.from(text, 'utf8')];
  const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb(content.length), ...content];
  const body = projectBody();
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 x 5) -> ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]), // import env.memory, at least 1 page
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...name('project'), 0x00, 0]), // export it
    ...section(10, [1, ...unsignedLeb(body.length), ...body]),
  ]);
}

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

let compiled: object | undefined | null;

/** A kernel with its own memory of at least `bytes`, or undefined where WebAssembly SIMD is not available. */
export function createLatentProjectionKernel(bytes: number): LatentProjectionKernel | undefined {
  if (compiled === undefined) {
    const code = moduleBytes();
    compiled = WebAssembly.validate(code) ? new WebAssembly.Module(code) : null;
  }
  if (compiled === null) return undefined;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  const project = instance.exports['project'] as LatentProjectionKernel['project'];
  return { memory, project };
}
