// A minimal WebAssembly binary writer: just enough to emit our SIMD kernels with no toolchain.
// Instructions are written in WAT's folded form — each op takes its operands' code and returns
// that code followed by its own opcode — so `add(get(x), get(y))` reads like `(f32x4.add ...)`.
// Encodings: the WebAssembly core specification (binary format) and its fixed-width SIMD
// extension (prefix 0xFD, then the SIMD opcode as unsigned LEB128).

/** Bytes of code: an instruction with its operands already pushed before it. */
export type Code = number[];
export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const op =
  (...opcode: number[]) =>
  (...args: Code[]): Code => [...args.flat(), ...opcode];
const simd = (n: number) => op(0xfd, ...uleb(n));
/** A memory access: alignment (log2 bytes) and a constant byte offset added to the address. */
const mem =
  (opcode: number[], align: number) =>
  (offset: number, ...args: Code[]): Code => [...args.flat(), ...opcode, align, ...uleb(offset)];

export const get = (local: number): Code => [0x20, ...uleb(local)];
export const set = (local: number, value: Code): Code => [...value, 0x21, ...uleb(local)];
export const i32 = (v: number): Code => [0x41, ...sleb(v | 0)];

export const I32 = {
  add: op(0x6a),
  sub: op(0x6b),
  mul: op(0x6c),
  and: op(0x71),
  ne: op(0x47),
  ltU: op(0x49),
  geU: op(0x4f),
  eqz: op(0x45),
  load: mem([0x28], 2),
  store: mem([0x36], 2),
};

export const F32 = {
  load: mem([0x2a], 2),
  store: mem([0x38], 2),
};

export const V128 = {
  load: mem([0xfd, ...uleb(0x00)], 4),
  /** One f32 from memory in all four lanes. */
  load32Splat: mem([0xfd, ...uleb(0x09)], 2),
  store: mem([0xfd, ...uleb(0x0b)], 4),
  /** Two f32 (8 bytes) into the low half, zeros above. */
  load64Zero: mem([0xfd, ...uleb(0x5d)], 3),
  /** One f64 from memory in both lanes. */
  load64Splat: mem([0xfd, ...uleb(0x0a)], 3),
  /** Stores 8 bytes: 64-bit lane `lane` of the vector. */
  store64Lane: (offset: number, lane: number, addr: Code, value: Code): Code => [
    ...addr,
    ...value,
    0xfd,
    ...uleb(0x5b),
    3,
    ...uleb(offset),
    lane,
  ],
  zero: (): Code => [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
};

export const F32x4 = {
  splat: simd(0x13),
  abs: simd(0xe0),
  neg: simd(0xe1),
  sqrt: simd(0xe3),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
  /** Both f64 lanes rounded to f32 (to nearest, ties to even) in the two low lanes; zeros above. */
  demoteF64x2Zero: simd(0x5e),
};

export const F64x2 = {
  /** The two low f32 lanes, exactly, as f64. */
  promoteLowF32x4: simd(0x5f),
  sqrt: simd(0xef),
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  div: simd(0xf3),
};

/** Structured control flow; a branch depth counts enclosing blocks/loops outward from 0. */
export const Flow = {
  block: (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b],
  loop: (...body: Code[]): Code => [0x03, 0x40, ...body.flat(), 0x0b],
  if: (cond: Code, ...body: Code[]): Code => [...cond, 0x04, 0x40, ...body.flat(), 0x0b],
  ifElse: (cond: Code, then: Code[], otherwise: Code[]): Code => [
    ...cond,
    0x04,
    0x40,
    ...then.flat(),
    0x05,
    ...otherwise.flat(),
    0x0b,
  ],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number, cond: Code): Code => [...cond, 0x0d, ...uleb(depth)],
};

/** A function under construction: parameters are locals 0..n-1, `local()` adds more. */
export class FunctionBuilder {
  private readonly locals: ValType[] = [];
  private readonly body: Code[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
  ) {}

  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  emit(...code: Code[]): this {
    this.body.push(...code);
    return this;
  }

  /** The function body as the code section encodes it: local declarations, code, `end`. */
  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const bytes = [...uleb(groups.length)];
    for (const [count, t] of groups) bytes.push(...uleb(count), VALTYPE[t]);
    bytes.push(...this.body.flat(), 0x0b);
    return [...uleb(bytes.length), ...bytes];
  }
}

const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
};

/**
 * A module that imports one memory as env.memory and exports each function under its name.
 * Functions return nothing; they read and write the memory.
 */
export function encodeModule(
  functions: readonly FunctionBuilder[],
  opts: { shared?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [VALTYPE[p]])), ...uleb(0)]);
  // memory limits: min 1 page; a shared memory must declare a maximum (65536 pages = 4 GiB)
  const limits = opts.shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(functions.map((f) => f.encode()))),
  ]);
}
