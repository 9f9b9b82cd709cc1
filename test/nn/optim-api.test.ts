// The optimizer surface a PyTorch user expects: lr settable between steps, the state in
// stateDict form (lr included) and back, schedules, and clipGradNorm.
import { describe, expect, it } from 'vitest';
import {
  Adam,
  clipGradNorm,
  cosineDecay,
  linearWarmup,
  MLP,
  manualSeed,
  memoryStats,
  randn,
  SGD,
  stepDecay,
  tensor,
  tidy,
  type Optimizer,
} from '../../src/index.js';

/** One step of a fixed quadratic loss, sum((p - target)²), through the optimizer. */
function stepOn(p: ReturnType<typeof tensor>, opt: Optimizer): void {
  tidy(() => {
    opt.zeroGrad();
    p.sub(tensor([1, 2, 3]))
      .square()
      .sum()
      .backward();
    opt.step();
  });
}

describe('lr', () => {
  it('is read at every step and may change between steps (SGD, by hand)', async () => {
    const p = tensor([0, 0, 0], undefined, { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    stepOn(p, opt); // g = 2 (p - t) = [-2, -4, -6]
    expect(Array.from(await p.data()).map((v) => +v.toFixed(5))).toEqual([0.2, 0.4, 0.6]);
    opt.lr = 0;
    stepOn(p, opt);
    expect(Array.from(await p.data()).map((v) => +v.toFixed(5))).toEqual([0.2, 0.4, 0.6]);
    opt.lr = 0.5; // g = [-1.6, -3.2, -4.8]
    stepOn(p, opt);
    expect(Array.from(await p.data()).map((v) => +v.toFixed(5))).toEqual([1, 2, 3]);
  });

  it('Adam moves each weight by about lr on its first step, by the new lr after a change', async () => {
    const p = tensor([0, 0, 0], undefined, { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    stepOn(p, opt);
    expect((await p.data())[0]).toBeCloseTo(0.1, 5);
    opt.lr = 0;
    stepOn(p, opt);
    expect((await p.data())[0]).toBeCloseTo(0.1, 5);
    expect(opt.stateDict().scalars.lr).toBe(0);
  });

  it('refuses a bad lr, naming the optimizer', () => {
    const opt = new Adam([tensor([1], undefined, { requiresGrad: true })]);
    expect(opt.lr).toBe(1e-3);
    expect(() => {
      opt.lr = -1;
    }).toThrow('Adam: lr must be a finite number >= 0, got -1');
    expect(() => {
      opt.lr = Number.NaN;
    }).toThrow(/lr must be a finite number/);
    expect(() => new SGD([tensor([1], undefined, { requiresGrad: true })], { lr: Infinity })).toThrow(/SGD: lr/);
  });
});

describe('optimizer stateDict', () => {
  for (const [kind, make] of [
    [
      'Adam',
      (ps: readonly ReturnType<typeof tensor>[]) => new Adam(ps, { lr: 0.01, betas: [0.8, 0.99], weightDecay: 0.1 }),
    ],
    ['SGD', (ps: readonly ReturnType<typeof tensor>[]) => new SGD(ps, { lr: 0.05, momentum: 0.9 })],
  ] as const) {
    it(`${kind}: a fresh optimizer loaded from the state continues exactly like the original`, async () => {
      manualSeed(1);
      const a = new MLP([3, 4, 1]);
      const b = new MLP([3, 4, 1]);
      b.loadStateDict(a.stateDict());
      const optA = make(a.parameters());
      const x = randn([8, 3]);
      const lossOf = (m: MLP) => tidy(() => m.forward(x).square().mean());
      const train = (m: MLP, opt: Optimizer) =>
        tidy(() => {
          opt.zeroGrad();
          lossOf(m).backward();
          opt.step();
        });
      for (let i = 0; i < 3; i++) train(a, optA);
      optA.lr = 0.003; // a changed lr travels with the state
      b.loadStateDict(a.stateDict());
      const optB = make(b.parameters());
      optB.loadStateDict(optA.stateDict());
      expect(optB.lr).toBe(0.003);
      expect(optB.stateDict().scalars).toEqual(optA.stateDict().scalars);
      for (let i = 0; i < 3; i++) {
        train(a, optA);
        train(b, optB);
      }
      const [wa, wb] = [await a.parameters()[0]!.data(), await b.parameters()[0]!.data()];
      expect(Array.from(wb)).toEqual(Array.from(wa));
    });
  }

  it('loads copies (the caller keeps its tensors) and holds memory flat', () => {
    const p = tensor([1, 2], undefined, { requiresGrad: true });
    const opt = new Adam([p]);
    const state = opt.stateDict();
    const before = memoryStats().tensors;
    opt.loadStateDict(state);
    opt.loadStateDict(state);
    expect(memoryStats().tensors).toBe(before);
    expect(state.tensors['m.0']!.isDisposed).toBe(false);
  });

  it('names what does not fit, and changes nothing then', () => {
    const p = tensor([1, 2], undefined, { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.5 });
    const sgd = new SGD([p], { lr: 0.1 });
    expect(() => opt.loadStateDict(sgd.stateDict())).toThrow('Adam.loadStateDict: the state is from SGD, not Adam');
    const good = opt.stateDict();
    const v0 = good.tensors['v.0']!;
    expect(() => opt.loadStateDict({ ...good, tensors: { 'm.0': good.tensors['m.0']!, 'x.1': v0 } })).toThrow(
      "Adam.loadStateDict: missing 'v.0'; unexpected 'x.1' (state tensors for 1 parameters)",
    );
    expect(() =>
      opt.loadStateDict({ ...good, tensors: { ...good.tensors, 'v.0': tensor([1, 2, 3]) }, scalars: { lr: 9 } }),
    ).toThrow("Adam.loadStateDict: 'v.0' is float32[3], its parameter float32[2]");
    expect(() => opt.loadStateDict({ ...good, scalars: { momentum: 1 } })).toThrow(/unexpected scalar 'momentum'/);
    expect(opt.lr).toBe(0.5);
  });
});

describe('schedules', () => {
  it('stepDecay, cosineDecay and linearWarmup give the documented values', () => {
    const s = stepDecay(1, { stepSize: 10, gamma: 0.5 });
    expect([0, 9, 10, 25].map(s)).toEqual([1, 1, 0.5, 0.25]);
    const c = cosineDecay(1, { totalSteps: 100, minLr: 0.1 });
    expect(c(0)).toBe(1);
    expect(c(50)).toBeCloseTo(0.55, 12);
    expect(c(100)).toBeCloseTo(0.1, 12);
    expect(c(500)).toBeCloseTo(0.1, 12);
    const w = linearWarmup(c, { warmupSteps: 4 });
    expect([0, 1, 3].map(w)).toEqual([0.25 * c(0), 0.5 * c(1), c(3)]);
    expect(linearWarmup(2e-3, { warmupSteps: 2 })(0)).toBe(1e-3);
    expect(() => cosineDecay(1, { totalSteps: 0 })).toThrow(
      'cosineDecay: totalSteps must be a positive integer, got 0',
    );
    expect(() => s(-1)).toThrow(/step must be a non-negative integer/);
  });
});

describe('clipGradNorm', () => {
  it('returns the global norm before clipping and scales the gradients to maxNorm', async () => {
    const a = tensor([3, 0], undefined, { requiresGrad: true });
    const b = tensor([[4]], undefined, { requiresGrad: true });
    const c = tensor([7], undefined, { requiresGrad: true }); // no gradient: skipped
    tidy(() => a.mul(a).mul(0.5).sum().add(b.mul(b).mul(0.5).sum()).backward()); // grads = [3, 0], [[4]]
    const norm = clipGradNorm([a, b, c], 1);
    expect(norm.shape).toEqual([]);
    expect(await norm.item()).toBeCloseTo(5, 6);
    expect(Array.from(await a.grad!.data()).map((v) => +v.toFixed(5))).toEqual([0.6, 0]);
    expect((await b.grad!.data())[0]).toBeCloseTo(0.8, 5);
    // below maxNorm: unchanged (up to the 1e-6 guard)
    const n2 = clipGradNorm([a, b], 10);
    expect(await n2.item()).toBeCloseTo(1, 5);
    expect((await b.grad!.data())[0]).toBeCloseTo(0.8, 5);
    expect(await clipGradNorm([c], 1).item()).toBe(0);
    expect(() => clipGradNorm([a], -1)).toThrow('clipGradNorm: maxNorm must be a finite number >= 0, got -1');
  });
});
