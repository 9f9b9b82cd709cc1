import { describe, expect, it } from 'vitest';
import { Adam, SGD } from '../../src/nn/optim.js';
import { Linear } from '../../src/nn/linear.js';
import { MLP } from '../../src/nn/mlp.js';
import { manualSeed, randn, tensor, tidy } from '../../src/index.js';

describe('nn', () => {
  it('Linear uses PyTorch default init bounds and [out, in] weights', async () => {
    manualSeed(0);
    const l = new Linear(100, 7);
    expect(l.weight.shape).toEqual([7, 100]);
    const w = await l.weight.data();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.09);
    expect(l.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
  });

  it('MLP names parameters by layer', () => {
    const m = new MLP([4, 3, 2]);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(m.parameterCount()).toBe(4 * 3 + 3 + 3 * 2 + 2);
  });

  for (const [name, make] of [
    ['SGD with momentum', (ps: ReturnType<MLP['parameters']>) => new SGD(ps, { lr: 0.05, momentum: 0.9 })],
    ['Adam', (ps: ReturnType<MLP['parameters']>) => new Adam(ps, { lr: 0.01 })],
  ] as const) {
    it(`${name} fits a small regression`, async () => {
      manualSeed(1);
      const net = new MLP([3, 16, 1], 'tanh');
      const opt = make(net.parameters());
      const x = randn([64, 3]);
      const y = x.matmul(tensor([[1], [-2], [0.5]])).tanh();
      const lossAt = () => tidy(() => net.forward(x).sub(y).square().mean());
      const first = await lossAt().item();
      for (let i = 0; i < 200; i++) {
        tidy(() => {
          opt.zeroGrad();
          lossAt().backward();
          opt.step();
        });
      }
      expect(await lossAt().item()).toBeLessThan(first * 0.1);
    });
  }

  it('Adam matches a hand-computed first step', async () => {
    const p = tensor([1, -1], undefined, { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.mul(tensor([3, -0.5]))
      .sum()
      .backward();
    opt.step();
    // first step: m̂ = g, v̂ = g², update = lr * g / (|g| + eps) = ±lr
    const v = await p.data();
    expect(v[0]).toBeCloseTo(0.9, 6);
    expect(v[1]).toBeCloseTo(-0.9, 6);
  });

  it('rejects bad hyperparameters and sizes', () => {
    expect(() => new Linear(0, 3)).toThrow(/inFeatures must be a positive integer/);
    expect(() => new Adam([tensor([1], undefined, { requiresGrad: true })], { lr: -1 })).toThrow(/Adam: lr must be/);
    expect(() => new SGD([tensor([1])], { lr: 1 })).toThrow(/does not require grad/);
  });
});
