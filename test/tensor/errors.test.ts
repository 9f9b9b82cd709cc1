import { describe, expect, it } from 'vitest';
import {
  Adam,
  arange,
  cosineDecay,
  gradcheck,
  linearWarmup,
  SGD,
  setDefaultFloatDType,
  stepDecay,
  tidy,
  binaryCrossEntropyWithLogits,
  concat,
  full,
  oneHot,
  rand,
  randn,
  tensor,
  useBackend,
  zeros,
} from '../../src/index.js';

describe('bad input gives a clear error', () => {
  it('matmul names the shapes and the inner dimensions', () => {
    expect(() => randn([2, 3]).matmul(randn([2, 2]))).toThrow('matmul: [2,3] @ [2,2]: inner dimensions 3 and 2 differ');
    expect(() => randn([3]).matmul(randn([3, 2]))).toThrow(/at least 2-D/);
  });
  it('reshape, slice, permute, concat, axes', () => {
    expect(() => randn([2, 3]).reshape([4, 2])).toThrow(/cannot reshape .* to \[4,2\]/);
    expect(() => randn([2, 3]).permute([0, 0])).toThrow(/not a permutation/);
    expect(() => randn([2, 3]).sum(2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => randn([2, 3]).slice(1, 2, 1)).toThrow(/slice/);
    expect(() => concat([randn([2, 3]), randn([3, 3])], 1)).toThrow(/concat: .* differ outside axis 1/);
  });
  it('int32 where a float is needed', () => {
    const idx = tensor(new Int32Array([0, 2]));
    expect(() => idx.exp()).toThrow(/exp: .*int32 where a float tensor is needed/);
    expect(() => oneHot(tensor([1, 2]), 3)).toThrow(/oneHot: indices must be int32/);
    expect(() => tensor([1.5], undefined, { dtype: 'int32' })).toThrow(/int32 data must be integers/);
  });
  it('shapes too large or malformed name the op, the bytes and the limit (every creation op)', () => {
    const limit = /more than the cpu(-reference)? backend's largest buffer \(4,294,967,296 bytes\)/;
    expect(() => zeros([1e6, 1e6])).toThrow(
      /^zeros: a float32\[1000000,1000000\] tensor needs 4,000,000,000,000 bytes/,
    );
    for (const make of [() => zeros([1e6, 1e6]), () => full([1e6, 1e6], 2), () => rand([1e6, 1e6])])
      expect(make).toThrow(limit);
    expect(() => randn([1, 1]).expand([1e6, 1e6])).toThrow(/^expand: .*needs/);
    expect(() => randn([1e5, 1]).matmul(randn([1, 1e5]))).toThrow(/^matmul: .*needs 40,000,000,000 bytes/);
    expect(() => arange(0, 1e12)).toThrow(/^arange: a float32\[1000000000000\] tensor needs/);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(/arange: start and end must be finite numbers/);
    expect(() => zeros([-1, 2])).toThrow(/zeros: invalid shape \[-1,2\] \(dimensions must be non-negative integers\)/);
    expect(() => randn([1.5])).toThrow(/randn: invalid shape \[1.5\]/);
    expect(() => tensor([1, 2], [Number.NaN])).toThrow(/tensor: invalid shape \[NaN\]/);
  });
  it('calls a JavaScript user can get wrong (no types to stop them) name the function and the argument', async () => {
    const loose = <T>(f: T) => f as unknown as (...args: unknown[]) => unknown;
    expect(() => new Adam([])).toThrow('Adam: expected a non-empty list of parameters, got []');
    expect(() => new SGD([5 as never], { lr: 0.1 })).toThrow('SGD: parameter 0 is not a tensor (number)');
    expect(() => loose(stepDecay)(0.1)).toThrow(/stepDecay: expected an options object \{ stepSize, gamma\? \}/);
    expect(() => loose(cosineDecay)(0.1)).toThrow(/cosineDecay: expected an options object/);
    expect(() => loose(linearWarmup)(0.1)).toThrow(/linearWarmup: expected an options object/);
    expect(() => loose(linearWarmup)('x', { warmupSteps: 2 })).toThrow(/linearWarmup: expected a learning rate/);
    expect(() => loose(tidy)(5)).toThrow('tidy: expected a function to run, got number');
    await expect(gradcheck((a) => a.sum(), [])).rejects.toThrow(/gradcheck: expected a non-empty list of tensors/);
    expect(() => loose(setDefaultFloatDType)('int32')).toThrow(
      `setDefaultFloatDType: expected 'float32' or 'float64', got "int32"`,
    );
  });
  it('creation and loss arguments', async () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
    expect(() => binaryCrossEntropyWithLogits(randn([2]), randn([2]), { reduction: 'avg' as 'mean' })).toThrow(
      /reduction/,
    );
    await expect(randn([2]).item()).rejects.toThrow(/2 elements, not 1/);
  });
  it('mixing dtypes and unknown backends', async () => {
    const a = tensor([1, 2], undefined, { dtype: 'float64' });
    expect(() => a.add(tensor([1, 2]))).toThrow(/mixed dtypes float64 and float32/);
    await expect(useBackend('tpu' as 'cpu')).rejects.toThrow(/unknown backend 'tpu'/);
  });
});

describe('views and one-hot', () => {
  it('oneHot, concat, slice, permute give the right values', async () => {
    expect(await oneHot(tensor(new Int32Array([2, 0])), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await x.transpose().toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(await x.slice(1, 1).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(await concat([x, x.slice(0, 0, 1)], 0).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(await x.reshape([3, -1]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await x.max(1).toArray()).toEqual([3, 6]);
    expect(await x.sum(0, true).toArray()).toEqual([[5, 7, 9]]);
  });
});

describe('moving between backends', () => {
  it('to() copies data and dtype; mixing backends names both', async () => {
    const { CpuBackend } = await import('../../src/kernels/cpu/cpu-backend.js');
    const other = new CpuBackend();
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = await a.to(other);
    expect(b.backend).toBe(other);
    expect(await b.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => a.add(b)).toThrow(/add: inputs live on different backends .* move them with \.to\(\)/);
    const i = await tensor(new Int32Array([5])).to('cpu');
    expect(i.dtype).toBe('int32');
  });
});
