// The gradients of the ELBO's pieces, each proved by gradcheck (float64 central differences
// against backward()); docs/walkthrough.md quotes these. gradcheck replays every random draw of
// fn, so the reparameterized z sees the same eps in every evaluation.
import { describe, expect, it } from 'vitest';
import {
  gradcheck,
  klBetweenGaussians,
  klToStandardNormal,
  manualSeed,
  negLogLikelihood,
  rand,
  randn,
  reparameterize,
} from '../../src/index.js';

describe('gradcheck of the ELBO terms', () => {
  it('the reparameterization trick: z = mu + exp(logvar / 2) * eps', async () => {
    manualSeed(0);
    const [mu, logvar] = [randn([4, 3]), randn([4, 3])];
    const report = await gradcheck((mu, logvar) => reparameterize(mu, logvar).square().sum(), [mu, logvar]);
    expect(report.inputs.map((r) => r.maxAbsError)).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('the analytic KL to N(0, I), and between two diagonal Gaussians', async () => {
    manualSeed(1);
    await gradcheck((mu, logvar) => klToStandardNormal(mu, logvar).sum(), [randn([4, 3]), randn([4, 3])]);
    const q = [randn([4, 3]), randn([4, 3])];
    const p = [randn([4, 3]), randn([4, 3])];
    await gradcheck((mq, lq, mp, lp) => klBetweenGaussians(mq, lq, mp, lp).sum(), [...q, ...p]);
  });

  it('the Bernoulli reconstruction term -log P(x|z), from the logits', async () => {
    manualSeed(2);
    const logits = randn([4, 6]).mul(3);
    const pixels = rand([4, 6]);
    // the pixels are an input too (gradcheck runs fn on float64 copies), but only the logits are checked
    await gradcheck((l, x) => negLogLikelihood('bernoulli', l, x, 0).sum(), [logits, pixels], { check: [true, false] });
  });
});
