// The library in a few lines: the README's tour, run by the tests as it is (npx tsx examples/tour.ts).
import {
  gradcheck,
  memoryStats,
  randn,
  record,
  releaseBackends,
  type Tensor,
  tensor,
  tidy,
  useBackend,
} from 'vae-webgpu';

await useBackend('auto'); // 'webgpu' | 'cpu' | 'auto' ('cpu-reference': the plain reference loops)
const w = randn([3, 2]).requireGrad();
const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const loss = x.matmul(w).relu().square().mean();
loss.backward();
console.log(await loss.item(), await w.grad!.toArray());

// finite differences in float64 on the CPU against the analytic gradient; fn gets float64 CPU
// copies of its inputs, so every tensor it reads is an input (check: which ones to check)
await gradcheck((x, w) => x.matmul(w).tanh().sum(), [x, w], { check: [false, true] });

tidy(() => {
  /* every tensor created here and not returned is freed */
});

// your own op: its name, its inputs, its output (any graph the output had is replaced), the
// tensors its backward needs, and the backward: one gradient per input (3x² dy for x³)
const cube = (x: Tensor) => record('cube', [x], x.pow(3), [x], (dy, [x]) => [dy.mul(x.square().mul(3))]);
await gradcheck((x) => cube(x).sum(), [randn([4])]);
console.log(memoryStats()); // live tensors, buffers and bytes per backend
releaseBackends(); // lets Node exit (frees the GPU device)
