// fill: every element gets the same 32-bit pattern (computed on the host, so one kernel serves
// float32 and int32), written as vec4s. Buffers are whole multiples of 16 bytes, so the last
// vec4 never leaves the buffer.
import type { WebGPUBuf } from '../buffer.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { paramsDecl, paramsLets, u32 } from '../params.js';
import type { Runtime } from '../runtime.js';

const slots = [u32('n4'), u32('bits')];

const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> O: array<vec4<u32>>;
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop('n4', '    O[i] = vec4<u32>(bits);')}
}`;

/** The 32-bit pattern of `value` stored as `dtype` (rounded to f32, or truncated to i32). */
export function bitsOf(value: number, dtype: 'float32' | 'int32'): number {
  const word = new DataView(new ArrayBuffer(4));
  if (dtype === 'int32') word.setInt32(0, value, true);
  else word.setFloat32(0, value, true);
  return word.getUint32(0, true);
}

export function encodeFill(rt: Runtime, out: WebGPUBuf, value: number): void {
  if (out.size === 0) return;
  const n4 = Math.ceil(out.size / 4);
  const kernel = rt.variant('fill', () => ({ name: 'fill', source, slots }));
  rt.dispatch(
    kernel,
    { n4, bits: bitsOf(value, out.dtype as 'float32' | 'int32') },
    [out.binding],
    vecWorkgroups(n4),
    rt.profiling ? `fill ${out.size}` : undefined,
  );
}
