// Small WGSL pieces shared by several kernels.

/** The one NaN test of every kernel, on the bit pattern (exponent all ones, mantissa not zero):
 *  drivers may assume floats are never NaN and fold `x != x` to false (Mesa's lavapipe does),
 *  but they cannot fold integer arithmetic. */
export const WGSL_IS_NAN = /* wgsl */ `
fn is_nan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }`;

/** Infinities from their bits at run time (a WGSL constant expression may not be ±inf). */
export const WGSL_INF_BITS = /* wgsl */ `
// Infinities from their bits at run time: a WGSL constant expression may not evaluate to ±inf.
fn f32_from_bits_(b: u32) -> f32 { return bitcast<f32>(b); }
const POS_INF_ = 0x7f800000u;
const NEG_INF_ = 0xff800000u;
`;

/** NaN and infinity from their bits (see WGSL_IS_NAN). */
export const WGSL_FLOAT_BITS = `${WGSL_IS_NAN}${WGSL_INF_BITS}`;

/** WGSL element type of a buffer of the given dtype. */
export function wgslScalar(dtype: 'float32' | 'int32'): 'f32' | 'i32' {
  return dtype === 'int32' ? 'i32' : 'f32';
}

/**
 * Code that turns the flat element index `i` into one offset per layout: peel the axes from
 * the innermost out (i % size, i / size), adding index × stride. Axis 0 needs no modulo.
 * `shape(d)` / `stride(j, d)` name the uniform values for axis d and layout j; offsets are i32
 * when strides may be negative.
 */
export function offsetsFromIndex(
  rank: number,
  layouts: number,
  shape: (d: number) => string,
  stride: (j: number, d: number) => string,
  index = 'i',
  offsetType: 'u32' | 'i32' = 'u32',
  prefix = '',
): string {
  const rest = `${prefix}rest`;
  const lines: string[] = [`  var ${rest} = ${index};`];
  for (let j = 0; j < layouts; j++) lines.push(`  var ${prefix}off${j} = ${offsetType}(0);`);
  for (let d = rank - 1; d >= 0; d--) {
    const c = `${prefix}c${d}`;
    if (d > 0) lines.push(`  let ${c} = ${rest} % ${shape(d)}; ${rest} = ${rest} / ${shape(d)};`);
    else lines.push(`  let ${c} = ${rest};`);
    const ci = offsetType === 'u32' ? c : `i32(${c})`;
    for (let j = 0; j < layouts; j++) lines.push(`  ${prefix}off${j} += ${ci} * ${stride(j, d)};`);
  }
  return lines.join('\n');
}
