// Counter-based random numbers: element i is a pure function of (seed, i, stream), computed by
// the same Philox4x32-10 as the CPU (philox.ts), so uniforms are bit-identical across backends.
// Normals use Box–Muller on the first two words; f32 log/cos make them agree to ~1e-6, not bits.
import type { RandomDesc } from '../../backend.js';
import { WGSL_PHILOX } from '../../philox.js';
import type { WebGPUBuf } from '../buffer.js';
import { FLAT_WORKGROUP, GRID_BUILTINS, grid1d } from '../grid.js';
import { paramsDecl, paramsLets, u32 } from '../params.js';
import type { KernelSpec, Runtime } from '../runtime.js';

const WG = 64;
const slots = [u32('n'), u32('k0'), u32('k1'), u32('s0'), u32('s1')];

function randomKernel(dist: 'uniform' | 'normal'): KernelSpec {
  const value =
    dist === 'uniform' ? 'bits_to_uniform_(w.x)' : 'uniforms_to_normal_(bits_to_uniform_(w.x), bits_to_uniform_(w.y))';
  const source = `${WGSL_PHILOX}
${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@compute @workgroup_size(${WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
  let i = (${FLAT_WORKGROUP}) * ${WG}u + lid;
  if (i >= n) { return; }
  let w = philox4x32_(vec4<u32>(i, s0, s1, 0u), vec2<u32>(k0, k1));
  O[i] = ${value};
}`;
  return { name: `random_${dist}`, source, slots };
}

export function encodeRandom(rt: Runtime, out: WebGPUBuf, desc: RandomDesc): void {
  if (out.dtype !== 'float32') throw new Error(`random: output must be float32, got ${out.dtype}`);
  if (out.size === 0) return;
  const kernel = rt.variant(`random|${desc.dist}`, () => randomKernel(desc.dist));
  const params = {
    n: out.size,
    k0: desc.seed[0] >>> 0,
    k1: desc.seed[1] >>> 0,
    s0: desc.stream[0] >>> 0,
    s1: desc.stream[1] >>> 0,
  };
  rt.dispatch(
    kernel,
    params,
    [out.binding],
    grid1d(Math.ceil(out.size / WG)),
    rt.profiling ? `random ${desc.dist} ${out.size}` : undefined,
  );
}
