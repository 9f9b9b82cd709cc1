// The fused Adam(W) step, in place, on vec4s (all four buffers have the same length and are
// whole multiples of 16 bytes, so vec4 access is always in bounds):
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g²;  p -= lr (m/bias1) / (sqrt(v/bias2) + eps) + lr wd p
import type { AdamDesc } from '../../backend.js';
import type { WebGPUBuf } from '../buffer.js';
import { GRID_BUILTINS, VEC_WG, vecLoop, vecWorkgroups } from '../grid.js';
import { f32, paramsDecl, paramsLets, u32 } from '../params.js';
import type { Runtime } from '../runtime.js';

const slots = [u32('n4'), f32('lr'), f32('beta1'), f32('beta2'), f32('eps'), f32('wd'), f32('bias1'), f32('bias2')];

const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m1: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> m2: array<vec4<f32>>;
fn step_(i: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bias1: f32, bias2: f32) {
  let g = grad[i];
  let m = beta1 * m1[i] + (1.0 - beta1) * g;
  let v = beta2 * m2[i] + (1.0 - beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  let step = (m / bias1) / (sqrt(v / bias2) + eps);
  let p = param[i];
  param[i] = p - lr * step - lr * wd * p;
}
@compute @workgroup_size(${VEC_WG})
fn main(${GRID_BUILTINS}) {
${paramsLets(slots)}
${vecLoop('n4', '    step_(i, lr, beta1, beta2, eps, wd, bias1, bias2);')}
}`;

export function encodeAdam(rt: Runtime, p: WebGPUBuf, g: WebGPUBuf, m: WebGPUBuf, v: WebGPUBuf, d: AdamDesc): void {
  for (const b of [p, g, m, v]) {
    if (b.dtype !== 'float32') throw new Error(`adam: buffers must be float32, got ${b.dtype}`);
    if (b.size !== p.size) throw new Error(`adam: buffer sizes differ (${b.size} vs ${p.size})`);
  }
  if (new Set([p, g, m, v]).size !== 4) throw new Error('adam: param, grad, m and v must be four different buffers');
  if (p.size === 0) return;
  const n4 = Math.ceil(p.size / 4);
  const kernel = rt.variant('adam', () => ({ name: 'adam', source, slots }));
  const params = {
    n4,
    lr: d.lr,
    beta1: d.beta1,
    beta2: d.beta2,
    eps: d.eps,
    wd: d.weightDecay,
    bias1: d.bias1,
    bias2: d.bias2,
  };
  rt.dispatch(
    kernel,
    params,
    [p.gpuBuffer, g.gpuBuffer, m.gpuBuffer, v.gpuBuffer],
    vecWorkgroups(n4),
    rt.profiling ? `adam ${p.size}` : undefined,
  );
}
