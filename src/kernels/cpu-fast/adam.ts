// Adam for float32 parameters: the reference's update (cpu/adam.ts), term for term, with the
// constants hoisted and m and v kept in locals after their float32 rounding (Math.fround), so
// the results are bit-identical to the reference while the loop only ever sees Float32Arrays.
import type { AdamDesc } from '../backend.js';

export function fastAdam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, d: AdamDesc): void {
  const { beta1, beta2, bias1, bias2, eps, lr } = d;
  const c1 = 1 - beta1,
    c2 = 1 - beta2,
    decay = lr * d.weightDecay;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = Math.fround(beta1 * m[i]! + c1 * gi);
    const vi = Math.fround(beta2 * v[i]! + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    const step = mi / bias1 / (Math.sqrt(vi / bias2) + eps);
    const pi = p[i]!;
    p[i] = pi - lr * step - decay * pi;
  }
}
