import { describe, expect, it } from 'vitest';
import { manualSeed, memoryStats, noGrad, randn, tensor, tidy, zeros } from '../../src/index.js';

describe('autograd semantics', () => {
  it('accumulates gradients across backward calls until zeroGrad', async () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(3).sum().backward();
    expect([...(await x.grad!.data())]).toEqual([5, 7, 9]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('handles a tensor used twice and diamonds in the graph', async () => {
    const x = tensor([2], undefined, { requiresGrad: true });
    const y = x.add(x); // dy/dx = 2
    const z = y.mul(y).add(y); // z = 4x² + 2x, dz/dx = 8x + 2 = 18
    z.sum().backward();
    expect(await x.grad!.item()).toBe(18);
  });

  it('detach and noGrad cut the graph', async () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(x.detach().mul(2).requiresGrad).toBe(false);
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    const y = x.mul(x.detach()).sum(); // d/dx = x (the detached factor is a constant)
    y.backward();
    expect([...(await x.grad!.data())]).toEqual([1, 2]);
  });

  it('backward with an explicit seed gradient on a non-scalar', async () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    x.square().backward(tensor([1, 0, 2]));
    expect([...(await x.grad!.data())]).toEqual([2, 0, 12]);
  });

  it('clear errors for misuse', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/not a scalar; pass a seed gradient of shape \[2\]/);
    expect(() => tensor([1]).mul(2).backward()).toThrow(/does not require grad/);
    const y = x.square().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/already used by an earlier backward/);
    expect(() => tensor(new Int32Array([1, 2])).requireGrad()).toThrow(/int32/);
  });

  it('the graph survives tidy disposing its intermediates, until backward', async () => {
    const x = tensor([3], undefined, { requiresGrad: true });
    const loss = tidy(() => x.exp().mul(x).sum());
    loss.backward(); // d/dx x e^x = (x+1) e^x
    expect(await x.grad!.item()).toBeCloseTo(4 * Math.exp(3), 2);
  });
});

describe('memory', () => {
  it('tidy around forward + backward leaves memoryStats as it was', async () => {
    manualSeed(0);
    const w = randn([8, 4]).requireGrad();
    const b = zeros([4]).requireGrad();
    const x = randn([16, 8]);
    // one step first, so .grad exists before the measured ones
    const step = () =>
      tidy(() => {
        w.zeroGrad();
        b.zeroGrad();
        const loss = x.matmul(w).add(b).relu().square().mean().add(x.softmax(1).logsumexp(1).sum());
        loss.backward();
      });
    step();
    const before = memoryStats();
    for (let i = 0; i < 5; i++) step();
    expect(memoryStats()).toEqual(before);
  });

  it('disposing every output of an unused graph frees its saved tensors', () => {
    const w = randn([4, 4]).requireGrad();
    const before = memoryStats();
    tidy(() => {
      w.matmul(w).exp().sum();
    }); // a graph nobody calls backward on
    expect(memoryStats()).toEqual(before);
  });

  it('a disposed tensor cannot be used, and says so', () => {
    const x = randn([2]);
    x.dispose();
    x.dispose(); // twice is fine
    expect(() => x.add(1)).toThrow(/used after dispose/);
  });

  it('tidy disposes what it created when fn throws', () => {
    const before = memoryStats();
    expect(() =>
      tidy(() => {
        randn([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memoryStats()).toEqual(before);
  });
});
