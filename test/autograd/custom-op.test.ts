// Ops users write with record(): the typed saved tuple, the forward run under noGrad, and a
// clear error (op, input, shapes) for every way a backward can return the wrong thing, with
// nothing leaked and no gradient half-accumulated when it does.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { gradcheck, memoryStats, randn, record, tensor, tidy, type Tensor } from '../../src/index.js';

/** y = a * b with the given backward: the shell every case below shares. */
function product(backward: (dy: Tensor, a: Tensor, b: Tensor) => unknown) {
  return (a: Tensor, b: Tensor) =>
    record(
      'product',
      [a, b],
      () => a.mul(b),
      [a, b],
      (dy, [a, b]) => backward(dy, a, b) as [Tensor, Tensor],
    );
}

/** Runs f(a, b).sum().backward() on fresh [2,3] leaves; returns the error and the leaves. */
function backwardError(f: (a: Tensor, b: Tensor) => Tensor): { error: Error; a: Tensor; b: Tensor } {
  const a = randn([2, 3]).requireGrad();
  const b = randn([2, 3]).requireGrad();
  const before = memoryStats();
  let error: unknown;
  tidy(() => {
    try {
      f(a, b).sum().backward();
    } catch (e) {
      error = e;
    }
  });
  expect(error).toBeInstanceOf(Error);
  expect(memoryStats()).toEqual(before); // the tensors the bad backward made are freed
  expect(a.grad).toBeNull(); // and no input got a partial gradient
  expect(b.grad).toBeNull();
  return { error: error as Error, a, b };
}

describe('record: writing an op', () => {
  it('types the saved tuple, runs a function forward under noGrad, and passes gradcheck', async () => {
    // y = x³ + x w;  dx = (3x² + w) dy,  dw = x dy
    const f = (x: Tensor, w: Tensor) =>
      record(
        'cubePlus',
        [x, w],
        () => x.pow(3).add(x.mul(w)),
        [x, w],
        (dy, [x, w], needs) => [needs[0] ? dy.mul(x.square().mul(3).add(w)) : null, needs[1] ? dy.mul(x) : null],
      );
    const x = randn([3]).requireGrad();
    const y = f(x, randn([3]));
    expect(y.node?.op).toBe('cubePlus');
    expect(y.node?.parents.filter((p) => p !== null)).toHaveLength(1);
    y.dispose();
    await gradcheck((x, w) => f(x, w).sum(), [randn([4]), randn([4])]);
  });

  it('replaces the graph of an output computed with recording ops, leaking nothing', async () => {
    const x = tensor([1, 2, 3]).requireGrad();
    const before = memoryStats();
    tidy(() => {
      const y = record('twice', [x], x.square().mul(2), [], (dy) => [dy.mul(99)]);
      expect(y.node?.op).toBe('twice');
      y.sum().backward();
    });
    expect([...(await x.grad!.data())]).toEqual([99, 99, 99]);
    x.zeroGrad();
    expect(memoryStats()).toEqual(before);
  });

  it('refuses an output that is one of its inputs', () => {
    const x = tensor([1, 2]).requireGrad();
    expect(() => record('same', [x], x, [], (dy) => [dy])).toThrow(/record\('same'\): the output is one of the inputs/);
  });

  it('a backward may return its incoming gradient, a saved tensor or a constant', async () => {
    const k = tensor([5, 5]);
    const x = tensor([1, 2]).requireGrad();
    const w = tensor([3, 4]).requireGrad();
    const c = tensor([7, 8]).requireGrad();
    // d/dx = dy, d/dw = the saved x, d/dc = a tensor captured from outside
    const y = record(
      'passThrough',
      [x, w, c],
      () => x.add(w).add(c),
      [x],
      (dy, [x]) => [dy, x, k],
    );
    y.sum().backward();
    y.dispose();
    expect([...(await x.grad!.data())]).toEqual([1, 1]);
    expect([...(await w.grad!.data())]).toEqual([1, 2]);
    expect([...(await c.grad!.data())]).toEqual([5, 5]);
    expect(k.isDisposed).toBe(false);
    expect(x.isDisposed).toBe(false);
  });
});

describe('record: a backward that returns the wrong thing is named', () => {
  it('nothing', () => {
    const { error } = backwardError(product(() => undefined));
    expect(error.message).toMatch(
      /^backward of 'product' returned undefined; it must return an array with one gradient .* per input: 2 in all$/,
    );
  });

  it('a tensor instead of an array', () => {
    const { error } = backwardError(product((dy, a) => dy.mul(a)));
    expect(error.message).toMatch(
      /backward of 'product' returned a tensor #\d+ float32\[2,3\]; it must return an array/,
    );
  });

  it('too few and too many gradients', () => {
    expect(backwardError(product((dy, a) => [dy.mul(a)])).error.message).toMatch(
      /backward of 'product' returned 1 gradients for its 2 inputs \(float32\[2,3\], float32\[2,3\]\)/,
    );
    expect(backwardError(product((dy, a, b) => [dy.mul(b), dy.mul(a), dy])).error.message).toMatch(
      /backward of 'product' returned 3 gradients for its 2 inputs/,
    );
  });

  it('a gradient of the wrong shape, naming the input and both shapes', () => {
    const { error, b } = backwardError(product((dy, a) => [dy.mul(a), dy.sum(0)]));
    expect(error.message).toBe(
      `backward of 'product' returned a gradient float32[3] on cpu for input 1 (#${b.id} float32[2,3] on cpu): ` +
        'a gradient must have the shape, dtype and backend of its input',
    );
  });

  it('a gradient of the wrong dtype', () => {
    const { error } = backwardError(
      product((dy, _a, b) => [dy.mul(b), tensor(new Float64Array(6), [2, 3], { dtype: 'float64' })]),
    );
    expect(error.message).toMatch(
      /returned a gradient float64\[2,3\] on cpu for input 1 \(#\d+ float32\[2,3\] on cpu\)/,
    );
  });

  it('a gradient on another backend', () => {
    const other = new CpuBackend();
    const { error } = backwardError(
      product((dy, _a, b) => [dy.mul(b), tensor(new Float32Array(6), [2, 3], { backend: other })]),
    );
    expect(error.message).toMatch(/returned a gradient float32\[2,3\] on cpu for input 1 .*shape, dtype and backend/);
  });

  it('something that is not a tensor, or a disposed one', () => {
    expect(backwardError(product((dy, a) => [dy.mul(a), 0])).error.message).toMatch(
      /returned a number as the gradient of input 1 \(#\d+ float32\[2,3\] on cpu\); expected a tensor of shape \[2,3\]/,
    );
    expect(backwardError(product((dy, a) => [dy.mul(a), undefined])).error.message).toMatch(
      /returned undefined as the gradient of input 1/,
    );
    const gone = tensor(new Float32Array(6), [2, 3]);
    gone.dispose();
    expect(backwardError(product((dy, a) => [dy.mul(a), gone])).error.message).toMatch(
      /returned a disposed tensor #\d+ float32\[2,3\] as the gradient of input 1/,
    );
  });

  it('the wrong count is a type error too', () => {
    const x = tensor([1, 2]).requireGrad();
    const twoGrads = (dy: Tensor): [Tensor, Tensor] => [dy, dy];
    // @ts-expect-error one input, two gradients
    const y = record('two', [x], () => x.mul(2), [], twoGrads);
    expect(() => y.sum().backward()).toThrow(/backward of 'two' returned 2 gradients for its 1 inputs/);
    y.dispose();
  });
});
