// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11):
// a counter-based generator, bits = f(key, counter), pure 32-bit integer arithmetic.
// Element i of a random call draws from counter (i, stream0, stream1, 0) under key = seed, so
// every element is independent of every other and of the order in which they are computed,
// and the CPU and the GPU produce identical bits.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The high and low 32 bits of the 64-bit product a*b, from 16-bit halves (WGSL has no u64). */
function mulHiLo(a: number, b: number): [number, number] {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
  const lo = Math.imul(a, b) >>> 0;
  return [hi, lo];
}

/** Ten Philox rounds: four u32 words of random bits. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
): [number, number, number, number] {
  let x0 = c0 >>> 0,
    x1 = c1 >>> 0,
    x2 = c2 >>> 0,
    x3 = c3 >>> 0;
  let key0 = k0 >>> 0,
    key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const [hi0, lo0] = mulHiLo(M0, x0);
    const [hi1, lo1] = mulHiLo(M1, x2);
    const n0 = (hi1 ^ x1 ^ key0) >>> 0;
    const n2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = n0;
    x1 = lo1;
    x2 = n2;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** 23 random bits + 1/2, scaled into (0, 1): exact in float32, never 0 or 1. */
export function bitsToUniform(bits: number): number {
  return ((bits >>> 9) + 0.5) * 2 ** -23;
}

/** Box–Muller from two uniforms: one standard normal draw. */
export function uniformsToNormal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The same generator in WGSL; the WebGPU random kernel prepends it. */
export const WGSL_PHILOX = /* wgsl */ `
fn mulhilo_(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu; let ah = a >> 16u;
  let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl; let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}
fn philox4x32_(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c;
  var key = k;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let p0 = mulhilo_(0xd2511f53u, x.x);
    let p1 = mulhilo_(0xcd9e8d57u, x.z);
    x = vec4<u32>(p1.x ^ x.y ^ key.x, p1.y, p0.x ^ x.w ^ key.y, p0.y);
    key = key + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}
fn bits_to_uniform_(b: u32) -> f32 {
  return (f32(b >> 9u) + 0.5) * 1.1920928955078125e-7;
}
fn uniforms_to_normal_(u1: f32, u2: f32) -> f32 {
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
`;
