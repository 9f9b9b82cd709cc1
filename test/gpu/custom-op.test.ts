// A custom op whose backward hands back a gradient on the wrong device gets an error naming the
// op, the input and both backends (the CPU-only cases are in test/autograd/custom-op.test.ts).
import { expect, it } from 'vitest';
import { memoryStats, record, tensor, tidy, type Tensor } from '../../src/index.js';
import { describeWebGPU } from '../helpers/gpu.js';

await describeWebGPU('record on WebGPU', (gpu, cpu) => {
  it('names a gradient that comes back on another backend', () => {
    const x = tensor([1, 2, 3], [3], { backend: gpu }).requireGrad();
    const live = () => {
      const { tensors, buffers, bytes } = memoryStats();
      return { tensors, buffers, bytes };
    };
    const before = live();
    const onCpu = (x: Tensor) =>
      record(
        'toHost',
        [x],
        () => x.mul(2),
        [],
        () => [tensor([2, 2, 2], [3], { backend: cpu })],
      );
    expect(() => tidy(() => onCpu(x).sum().backward())).toThrow(
      `backward of 'toHost' returned a gradient float32[3] on cpu for input 0 (#${x.id} float32[3] on webgpu): ` +
        'a gradient must have the shape, dtype and backend of its input',
    );
    expect(live()).toEqual(before);
    expect(x.grad).toBeNull();
    x.dispose();
  });
});
