// The fused Adam(W) step, in place, on vec4s (all four buffers have the same length and are
// whole multiples of 16 bytes, so vec4 access is always in bounds):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  p -= lr (m/bias1) / (sqrt(v/bias2) + eps) + lr wd p
import type { AdamDesc } from '../../backend.js';
import type { WebGPUBuf } from '../buffer.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { f32, paramsDecl, paramsLets, u32, type ParamSlot } from '../params.js';
import type { Runtime } from '../runtime.js';

const slots = [u32('n4'), f32('lr'), f32('beta1'), f32('beta2'), f32('eps'), f32('wd'), f32('bias1'), f32('bias2')];

/** One home for the update of vec4 i of param, m1 and m2 from its gradient g (both kernels call it). */
const STEP = /* wgsl */ `fn step_(i: u32, g: vec4<f32>,
         lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bias1: f32, bias2: f32) {
  let m = beta1 * m1[i] + (1.0 - beta1) * g;
  let v = beta2 * m2[i] + (1.0 - beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  let step = (m / bias1) / (sqrt(v / bias2) + eps);
  let p = param[i];
  param[i] = p - lr * step - lr * wd * p;
}`;

const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m1: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> m2: array<vec4<f32>>;
${STEP}
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop('n4', '    step_(i, grad[i], lr, beta1, beta2, eps, wd, bias1, bias2);')}
}`;

/** The uniforms both kernels share: the hyper-parameters of the step. */
function hyper(n4: number, d: AdamDesc): Record<string, number> {
  const { lr, beta1, beta2, eps, weightDecay: wd, bias1, bias2 } = d;
  return { n4, lr, beta1, beta2, eps, wd, bias1, bias2 };
}

export function encodeAdam(rt: Runtime, p: WebGPUBuf, g: WebGPUBuf, m: WebGPUBuf, v: WebGPUBuf, d: AdamDesc): void {
  for (const b of [p, g, m, v]) {
    if (b.dtype !== 'float32') throw new Error(`adam: buffers must be float32, got ${b.dtype}`);
    if (b.size !== p.size) throw new Error(`adam: buffer sizes differ (${b.size} vs ${p.size})`);
  }
  if (new Set([p, g, m, v]).size !== 4) throw new Error('adam: param, grad, m and v must be four different buffers');
  if (p.size === 0) return;
  const n4 = Math.ceil(p.size / 4);
  const kernel = rt.variant('adam', () => ({ name: 'adam', source, slots }));
  rt.dispatch(
    kernel,
    hyper(n4, d),
    [p.binding, g.binding, m.binding, v.binding],
    vecWorkgroups(n4),
    rt.profiling ? `adam ${p.size}` : undefined,
  );
}

/**
 * The same update for many parameters in one dispatch: the parameters, and each of the two
 * moments, are parts of one allocation (WebGPUBackend.allocParts, with the same layout), bound
 * whole; the gradients are bound one by one (G of them, up to the adapter's storage-buffer limit
 * less three — more take another dispatch). Each vec4 of the allocation finds the part it is in
 * from the part table in the uniforms; the padding between parts is left alone.
 */
function partsKernel(g: number): { name: string; source: string; slots: ParamSlot[] } {
  const partSlots = Array.from({ length: g }, (_, k) => [u32(`s${k}`), u32(`l${k}`)]).flat();
  const kslots = [...slots, u32('base4'), ...partSlots];
  const grads = Array.from(
    { length: g },
    (_, k) => `@group(0) @binding(${4 + k}) var<storage, read> G${k}: array<vec4<f32>>;`,
  );
  const find = Array.from(
    { length: g },
    (_, k) => `    ${k ? 'else ' : ''}if (i >= s${k} && i < s${k} + l${k}) { grad = G${k}[i - s${k}]; hit = true; }`,
  );
  const source = `${paramsDecl(kslots)}
@group(0) @binding(1) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m1: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m2: array<vec4<f32>>;
${grads.join('\n')}
${STEP}
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(kslots)}
${vecLoop(
  'n4',
  [
    '    var grad = vec4<f32>(0.0);',
    '    var hit = false;',
    ...find,
    '    if (hit) { step_(base4 + i, grad, lr, beta1, beta2, eps, wd, bias1, bias2); }',
  ].join('\n'),
)}
}`;
  return { name: `adam_parts_${g}`, source, slots: kslots };
}

export function encodeAdamParts(
  rt: Runtime,
  params: readonly WebGPUBuf[],
  grads: readonly WebGPUBuf[],
  m: readonly WebGPUBuf[],
  v: readonly WebGPUBuf[],
  d: AdamDesc,
): void {
  const n = params.length;
  if (grads.length !== n || m.length !== n || v.length !== n)
    throw new Error(`adam: ${n} parameters but ${grads.length} gradients, ${m.length} and ${v.length} moments`);
  if (n === 0) return;
  const [p0, m0, v0] = [params[0]!, m[0]!, v[0]!];
  for (let i = 0; i < n; i++) {
    const [p, g, mi, vi] = [params[i]!, grads[i]!, m[i]!, v[i]!];
    for (const b of [p, g, mi, vi])
      if (b.dtype !== 'float32') throw new Error(`adam: buffers must be float32, got ${b.dtype}`);
    if (g.size !== p.size || mi.size !== p.size || vi.size !== p.size)
      throw new Error(`adam: parameter ${i}: buffer sizes differ (${p.size}, ${g.size}, ${mi.size}, ${vi.size})`);
    if (!p.shared || p.shared !== p0.shared || mi.shared !== m0.shared || vi.shared !== v0.shared)
      throw new Error('adam: the parameters and each moment must be parts of one allocation (allocParts)');
    if (mi.offset !== p.offset || vi.offset !== p.offset)
      throw new Error(`adam: parameter ${i}: the moments are not laid out like the parameters`);
    if (g.gpuBuffer === p.gpuBuffer || g.gpuBuffer === mi.gpuBuffer || g.gpuBuffer === vi.gpuBuffer)
      throw new Error(`adam: gradient ${i} shares memory with the parameters or moments`);
  }
  if (new Set([p0.gpuBuffer, m0.gpuBuffer, v0.gpuBuffer]).size !== 3)
    throw new Error('adam: parameters, m and v must be three different allocations');
  const per = Math.max(1, rt.device.limits.maxStorageBuffersPerShaderStage - 3);
  for (let first = 0; first < n; first += per) {
    const chunk = Array.from({ length: Math.min(per, n - first) }, (_, j) => first + j);
    const base4 = params[chunk[0]!]!.offset / 16;
    const last = params[chunk.at(-1)!]!;
    const n4 = last.offset / 16 + Math.ceil(last.size / 4) - base4;
    const kernel = rt.variant(`adam|parts|${chunk.length}`, () => partsKernel(chunk.length));
    const table: Record<string, number> = {};
    chunk.forEach((i, k) => {
      table[`s${k}`] = params[i]!.offset / 16 - base4;
      table[`l${k}`] = Math.ceil(params[i]!.size / 4);
    });
    const values = { ...hyper(n4, d), base4, ...table };
    const buffers = [p0.gpuBuffer, m0.gpuBuffer, v0.gpuBuffer, ...chunk.map((i) => grads[i]!.binding)];
    // the profile's label: the elements updated
    const label = rt.profiling ? `adam ${chunk.reduce((s, i) => s + params[i]!.size, 0)}` : undefined;
    rt.dispatch(kernel, values, buffers, vecWorkgroups(n4), label);
  }
}
