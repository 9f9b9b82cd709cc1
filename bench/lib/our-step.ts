// Our benchmarked VAE training step, through the public API only, so the page (bench/browser)
// and Node (bench/impl/ours.ts) time the very same code: forward, backward and Adam on one batch,
// the loss read back.
import { Adam, tensor, tidy, VAE } from '../../src/index.js';
import { BATCH, HIDDEN, INPUT, LATENT, LR } from './vae-shape.js';

/** The VAE of PyTorch's example, 784-400-20-400-784 with a Bernoulli decoder. */
export function newVae(): VAE {
  return new VAE({ inputDim: INPUT, hidden: [HIDDEN], latent: LATENT, likelihood: 'bernoulli' });
}

/** A fresh model and its Adam, and the step that trains it on one batch, resolving to the loss. */
export function ourTrainingStep(): (xData: Float32Array) => Promise<number> {
  const vae = newVae();
  const opt = new Adam(vae.parameters(), { lr: LR });
  return async (xData) => {
    const loss = tidy(() => {
      const x = tensor(xData, [BATCH, INPUT]);
      opt.zeroGrad();
      const { loss } = vae.elbo(x);
      loss.backward();
      opt.step();
      return loss;
    });
    const v = await loss.item();
    loss.dispose();
    return v;
  };
}
