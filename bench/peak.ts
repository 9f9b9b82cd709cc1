// The adapter's compute ceiling, measured: a kernel that does nothing but independent fused
// multiply-adds on registers (8 vec4 chains per invocation, so the FMA latency is hidden), with
// one store at the end so the compiler cannot drop the work. GFLOP/s of this = the "100 %" that
// matmul kernels are compared against.
import type { Runtime } from '../src/kernels/webgpu/index.js';
import { paramsDecl, paramsLets, u32 } from '../src/kernels/webgpu/params.js';

const CHAINS = 8;
const slots = [u32('iters')];
const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> O: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
${paramsLets(slots)}
  let s = f32(gid.x) * 1e-9;
${Array.from({ length: CHAINS }, (_, c) => `  var a${c} = vec4<f32>(s + ${c}.0);`).join('\n')}
  let m = vec4<f32>(0.9999);
  let k = vec4<f32>(1e-4);
  for (var i = 0u; i < iters; i++) {
${Array.from({ length: CHAINS }, (_, c) => `    a${c} = fma(a${c}, m, k);`).join('\n')}
  }
  O[gid.x] = ${Array.from({ length: CHAINS }, (_, c) => `a${c}`).join(' + ')};
}`;

/** GFLOP/s of the FMA kernel: the median of `runs` timed dispatches. */
export async function measureFmaPeak(rt: Runtime, runs = 7): Promise<{ gflops: number; ms: number }> {
  const workgroups = 256,
    iters = 2048;
  const threads = workgroups * 64;
  const out = rt.pool.acquire(threads * 16);
  const kernel = rt.kernel('fma_peak', source, slots);
  const flops = threads * iters * CHAINS * 4 * 2; // 4 lanes, 2 flops per FMA
  const times: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const { ms } = await rt.time(() => rt.dispatch(kernel, { iters }, [out], [workgroups, 1, 1]));
    if (r >= 2) times.push(ms); // the first two warm up (compile, caches)
  }
  rt.pool.release(out);
  const ms = median(times);
  return { gflops: flops / ms / 1e6, ms };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const upper = s[mid] ?? NaN;
  return s.length % 2 ? upper : ((s[mid - 1] ?? NaN) + upper) / 2;
}
