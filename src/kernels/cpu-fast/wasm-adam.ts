// Adam for float32 parameters on the WebAssembly kernel (adam-kernel.ts): chunks of the four
// arrays are copied into the module's memory, updated there, and p, m, v copied back. The
// copies run at memcpy speed; the update itself is what the reference computes, bit for bit.
import type { AdamDesc } from '../backend.js';
import { ADAM_CONSTS } from './adam-kernel.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Elements per kernel call: four arrays of 256 KiB of scratch. */
const CHUNK = 65536;

export function wasmAdam(
  rt: WasmRuntime,
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  d: AdamDesc,
): void {
  // layout (floats): p | g | m | v chunks, then the float64 constants
  const [P, G, M, V, C] = [0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK];
  const mem = rt.floats(C + 2 * ADAM_CONSTS.length);
  const consts: Record<(typeof ADAM_CONSTS)[number], number> = {
    beta1: d.beta1,
    oneMinusBeta1: 1 - d.beta1,
    beta2: d.beta2,
    oneMinusBeta2: 1 - d.beta2,
    bias1: d.bias1,
    bias2: d.bias2,
    eps: d.eps,
    lr: d.lr,
    decay: d.lr * d.weightDecay,
  };
  new Float64Array(mem.buffer, 4 * C, ADAM_CONSTS.length).set(ADAM_CONSTS.map((k) => consts[k]));
  for (let start = 0; start < p.length; start += CHUNK) {
    const len = Math.min(CHUNK, p.length - start),
      end = start + len;
    mem.set(p.subarray(start, end), P);
    mem.set(g.subarray(start, end), G);
    mem.set(m.subarray(start, end), M);
    mem.set(v.subarray(start, end), V);
    // the kernel takes pairs: an odd chunk's last element is paired with a stale neighbour, whose
    // result is not copied back
    rt.adam(4 * P, 4 * G, 4 * M, 4 * V, len + (len % 2), 4 * C);
    p.set(mem.subarray(P, P + len), start);
    m.set(mem.subarray(M, M + len), start);
    v.set(mem.subarray(V, V + len), start);
  }
}
