// gradcheck: compares the analytic gradient of a scalar function of tensors (reverse mode)
// with central finite differences, (f(x + eps) - f(x - eps)) / 2 eps, element by element,
// in float64 on the CPU backend, like torch.autograd.gradcheck.
import { cpuBackend, withDefaults } from '../tensor/backends.js';
import { tensor } from '../tensor/creation.js';
import { randomState, setRandomState } from '../tensor/random.js';
import { fmt } from '../tensor/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { tidy } from '../tensor/tidy.js';
import { noGrad } from './grad-mode.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Allowed |analytic - numeric| is atol + rtol * |numeric| (defaults 1e-5 and 1e-3). */
  atol?: number;
  /** Relative tolerance (default 1e-3); see atol. */
  rtol?: number;
  /** Which inputs to check (default: all). */
  check?: readonly boolean[];
}

/** How close the analytic gradient of one input came to the central differences. */
export interface GradcheckInputReport {
  /** The input's position in `inputs`. */
  index: number;
  /** The input's shape. */
  shape: number[];
  /** The largest |analytic - numeric| over the input's elements. */
  maxAbsError: number;
  /** The largest |analytic - numeric| / |numeric| over the input's elements. */
  maxRelError: number;
}

/** What {@link gradcheck} resolves to when every checked element is within tolerance. */
export interface GradcheckReport {
  /** Always true: a failing check rejects instead. */
  ok: true;
  /** One report per checked input. */
  inputs: GradcheckInputReport[];
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx: number[] = [];
  for (const d of [...shape].reverse()) {
    idx.unshift(i % d);
    i = Math.floor(i / d);
  }
  return idx;
}

/**
 * Checks fn's gradient with respect to every input, like `torch.autograd.gradcheck`: the
 * gradient from `backward()` against central finite differences `(f(x + eps) - f(x - eps)) / 2eps`,
 * element by element, in float64 on the CPU. fn takes the inputs (as float64 CPU copies) and
 * returns a scalar tensor; random draws inside fn repeat identically for every evaluation.
 * Resolves to a report, or rejects with an error naming the input and its first element out of
 * tolerance.
 *
 * @example
 * ```ts
 * const x = randn([3, 4]);
 * const w = randn([4, 2]);
 * await gradcheck((x, w) => x.matmul(w).tanh().sum(), [x, w]);
 * // your own op: see record()
 * const cube = (x: Tensor) => record('cube', [x], x.pow(3), [x], (dy, [x]) => [dy.mul(x.square().mul(3))]);
 * await gradcheck((x) => cube(x).sum(), [randn([5])]);
 * ```
 */
export async function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): Promise<GradcheckReport> {
  if (typeof fn !== 'function') throw new Error(`gradcheck: expected a function of the inputs, got ${typeof fn}`);
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every(isTensor))
    throw new Error('gradcheck: expected a non-empty list of tensors to differentiate with respect to');
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = opts;
  const cpu = cpuBackend();
  // each input's values (perturbed in place below) and shape
  const subjects: { v: Float64Array; shape: number[] }[] = [];
  for (const [i, t] of inputs.entries()) {
    if (t.dtype === 'int32')
      throw new Error(`gradcheck: input ${i} ${t.describe()} is int32; only float inputs have gradients`);
    const v = Float64Array.from(await t.data());
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new Error(
        `gradcheck: input ${i} ${t.describe()} has a non-finite value ` +
          `${v[bad]} at [${unravel(bad, t.shape).join(',')}]`,
      );
    subjects.push({ v, shape: [...t.shape] });
  }
  const rng = randomState();
  const call = (withGrad: boolean): { out: Tensor; leaves: Tensor[] } =>
    withDefaults(cpu, 'float64', () => {
      setRandomState(rng);
      const leaves = subjects.map(({ v, shape }) =>
        tensor(v, shape, { dtype: 'float64', backend: cpu, requiresGrad: withGrad }),
      );
      let out: Tensor;
      try {
        out = fn(...leaves);
      } catch (e) {
        const msg = (e as Error).message;
        if (/different backends|mixed dtypes/.test(msg)) {
          throw new Error(
            `gradcheck: fn reads a tensor that is not one of its inputs (${msg}). ` +
              `gradcheck runs fn on float64 CPU copies ` +
              'of its inputs: pass every tensor fn uses as an input (use the ' +
              'check option to skip checking some of them).',
          );
        }
        throw e;
      }
      if (out.size !== 1) throw new Error(`gradcheck: fn must return a scalar, got ${out.describe()}`);
      if (out.dtype !== 'float64')
        throw new Error(`gradcheck: fn returned ${out.dtype}; build every tensor inside fn without a fixed dtype`);
      return { out, leaves };
    });
  const scalar = async (): Promise<number> => {
    const { out, leaves } = noGrad(() => tidy(() => call(false)));
    const v = await out.item();
    out.dispose();
    leaves.forEach((l) => l.dispose());
    return v;
  };

  // analytic, by backward()
  const { out, leaves } = tidy(() => call(true));
  if (!out.requiresGrad) throw new Error('gradcheck: the output does not depend on any input');
  out.backward();
  const analytic = await Promise.all(
    leaves.map(async (l) => (l.grad ? Float64Array.from(await l.grad.data()) : null)), // null: no gradient reached it
  );
  out.dispose();
  leaves.forEach((l) => l.dispose());
  setRandomState(rng);

  const reports: GradcheckInputReport[] = [];
  for (const [i, { v, shape }] of subjects.entries()) {
    if (opts.check && !opts.check[i]) continue;
    let maxAbs = 0,
      maxRel = 0;
    for (const [j, orig] of v.entries()) {
      v[j] = orig + eps;
      const plus = await scalar();
      v[j] = orig - eps;
      const minus = await scalar();
      v[j] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]?.[j] ?? 0;
      const err = Math.abs(a - numeric);
      maxAbs = Math.max(maxAbs, err);
      maxRel = Math.max(maxRel, err / Math.max(Math.abs(numeric), 1e-12));
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        setRandomState(rng);
        throw new Error(
          `gradcheck: input ${i} (shape ${fmt(shape)}) element [${unravel(j, shape).join(',')}]: ` +
            `analytic gradient ${a} but numeric ${numeric} (|error| ${err.toExponential(3)} > ` +
            `atol ${atol} + rtol ${rtol} * |numeric|)`,
        );
      }
    }
    reports.push({ index: i, shape, maxAbsError: maxAbs, maxRelError: maxRel });
  }
  setRandomState(rng);
  return { ok: true, inputs: reports };
}
