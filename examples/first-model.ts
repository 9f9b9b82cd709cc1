// A first model, the same file in Node and in a page: an MLP learns which points of the square
// lie inside a circle. `npx tsx examples/first-model.ts`, or bundle it for the browser (see
// examples/README.md); WebGPU when there is an adapter, the CPU otherwise.
import { Adam, createRng, crossEntropy, MLP, releaseBackends, tensor, tidy, useBackend } from 'vae-webgpu';

const { name } = await useBackend('auto');
const rng = createRng(0);
const points = Array.from({ length: 512 }, () => [2 * rng.nextFloat() - 1, 2 * rng.nextFloat() - 1]); // in [-1, 1]²
const inside = Int32Array.from(points, ([a = 0, b = 0]) => Number(a * a + b * b < 0.5)); // class 1: in the circle
const [x, labels] = [tensor(points), tensor(inside)]; // [512, 2] floats, [512] int32 class indices

const model = new MLP([2, 32, 2], 'relu'); // 2 inputs -> 32 (ReLU) -> 2 logits
const opt = new Adam(model.parameters(), { lr: 0.02 });
for (let step = 0; step < 300; step++) {
  tidy(() => {
    opt.zeroGrad();
    crossEntropy(model.forward(x), labels).backward(); // tidy frees the step's tensors
    opt.step();
  });
}
const accuracy = tidy(() => model.forward(x).argmax(1).eq(labels).mean());
console.log(`first model on ${name}: ${(100 * (await accuracy.item())).toFixed(1)}% of the points right`);
releaseBackends(); // lets Node exit (frees the GPU device)
