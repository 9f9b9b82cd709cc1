import type { RandomDesc } from '../backend.js';
import { bitsToUniform, philox4x32, uniformsToNormal } from '../philox.js';
import type { CpuBuf } from './cpu-buffer.js';

export function cpuRandom(out: CpuBuf, desc: RandomDesc): void {
  const [k0, k1] = desc.seed;
  const [s0, s1] = desc.stream;
  const o = out.data;
  for (let i = 0; i < o.length; i++) {
    const [w0, w1] = philox4x32(i, s0, s1, 0, k0, k1);
    o[i] = desc.dist === 'uniform' ? bitsToUniform(w0) : uniformsToNormal(bitsToUniform(w0), bitsToUniform(w1));
  }
}
