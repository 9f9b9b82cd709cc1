// What the panels show, computed in the worker from the current model: prior samples with fixed
// noise, reconstructions, the latent map and its decoded manifold, decodes of single points,
// a drawn digit's reconstruction and -ELBO, the CVAE's rows and restyling, the test -ELBO.
// Everything random runs on a seed of its own and puts the global random stream back, so looking
// at the model never changes the training run (a link reproduces the run however you explore).
import {
  createRng,
  evaluateElbo,
  manualSeed,
  noGrad,
  pcaPlane,
  randomState,
  setRandomState,
  subset,
  tensor,
  tidy,
  type Tensor,
  type VAE,
} from '../../../src/index.js';
import type { DrawResult, EvalResult, LatentMap, LatentPlane, Pictures } from '../protocol.js';
import { planePoint, projectToPlane, squareBounds } from '../plane.js';
import { TEST_SUBSET, type Session } from './session.js';

/** Runs fn on its own random stream (seeded), leaving the training stream where it was. */
export function withSeed<T>(seed: number, fn: () => T): T {
  const saved = randomState();
  manualSeed(seed);
  try {
    return fn();
  } finally {
    setRandomState(saved);
  }
}

/** n×d standard normal draws from a seeded generator (Box–Muller): the fixed noise of the pictures. */
export function fixedNoise(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * d);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng.nextFloat();
    const v = rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

const labelsTensor = (labels: ArrayLike<number>): Tensor =>
  tensor(Int32Array.from(labels), [labels.length], { dtype: 'int32' });

/**
 * Latent points for fixed noise eps (n×latent): eps itself under the standard prior, or
 * mu + sigma·eps under a CVAE's learned prior P(z|y) — the reparameterization with eps fixed.
 */
function priorLatents(model: VAE, eps: Float32Array, y: Tensor | undefined): Tensor {
  const z = tensor(eps, [eps.length / model.config.latent, model.config.latent]);
  const p = model.prior(y);
  return p ? p.mu.add(p.logvar.mul(0.5).exp().mul(z)) : z;
}

async function read(t: Tensor): Promise<Float32Array> {
  const data = Float32Array.from(await t.data());
  t.dispose();
  return data;
}

/** The test images whose reconstructions the page shows: the first two of each digit. */
export function fixedTestDigits(test: { labels: Int32Array }): number[] {
  const picked: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    let found = 0;
    for (let i = 0; i < test.labels.length && found < 2; i++) {
      if (test.labels[i] === digit) {
        picked.push(i);
        found++;
      }
    }
  }
  return picked.sort((a, b) => test.labels[a]! - test.labels[b]! || a - b);
}

export class Views {
  private readonly sampleNoise: Float32Array;
  private readonly rowNoise: Float32Array;
  readonly sampleRows: number;
  readonly sampleCols: number;
  private readonly shown: number[];
  /** The plane of the last latent map (a drawing's place on it is projected onto this plane). */
  plane: LatentPlane | null = null;

  constructor(private readonly s: Session) {
    const latent = s.model.config.latent;
    this.sampleRows = s.conditional ? 10 : 8;
    this.sampleCols = s.conditional ? 10 : 8;
    this.sampleNoise = fixedNoise(this.sampleRows * this.sampleCols, latent, 0x5eed + s.config.seed);
    this.rowNoise = fixedNoise(10, latent, 0x0ddba11 + s.config.seed);
    this.shown = fixedTestDigits(s.test);
  }

  private get model(): VAE {
    return this.s.model;
  }

  private testBatch(indices: readonly number[]): { x: Tensor; y: Tensor | undefined; labels: number[] } {
    const d = this.model.config.inputDim;
    const x = new Float32Array(indices.length * d);
    indices.forEach((idx, k) => x.set(this.s.testImages.subarray(idx * d, (idx + 1) * d), k * d));
    const labels = indices.map((i) => this.s.test.labels[i]!);
    return {
      x: tensor(x, [indices.length, d]),
      y: this.model.conditional ? labelsTensor(labels) : undefined,
      labels,
    };
  }

  /** Prior samples (fixed noise; a CVAE's row r is digit r) and reconstructions of fixed test digits. */
  async pictures(): Promise<Pictures> {
    const n = this.sampleRows * this.sampleCols;
    const { samples, recons, originals } = noGrad(() =>
      tidy(() => {
        const y = this.model.conditional
          ? labelsTensor(Array.from({ length: n }, (_, i) => Math.floor(i / this.sampleCols)))
          : undefined;
        const samples = this.model.decode(priorLatents(this.model, this.sampleNoise, y), y);
        const t = this.testBatch(this.shown);
        return { samples, recons: this.model.reconstruct(t.x, t.y), originals: t.x };
      }),
    );
    return {
      samples: await read(samples),
      sampleRows: this.sampleRows,
      sampleCols: this.sampleCols,
      originals: await read(originals),
      recons: await read(recons),
      count: this.shown.length,
    };
  }

  /**
   * Posterior means of the first test images (with their labels, for a CVAE), placed on a plane:
   * the latent space itself for a 2-d latent, else the PCA plane of the means; and the decoded
   * manifold over the same square (a CVAE decodes it with `label`).
   */
  async latentMap(label: number, side: number, count = 2000): Promise<LatentMap> {
    const latent = this.model.config.latent;
    const n = Math.min(count, this.s.test.count);
    const indices = Array.from({ length: n }, (_, i) => i);
    const mu = noGrad(() =>
      tidy(() => {
        const t = this.testBatch(indices);
        return this.model.encode(t.x, t.y).mu;
      }),
    );
    const means = await read(mu);
    const labels = this.s.test.labels.slice(0, n);
    let coords: Float32Array;
    let origin: number[];
    let axes: [number[], number[]];
    if (latent === 2) {
      coords = means.slice();
      origin = [0, 0];
      axes = [
        [1, 0],
        [0, 1],
      ];
    } else {
      const p = pcaPlane(means, n, latent);
      coords = p.coords;
      origin = Array.from(p.mean);
      axes = [Array.from(p.axes[0]), Array.from(p.axes[1])];
    }
    const plane: LatentPlane = { origin, axes, bounds: squareBounds(coords), exact: latent === 2 };
    this.plane = plane;
    const manifold = await this.manifold(plane, side, label);
    return { coords, labels, means, plane, manifold, side };
  }

  /** side×side decodes over the plane's square, row 0 at the top (largest v). */
  private async manifold(plane: LatentPlane, side: number, label: number): Promise<Float32Array> {
    const latent = this.model.config.latent;
    const [u0, u1, v0, v1] = plane.bounds;
    const z = new Float32Array(side * side * latent);
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const u = u0 + ((c + 0.5) / side) * (u1 - u0);
        const v = v1 - ((r + 0.5) / side) * (v1 - v0);
        z.set(planePoint(plane, u, v), (r * side + c) * latent);
      }
    }
    return this.decodeMany(z, side * side, label);
  }

  private async decodeMany(z: Float32Array, n: number, label: number): Promise<Float32Array> {
    const img = noGrad(() =>
      tidy(() => {
        const y = this.model.conditional ? labelsTensor(new Array<number>(n).fill(label)) : undefined;
        return this.model.decode(tensor(z, [n, this.model.config.latent]), y);
      }),
    );
    return read(img);
  }

  /** The decoder's mean image at one latent point. */
  decode(z: Float32Array, label: number): Promise<Float32Array> {
    if (z.length !== this.model.config.latent)
      throw new Error(`decode: the point has ${z.length} coordinates, the latent space ${this.model.config.latent}`);
    return this.decodeMany(z, 1, label);
  }

  /** A drawn digit: its reconstruction, posterior mean, place on the map and -ELBO (one z, fixed seed). */
  async draw(pixels: Float32Array, label: number): Promise<DrawResult> {
    const d = this.model.config.inputDim;
    if (pixels.length !== d) throw new Error(`draw: ${pixels.length} pixels, the model expects ${d}`);
    const out = noGrad(() =>
      withSeed(0xd2a3, () =>
        tidy(() => {
          const x = tensor(pixels, [1, d]);
          const y = this.model.conditional ? labelsTensor([label]) : undefined;
          const t = this.model.elboTerms(x, y);
          return {
            recon: this.model.decode(t.posterior.mu, y),
            mu: t.posterior.mu,
            nll: t.recon,
            kl: t.kl,
          };
        }),
      ),
    );
    const [recon, mu, nll, kl] = await Promise.all([read(out.recon), read(out.mu), read(out.nll), read(out.kl)]);
    const plane = this.plane;
    const point = plane ? projectToPlane(plane, mu) : null;
    return { recon, mu, point, terms: { loss: nll[0]! + kl[0]!, recon: nll[0]!, kl: kl[0]! } };
  }

  /** A CVAE row: ten samples of one digit, from fixed noise. */
  cvaeRow(digit: number): Promise<Float32Array> {
    if (!this.model.conditional) throw new Error('the digit picker needs a CVAE (this model is a plain VAE)');
    const img = noGrad(() =>
      tidy(() => {
        const y = labelsTensor(new Array<number>(10).fill(digit));
        return this.model.decode(priorLatents(this.model, this.rowNoise, y), y);
      }),
    );
    return read(img);
  }

  /**
   * Restyle: encode one digit (a test image, or a drawing) with its label, then decode the same
   * z (the posterior mean) with every label 0–9: the style stays, the class changes.
   */
  async restyle(
    source: { testIndex: number } | { pixels: Float32Array },
    label: number,
  ): Promise<{ original: Float32Array; label: number; images: Float32Array }> {
    if (!this.model.conditional) throw new Error('restyle needs a CVAE (this model is a plain VAE)');
    const d = this.model.config.inputDim;
    let original: Float32Array;
    let y = label;
    if ('testIndex' in source) {
      const i = source.testIndex;
      if (!Number.isInteger(i) || i < 0 || i >= this.s.test.count)
        throw new Error(`restyle: test image ${i} is outside 0..${this.s.test.count - 1}`);
      original = this.s.testImages.slice(i * d, (i + 1) * d);
      y = this.s.test.labels[i]!;
    } else original = source.pixels;
    const img = noGrad(() =>
      tidy(() => {
        const { mu } = this.model.encode(tensor(original, [1, d]), labelsTensor([y]));
        const z = mu.expand([10, this.model.config.latent]);
        return this.model.decode(z, labelsTensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      }),
    );
    return { original, label: y, images: await read(img) };
  }

  /**
   * The test -ELBO, one z per image, as `vae eval` computes it: batches of 1000 in order, the
   * random stream seeded with `seed` just before. The subset is the first images of the test set.
   */
  async evaluate(full: boolean, seed: number): Promise<EvalResult> {
    const n = full ? this.s.test.count : Math.min(TEST_SUBSET, this.s.test.count);
    const split = full ? this.s.test : subset(this.s.test, n);
    const images = full ? this.s.testImages : this.s.testImages.slice(0, n * this.model.config.inputDim);
    const step = this.s.step;
    // evaluateElbo draws all its noise before its first await: the seed covers exactly its draws
    const pending = withSeed(seed, () => evaluateElbo(this.model, split, images, 1000));
    const { terms, means } = await pending;
    means.dispose();
    return { terms, images: n, seed, step };
  }
}
