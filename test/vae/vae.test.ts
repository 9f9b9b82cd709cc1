import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, rand, randn, tensor, tidy, type Tensor } from '../../src/index.js';
import { cpuBackend, withDefaults } from '../../src/tensor/backends.js';
import { klBetweenGaussians, klToStandardNormal, logNormalDensity } from '../../src/vae/gaussian.js';
import { VAE, type VAEConfig } from '../../src/vae/vae.js';
import { CVAE } from '../../src/vae/cvae.js';
import { importanceWeightedLogLikelihood } from '../../src/vae/evaluate.js';
import { Adam } from '../../src/nn/optim.js';

const float64 = <T>(fn: () => T): T => withDefaults(cpuBackend(), 'float64', fn);
const arr = async (t: Tensor) => Array.from(await t.data());

describe('Gaussian terms', () => {
  it('KL to N(0, I) against the closed form by hand', async () => {
    // mu = [1, 0], sigma² = [1, 2]: ½[(1 + 1 - 1 - 0) + (0 + 2 - 1 - log 2)] = ½(2 - log 2)
    const kl = klToStandardNormal(tensor([[1, 0]]), tensor([[0, Math.log(2)]]));
    expect((await arr(kl))[0]).toBeCloseTo(0.5 * (2 - Math.log(2)), 6);
  });

  it('KL between two diagonal Gaussians against the scalar formula, and zero for equal ones', async () => {
    const [mq, vq, mp, vp] = [0.3, 0.5, -1.2, 2.0];
    const closed = 0.5 * (Math.log(vp / vq) + (vq + (mq - mp) ** 2) / vp - 1);
    const kl = klBetweenGaussians(tensor([[mq]]), tensor([[Math.log(vq)]]), tensor([[mp]]), tensor([[Math.log(vp)]]));
    expect((await arr(kl))[0]).toBeCloseTo(closed, 6);
    manualSeed(3);
    const m = randn([4, 5]),
      lv = randn([4, 5]);
    (await arr(klBetweenGaussians(m, lv, m, lv))).forEach((v) => expect(v).toBeCloseTo(0, 6));
    // with p = N(0, I) it is the standard-normal KL
    const zero = m.mul(0);
    const a = await arr(klBetweenGaussians(m, lv, zero, zero));
    const b = await arr(klToStandardNormal(m, lv));
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
  });

  it('KL equals the Monte Carlo average of log q - log p', async () => {
    manualSeed(5);
    const mu = tensor([[0.5, -0.3]]),
      lv = tensor([[-0.5, 0.4]]);
    const n = 20000;
    const z = mu.add(
      lv
        .mul(0.5)
        .exp()
        .mul(randn([n, 2])),
    );
    const zero = tensor([[0, 0]]);
    const mc = await logNormalDensity(z, mu, lv)
      .sub(logNormalDensity(z, zero, zero))
      .mean()
      .item();
    expect(mc).toBeCloseTo((await arr(klToStandardNormal(mu, lv)))[0]!, 1);
  });
});

/** The same forward pass written out by hand in float64, for a VAE with one hidden layer. */
async function handElbo(model: VAE, x: number[][], eps: number[][]): Promise<{ recon: number; kl: number }> {
  const params = Object.fromEntries(
    await Promise.all(model.namedParameters().map(async ([n, p]) => [n, { v: await arr(p), s: p.shape }])),
  );
  const lin = (h: number[], name: string, act: (v: number) => number) => {
    const { v: w, s } = params[`${name}.weight`]!;
    const b = params[`${name}.bias`]!.v;
    return Array.from({ length: s[0]! }, (_, o) => act(h.reduce((acc, hi, i) => acc + hi * w[o * s[1]! + i]!, b[o]!)));
  };
  const relu = (v: number) => Math.max(v, 0),
    id = (v: number) => v;
  let recon = 0,
    kl = 0;
  x.forEach((xi, r) => {
    const h = lin(xi, 'encoder.0', relu);
    const mu = lin(h, 'encoderMu', id),
      lv = lin(h, 'encoderLogvar', id);
    const z = mu.map((m, j) => m + Math.exp(lv[j]! / 2) * eps[r]![j]!);
    const logits = lin(lin(z, 'decoder.0', relu), 'decoder.1', id);
    recon += logits.reduce((acc, l, p) => acc + Math.max(l, 0) - l * xi[p]! + Math.log1p(Math.exp(-Math.abs(l))), 0);
    kl += mu.reduce((acc, m, j) => acc + 0.5 * (m * m + Math.exp(lv[j]!) - 1 - lv[j]!), 0);
  });
  return { recon: recon / x.length, kl: kl / x.length };
}

describe('VAE', () => {
  const config: VAEConfig = { inputDim: 5, hidden: [4], latent: 2, likelihood: 'bernoulli' };

  it('elbo terms equal a hand-written forward pass (same eps)', async () => {
    manualSeed(9);
    const model = float64(() => new VAE(config));
    const x = float64(() => rand([3, 5]));
    manualSeed(100);
    const eps = float64(() => randn([3, 2]));
    manualSeed(100);
    const { loss, recon, kl } = float64(() => model.elbo(x));
    const hand = await handElbo(model, (await x.toArray()) as number[][], (await eps.toArray()) as number[][]);
    expect(await recon.item()).toBeCloseTo(hand.recon, 9);
    expect(await kl.item()).toBeCloseTo(hand.kl, 9);
    expect(await loss.item()).toBeCloseTo(hand.recon + hand.kl, 9);
  });

  it('beta weights the KL term', async () => {
    manualSeed(9);
    const model = float64(() => new VAE(config));
    const x = float64(() => rand([3, 5]));
    manualSeed(1);
    const a = float64(() => model.elbo(x, { beta: 0.25 }));
    expect(await a.loss.item()).toBeCloseTo((await a.recon.item()) + 0.25 * (await a.kl.item()), 9);
  });

  const variants: [string, () => VAE, boolean][] = [
    ['VAE, Bernoulli', () => new VAE(config), false],
    [
      'VAE, Gaussian with learned variance',
      () => new VAE({ ...config, likelihood: 'gaussian', gaussianVariance: 'learned' }),
      false,
    ],
    ['CVAE, standard prior', () => new CVAE({ ...config, classes: 3 }), true],
    ['CVAE, learned prior', () => new CVAE({ ...config, classes: 3, prior: 'learned' }), true],
  ];
  for (const [name, make, conditional] of variants) {
    it(`gradcheck through the whole loss: ${name}`, async () => {
      manualSeed(2);
      const model = float64(make);
      const x = float64(() => rand([2, 5]));
      const y = conditional ? tensor(new Int32Array([2, 0])) : undefined;
      const params = model.parameters();
      const report = await gradcheck(
        (...ps) => model.withParameters(ps, () => model.elbo(x, { y, beta: 0.7 }).loss),
        params,
      );
      expect(report.inputs).toHaveLength(params.length);
      // and with respect to the input image itself
      await gradcheck((xx) => model.elbo(xx, { y }).loss, [x]);
    });
  }

  it('sample, reconstruct and interpolate give images in [0, 1] of the right shapes', async () => {
    manualSeed(4);
    const model = new VAE(config);
    const x = rand([2, 5]);
    const checks: [Tensor, number[]][] = [
      [model.sample(6), [6, 5]],
      [model.reconstruct(x), [2, 5]],
      [model.interpolate(x.slice(0, 0, 1), x.slice(0, 1, 2), 7), [7, 5]],
    ];
    for (const [img, shape] of checks) {
      expect(img.shape).toEqual(shape);
      (await arr(img)).forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
    }
    const cvae = new CVAE({ ...config, classes: 3, prior: 'learned' });
    expect(cvae.sample(3, tensor(new Int32Array([0, 1, 2]))).shape).toEqual([3, 5]);
  });

  it('clear errors for wrong inputs', () => {
    const model = new VAE(config);
    expect(() => model.encode(rand([2, 4]))).toThrow(/expected x of shape \[batch, 5\]/);
    expect(() => model.elbo(rand([2, 5]), { y: tensor(new Int32Array([0, 1])) })).toThrow(
      /label was given to an unconditional VAE/,
    );
    const cvae = new CVAE({ ...config, classes: 3 });
    expect(() => cvae.elbo(rand([2, 5]))).toThrow(/the label y is required/);
    expect(() => new VAE({ ...config, latent: 0 })).toThrow(/latent must be a positive integer/);
    expect(() => new VAE({ ...config, prior: 'learned' })).toThrow(/learned prior/);
  });
});

describe('importance-weighted log-likelihood', () => {
  it('k = 1 is the ELBO in expectation, and the bound rises with k', async () => {
    manualSeed(21);
    const model = new VAE({ inputDim: 12, hidden: [16], latent: 3, likelihood: 'bernoulli' });
    // a few steps of training on a tiny structured data set
    const data = rand([32, 12])
      .mul(rand([32, 1]).gt(0.5).add(0.2))
      .gt(0.5)
      .toFloat();
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    for (let i = 0; i < 100; i++)
      tidy(() => {
        opt.zeroGrad();
        model.elbo(data).loss.backward();
        opt.step();
      });

    const mean = async (t: Tensor) => {
      const v = await t.mean().item();
      t.dispose();
      return v;
    };
    const reps = 200;
    const x = tidy(() =>
      data
        .reshape([1, 32, 12])
        .expand([reps, 32, 12])
        .reshape([reps * 32, 12]),
    );
    const negElbo = await (async () => {
      const { loss } = model.elbo(x);
      return loss.item();
    })();
    const iw1 = await mean(importanceWeightedLogLikelihood(model, x, 1));
    expect(Math.abs(iw1 + negElbo)).toBeLessThan(0.05 * Math.abs(negElbo));
    const iw10 = await mean(importanceWeightedLogLikelihood(model, x.slice(0, 0, 32 * 20), 10));
    const iw200 = await mean(importanceWeightedLogLikelihood(model, data, 200, { chunk: 64 }));
    expect(iw10).toBeGreaterThan(iw1);
    expect(iw200).toBeGreaterThan(iw10);
  });
});
