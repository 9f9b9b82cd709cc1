// The benchmarked VAE written the way TF.js users write it (tf.variable parameters, ops from
// tfjs-core), shared by the Node child (bench/impl/tfjs.ts) and the in-browser bench page
// (bench/browser/page.ts). Browser-safe: no Node built-ins.
import type * as TF from '@tensorflow/tfjs-core';
import { HIDDEN, INPUT, LATENT } from './vae-shape.js';

/** Parameters by our names ("encoder.0.weight" is [out, in], as in PyTorch). */
export type NamedParams = Record<string, { data: Float32Array }>;

/** The VAE's parameters as TF.js variables, [in, out] (our weights are [out, in]); random when `params` is null. */
export function variablesFrom(tf: typeof TF, params: NamedParams | null): Record<string, TF.Variable> {
  const layers: [string, number, number][] = [
    ['encoder.0', INPUT, HIDDEN],
    ['encoderMu', HIDDEN, LATENT],
    ['encoderLogvar', HIDDEN, LATENT],
    ['decoder.0', LATENT, HIDDEN],
    ['decoder.1', HIDDEN, INPUT],
  ];
  const vars: Record<string, TF.Variable> = {};
  for (const [name, fanIn, fanOut] of layers) {
    const bound = 1 / Math.sqrt(fanIn); // PyTorch's default Linear init, as ours
    const w = params
      ? tf.tidy(() => tf.transpose(tf.tensor2d(params[`${name}.weight`]!.data, [fanOut, fanIn])))
      : tf.randomUniform([fanIn, fanOut], -bound, bound);
    const b = params ? tf.tensor1d(params[`${name}.bias`]!.data) : tf.randomUniform([fanOut], -bound, bound);
    vars[`${name}.weight`] = tf.variable(w, true, `${name}.weight`);
    vars[`${name}.bias`] = tf.variable(b, true, `${name}.bias`);
    w.dispose();
    b.dispose();
  }
  return vars;
}

/** -ELBO, batch mean: BCE from logits summed per image + analytic KL summed per example. */
export function vaeLoss(tf: typeof TF, v: Record<string, TF.Variable>, x: TF.Tensor2D, eps: TF.Tensor2D): TF.Scalar {
  const dense = (h: TF.Tensor2D, name: string): TF.Tensor2D =>
    tf.add(tf.matMul(h, v[`${name}.weight`] as TF.Tensor2D), v[`${name}.bias`]!);
  const h = tf.relu(dense(x, 'encoder.0'));
  const mu = dense(h, 'encoderMu');
  const logvar = dense(h, 'encoderLogvar');
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as TF.Tensor2D;
  const logits = dense(tf.relu(dense(z, 'decoder.0')), 'decoder.1');
  // max(l, 0) - l x + log(1 + exp(-|l|))
  const bce = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1);
  const kl = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), 1), logvar), 1), 0.5);
  return tf.mean(tf.add(bce, kl));
}
