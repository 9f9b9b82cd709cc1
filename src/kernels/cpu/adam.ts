// Adam (Kingma & Ba 2015) with decoupled weight decay (AdamW when weightDecay > 0), in place:
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr (m/bias1) / (sqrt(v/bias2) + eps) + lr wd p
import type { AdamDesc } from '../backend.js';
import type { CpuBuf } from './cpu-buffer.js';

export function cpuAdam(param: CpuBuf, grad: CpuBuf, m: CpuBuf, v: CpuBuf, d: AdamDesc): void {
  const p = param.data,
    g = grad.data,
    md = m.data,
    vd = v.data;
  // the loop's index is in bounds of all four (same size): hence the ! on each read
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    md[i] = d.beta1 * md[i]! + (1 - d.beta1) * gi;
    vd[i] = d.beta2 * vd[i]! + (1 - d.beta2) * gi * gi;
    const step = md[i]! / d.bias1 / (Math.sqrt(vd[i]! / d.bias2) + d.eps);
    const pi = p[i]!;
    p[i] = pi - d.lr * step - d.lr * d.weightDecay * pi;
  }
}
