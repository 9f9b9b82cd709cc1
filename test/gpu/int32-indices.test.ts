// int32 at the tensor level on WebGPU, beside the CPU: comparisons with a scalar operand,
// oneHot of one label or of a 0-d index (the shapes whose kernels once failed to compile),
// expand of int32, and index validation — at once for indices whose values are on the host,
// at the next readback for indices computed on the device.
import { expect, it } from 'vitest';
import { checkIndices, IndexOutOfRangeError, oneHot, tensor, where } from '../../src/index.js';
import type { Backend } from '../../src/kernels/backend.js';
import { VAE } from '../../src/vae/vae.js';
import { withDefaults } from '../../src/tensor/backends.js';
import { describeWebGPU } from '../helpers/gpu.js';

await describeWebGPU('int32 tensors and index checks on webgpu', (gpu, cpu) => {
  const both: [string, Backend][] = [
    ['webgpu', gpu],
    ['cpu', cpu],
  ];
  const ints = (b: Backend, values: number[], shape?: number[]) =>
    tensor(Int32Array.from(values), shape ?? [values.length], { backend: b });

  it.each(both)('comparisons, oneHot, where and expand on int32 (%s)', async (_, b) => {
    const labels = ints(b, [3, 0, 3, 7, 1]);
    expect(Array.from(await labels.eq(3).data())).toEqual([1, 0, 1, 0, 0]);
    expect(Array.from(await labels.gt(0.5).data())).toEqual([1, 0, 1, 1, 1]);
    expect(Array.from(await tensor([2.5], [1], { backend: b }).lt(labels).data())).toEqual([1, 0, 1, 1, 0]);
    expect(await oneHot(ints(b, [2]), 4).toArray()).toEqual([[0, 0, 1, 0]]);
    expect(await oneHot(ints(b, [1], []), 3).toArray()).toEqual([0, 1, 0]);
    expect(await oneHot(ints(b, [2, 0], [2, 1]), 3).toArray()).toEqual([[[0, 0, 1]], [[1, 0, 0]]]);
    const w = where(ints(b, [0, 5, 0]), tensor([1, 2, 3], [3], { backend: b }), 0);
    expect(Array.from(await w.data())).toEqual([0, 2, 0]);
    const big = ints(b, [2 ** 31 - 1, -(2 ** 31), 16777217], [3, 1]).expand([3, 2]);
    expect(big.dtype).toBe('int32');
    expect(Array.from(await big.data())).toEqual([
      2147483647, 2147483647, -2147483648, -2147483648, 16777217, 16777217,
    ]);
  });

  it.each(both)('labels from the host are checked at once (%s)', (_, b) => {
    expect(() => oneHot(ints(b, [1, 12, 3]), 10)).toThrow(
      /^oneHot: index 12 at position 1 of int32\[3\] is outside \[0, 10\)$/,
    );
    // concat of host labels keeps the host copy: still checked at once
    const model = withDefaults(
      b,
      'float32',
      () => new VAE({ inputDim: 4, hidden: [], latent: 2, likelihood: 'bernoulli', classes: 3 }),
    );
    const x = tensor(new Float32Array(8), [2, 4], { backend: b });
    expect(() => model.elbo(x, { y: ints(b, [0, -1]) })).toThrow(
      /^CVAE.encode: label -1 at position 1 of int32\[2\] is outside \[0, 3\)$/,
    );
  });

  it('indices computed on the device: the error comes at the next readback, naming op, value, position', async () => {
    const computed = ints(gpu, [9, 1, 2, 40, 5, 7], [2, 3]).slice(0, 1, 2); // values [40, 5, 7], on the device only
    const hot = oneHot(computed, 10); // no throw yet: the values are on the device
    const err = await hot.data().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IndexOutOfRangeError);
    expect((err as Error).message).toBe('oneHot: index 40 at position [0,0] of int32[1,3] is outside [0, 10)');
    // the failed check is reported once; the backend keeps working
    const fine = ints(gpu, [9, 1, 2, 4, 5, 7]).slice(0, 3, 6);
    checkIndices('gather', fine, 8);
    expect(Array.from(await oneHot(fine, 8).sum(0).data())).toEqual([0, 0, 0, 0, 1, 1, 0, 1]);
    // a negative value at a later position, and the first of several bad values is the one named
    const neg = ints(gpu, [0, 1, 2, 3, -7, 2, -9]).slice(0, 1);
    const before = gpu.stats().buffers;
    checkIndices('indexSelect', neg, 4);
    expect(gpu.stats().buffers).toBe(before + 1); // the flag, until the next readback
    await expect(gpu.finish()).rejects.toThrow(
      /^indexSelect: index -7 at position 3 of int32\[6\] is outside \[0, 4\)$/,
    );
    expect(gpu.stats().buffers).toBe(before); // read and freed
  });
});
