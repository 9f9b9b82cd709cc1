// Evaluation beyond the ELBO.
//
// Importance-weighted log-likelihood (Burda et al. 2016): with z_1..z_k ~ Q(z|x),
//   log p(x) ≈ logsumexp_k [log p(x|z_k) + log p(z_k) - log q(z_k|x)] - log k,
// a lower bound that equals the ELBO in expectation at k = 1 and tightens as k grows.
//
// Active units (Burda et al. 2016): latent dim d is active when Var_x(E_q[z_d | x]) > 0.01.
import { noGrad } from '../autograd/grad-mode.js';
import { randn } from '../tensor/creation.js';
import { concat } from '../tensor/ops/views.js';
import type { Tensor } from '../tensor/tensor.js';
import { at } from '../tensor/shape.js';
import { tidy } from '../tensor/tidy.js';
import { logNormalDensity, logStandardNormalDensity } from './gaussian.js';
import type { VAE } from './vae.js';

/** Rows (samples × examples) one chunk of the importance-weighted estimate decodes at most. */
export const IWAE_CHUNK_ROWS = 4096;

/**
 * The k-sample importance-weighted estimate of log p(x) for each row of x (shape [batch]).
 * Samples are drawn in chunks of at most `chunk` per example (default: IWAE_CHUNK_ROWS rows per
 * chunk), and the log-sum-exp over k is accumulated chunk by chunk (running max m and sum s:
 * s <- s·exp(m - m') + Σ exp(w - m')), so memory does not depend on k. After each chunk the
 * backend submits its work, so the chunk's freed buffers are reused by the next one (on WebGPU a
 * freed buffer is reusable only once the commands that read it are submitted). `onChunk` reports
 * the samples done so far.
 */
export function importanceWeightedLogLikelihood(
  model: VAE,
  x: Tensor,
  k: number,
  opts: { y?: Tensor; chunk?: number; onChunk?: (samplesDone: number, k: number) => void } = {},
): Tensor {
  if (!Number.isInteger(k) || k <= 0)
    throw new Error(`importanceWeightedLogLikelihood: k must be a positive integer, got ${k}`);
  const [batch, latent] = [at(x.shape, 0, 'axis'), model.config.latent];
  const y = opts.y;
  const chunk = Math.max(1, Math.min(k, opts.chunk ?? Math.floor(IWAE_CHUNK_ROWS / Math.max(1, batch))));
  return noGrad(() =>
    tidy(() => {
      const q = model.encode(x, opts.y);
      const prior = model.prior(opts.y);
      // over the samples so far: m, the running max of the weights, and s = Σ exp(w - m); [batch] each
      type Running = { m: Tensor; s: Tensor };
      let acc: Running | null = null;
      for (let done = 0; done < k; done += chunk) {
        const kc = Math.min(chunk, k - done);
        const prev: Running | null = acc;
        acc = tidy((): Running => {
          // z: [kc, batch, latent], each row a draw from its own posterior
          const eps = randn([kc, batch, latent], { backend: x.backend, dtype: x.dtype });
          const z = q.mu.add(q.logvar.mul(0.5).exp().mul(eps));
          const flatZ = z.reshape([kc * batch, latent]);
          const labels = y
            ? concat(
                Array.from({ length: kc }, () => y),
                0,
              )
            : undefined;
          const raw = model.decodeRaw(flatZ, labels).reshape([kc, batch, -1]);
          const logPxz = model.reconstructionNLL(raw, x).neg(); // x broadcasts over the kc axis
          const logPz = prior ? logNormalDensity(z, prior.mu, prior.logvar) : logStandardNormalDensity(z);
          const logQz = logNormalDensity(z, q.mu, q.logvar);
          const w = logPxz.add(logPz).sub(logQz); // [kc, batch]
          const m = prev ? prev.m.maximum(w.max(0)) : w.max(0);
          const s = w.sub(m).exp().sum(0);
          return { m, s: prev ? prev.s.mul(prev.m.sub(m).exp()).add(s) : s };
        });
        // the earlier chunks are folded into acc: free their sums now, so memory does not grow with k
        prev?.m.dispose();
        prev?.s.dispose();
        x.backend.flush();
        opts.onChunk?.(done + kc, k);
      }
      if (!acc) throw new Error('internal: importanceWeightedLogLikelihood drew no samples');
      return acc.s.log().add(acc.m).sub(Math.log(k));
    }),
  );
}

/** How many latent dims have a posterior mean that varies across the data (variance > threshold). */
export async function activeUnits(
  means: Tensor,
  threshold = 0.01,
): Promise<{
  /** How many dims vary more than the threshold. */
  count: number;
  /** Each dim's variance across the data. */
  variances: number[];
}> {
  const variances = noGrad(() => tidy(() => means.sub(means.mean(0, true)).square().mean(0)));
  const v = Array.from(await variances.data());
  variances.dispose();
  return { count: v.filter((x) => x > threshold).length, variances: v };
}
