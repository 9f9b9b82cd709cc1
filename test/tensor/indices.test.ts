// Index validation (checkIndices) on the CPU backend: oneHot and the CVAE's labels refuse an
// index outside [0, n), naming the op, the value and its position — never an all-zero row.
import { describe, expect, it } from 'vitest';
import { checkIndices, IndexOutOfRangeError, oneHot, tensor, zeros } from '../../src/index.js';
import { VAE } from '../../src/vae/vae.js';

const ints = (values: number[], shape?: number[]) => tensor(Int32Array.from(values), shape ?? [values.length]);

describe('checkIndices on the cpu', () => {
  it('oneHot refuses an index outside [0, n), naming the value and its position', async () => {
    expect(() => oneHot(ints([1, 0, 12, 3]), 10)).toThrow(
      /^oneHot: index 12 at position 2 of int32\[4\] is outside \[0, 10\)$/,
    );
    expect(() => oneHot(ints([1, -1]), 10)).toThrow(
      /oneHot: index -1 at position 1 of int32\[2\] is outside \[0, 10\)/,
    );
    expect(() => oneHot(ints([0, 1, 2, 3, 4, 10], [2, 3]), 10)).toThrow(
      /oneHot: index 10 at position \[1,2\] of int32\[2,3\] is outside \[0, 10\)/,
    );
    // in range: the one-hot rows as before
    expect(await oneHot(ints([2, 0]), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });

  it('checks indices computed by ops (no host copy) as well as uploaded ones', () => {
    const computed = ints([0, 5, 99, 1]).slice(0, 1, 4); // a copy kernel's output
    expect(() => oneHot(computed, 10)).toThrow(/oneHot: index 99 at position 1 of int32\[3\]/);
    const filled = zeros([3], { dtype: 'int32' }).reshape([3]);
    expect(() => oneHot(filled, 1)).not.toThrow();
  });

  it('the error carries the op, value, position and limit', () => {
    try {
      checkIndices('gather', ints([4, 7], [1, 2]), 5, 'index');
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(IndexOutOfRangeError);
      const err = e as IndexOutOfRangeError;
      expect([err.op, err.value, err.position, err.limit]).toEqual(['gather', 7, [0, 1], 5]);
    }
    expect(() => checkIndices('gather', tensor([1.5]), 5)).toThrow(
      /^gather: indices must be int32, got #\d+ float32\[1\]$/,
    );
  });

  it('a CVAE refuses an out-of-range label in encode, decode, prior and sample', () => {
    const model = new VAE({
      inputDim: 4,
      hidden: [3],
      latent: 2,
      likelihood: 'bernoulli',
      classes: 10,
      prior: 'learned',
    });
    const x = zeros([4, 4]);
    const y = ints([1, 2, 10, 3]);
    expect(() => model.elbo(x, { y })).toThrow(
      /^CVAE.encode: label 10 at position 2 of int32\[4\] is outside \[0, 10\)$/,
    );
    expect(() => model.decode(zeros([4, 2]), ints([0, -3, 1, 1]))).toThrow(/CVAE.decode: label -3 at position 1/);
    expect(() => model.prior(ints([11]))).toThrow(/CVAE.prior: label 11 at position 0/);
    expect(() => model.sample(2, ints([0, 10]))).toThrow(/CVAE.prior: label 10 at position 1/);
  });
});
