// Checks that a call owns its memory: run outside any tidy, it leaves alive only the tensors it
// returns (and, with grad on, the graph behind them), and disposing those gives memoryStats()
// back exactly as it was. Used for the model code on CPU (test/vae) and WebGPU (test/gpu).
import { expect } from 'vitest';
import {
  CVAE,
  importanceWeightedLogLikelihood,
  isTensor,
  klBetweenGaussians,
  klToStandardNormal,
  logNormalDensity,
  logStandardNormalDensity,
  manualSeed,
  meanImage,
  memoryStats,
  negLogLikelihood,
  noGrad,
  rand,
  randn,
  reparameterize,
  tensor,
  VAE,
  type Backend,
  type Tensor,
} from '../../src/index.js';
import { withDefaults } from '../../src/tensor/backends.js';

export interface Live {
  tensors: number;
  buffers: number;
  bytes: number;
}

export function live(): Live {
  const { tensors, buffers, bytes } = memoryStats();
  return { tensors, buffers, bytes };
}

/** The tensors in a returned value (a tensor, or arrays / plain objects of them), once each. */
function tensorsIn(value: unknown, into = new Set<Tensor>()): Set<Tensor> {
  if (isTensor(value)) into.add(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) tensorsIn(v, into);
  return into;
}

/** Calls fn outside tidy and checks that only its result (and its graph) stayed alive. */
export function expectOnlyResultLeft(what: string, fn: () => unknown): void {
  const before = live();
  const returned = tensorsIn(fn());
  expect(returned.size, `${what} returns tensors`).toBeGreaterThan(0);
  expect(live().tensors, `${what}: live tensors = before + the ${returned.size} returned`).toBe(
    before.tensors + returned.size,
  );
  for (const t of returned) t.dispose();
  expect(live(), `${what}: memory after disposing the result`).toEqual(before);
}

/** Every public call of the model code, on `backend`, with and without grad. */
export function checkModelCodeOwnsItsMemory(backend: Backend): void {
  withDefaults(backend, 'float32', () => {
    manualSeed(3);
    const inputDim = 12;
    const base = { inputDim, hidden: [8], latent: 3 };
    const vae = new VAE({ ...base, likelihood: 'bernoulli' });
    const gaussian = new VAE({ ...base, hidden: [], likelihood: 'gaussian', gaussianVariance: 'learned' });
    const cvae = new CVAE({ ...base, likelihood: 'bernoulli', classes: 4, prior: 'learned' });
    const x = rand([5, inputDim]);
    const y = tensor([0, 1, 2, 3, 1], [5], { dtype: 'int32' });
    const [a, b] = [x.slice(0, 0, 1), x.slice(0, 1, 2)];
    const ya = y.slice(0, 0, 1);
    const z = randn([5, 3]);
    const [mu, logvar, mu2, logvar2] = [randn([5, 3]), randn([5, 3]), randn([5, 3]), randn([5, 3])];
    const logits = randn([5, inputDim]);
    const pixelLogVar = randn([inputDim]);

    const calls: [string, () => unknown][] = [];
    for (const [name, model, label, labelA] of [
      ['VAE', vae, undefined, undefined],
      ['Gaussian VAE', gaussian, undefined, undefined],
      ['CVAE', cvae, y, ya],
    ] as const) {
      calls.push(
        [`${name}.encode`, () => model.encode(x, label)],
        [`${name}.decodeRaw`, () => model.decodeRaw(z, label)],
        [`${name}.decode`, () => model.decode(z, label)],
        [`${name}.reconstructionNLL`, () => model.reconstructionNLL(logits, x)],
        [`${name}.klTerm`, () => model.klTerm({ mu, logvar }, label)],
        [`${name}.elboTerms`, () => model.elboTerms(x, label)],
        [`${name}.elbo`, () => model.elbo(x, { y: label })],
        [`${name}.elbo (beta 0.5)`, () => model.elbo(x, { y: label, beta: 0.5 })],
        [`${name}.sample`, () => model.sample(5, label)],
        [`${name}.reconstruct`, () => model.reconstruct(x, label)],
        [`${name}.interpolate`, () => model.interpolate(a, b, 4, labelA)],
        [
          `importanceWeightedLogLikelihood(${name})`,
          () => importanceWeightedLogLikelihood(model, x, 3, { y: label, chunk: 2 }),
        ],
      );
    }
    calls.push(
      ['CVAE.prior', () => cvae.prior(y)],
      ['reparameterize', () => reparameterize(mu, logvar)],
      ['klToStandardNormal', () => klToStandardNormal(mu, logvar)],
      ['klBetweenGaussians', () => klBetweenGaussians(mu, logvar, mu2, logvar2)],
      ['logNormalDensity', () => logNormalDensity(z, mu, logvar)],
      ['logStandardNormalDensity', () => logStandardNormalDensity(z)],
      ['negLogLikelihood bernoulli', () => negLogLikelihood('bernoulli', logits, x, 0)],
      ['negLogLikelihood gaussian, fixed variance', () => negLogLikelihood('gaussian', logits, x, Math.log(0.1))],
      ['negLogLikelihood gaussian, learned variance', () => negLogLikelihood('gaussian', logits, x, pixelLogVar)],
      ['meanImage', () => meanImage('bernoulli', logits)],
    );
    // with grad: the parameters (and, here, mu and logvar) require it, so results carry a graph
    for (const t of [mu, logvar, mu2, logvar2, z, pixelLogVar]) t.requireGrad();
    for (const [what, call] of calls) expectOnlyResultLeft(`${what} with grad`, call);
    for (const [what, call] of calls) expectOnlyResultLeft(`${what} under noGrad`, () => noGrad(call));
    for (const m of [vae, gaussian, cvae]) m.dispose();
    for (const t of [x, y, a, b, ya, z, mu, logvar, mu2, logvar2, logits, pixelLogVar]) t.dispose();
  });
}
