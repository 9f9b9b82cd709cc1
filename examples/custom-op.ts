// Your own differentiable op, the way torch.autograd.Function does it: a forward, a backward
// written by hand, a gradcheck that proves the backward right — and then the op in a fit on the
// GPU. The op is the Huber loss of a residual r (Huber 1964; PyTorch's HuberLoss):
//
//   huber(r) = r² / 2            where |r| <= δ
//            = δ (|r| - δ / 2)   elsewhere
//   d huber / dr = clamp(r, -δ, δ)
//
// Autograd could differentiate the forward as written (through where, abs, square), but the
// derivative is simpler than the graph of the forward: one clamp, and nothing saved but r.
//
//   npx tsx examples/custom-op.ts                 # WebGPU when there is an adapter, else the CPU
//   npx tsx examples/custom-op.ts --backend cpu
import {
  type BackendChoice,
  gradcheck,
  manualSeed,
  randn,
  record,
  releaseBackends,
  SGD,
  type Tensor,
  tensor,
  tidy,
  useBackend,
  where,
} from 'vae-webgpu';

/** r²/2 inside ±δ, δ(|r| - δ/2) outside: the forward, from existing ops (their tensors freed by tidy). */
function huberForward(r: Tensor, delta: number): Tensor {
  return tidy(() => {
    const a = r.abs();
    return where(a.le(delta), r.square().mul(0.5), a.sub(delta / 2).mul(delta));
  });
}

/** The Huber loss of each element of r (no reduction), with its hand-written backward. */
export function huber(r: Tensor, delta = 1): Tensor {
  return record(
    'huber',
    [r], // the inputs that get a gradient
    () => huberForward(r, delta), // run under noGrad: this op's node replaces the graph of its ops
    [r], // what the backward needs: it gets these back, typed, as its second argument
    (dy, [r]) => [dy.mul(r.maximum(-delta).minimum(delta))], // one gradient per input
  );
}

/** The same op with a plausible mistake: the gradient of r²/2 everywhere (no clamp). */
function huberWrongBackward(r: Tensor, delta = 1): Tensor {
  return record(
    'huber (wrong backward)',
    [r],
    () => huberForward(r, delta),
    [r],
    (dy, [r]) => [dy.mul(r)],
  );
}

export interface CustomOpResult {
  backend: string;
  /** gradcheck's largest |analytic - numeric| for huber's input. */
  gradcheckError: number;
  /** gradcheck's message for the wrong backward (it must reject it). */
  wrongBackwardRejected: string;
  /** The fitted slope and intercept of y = 2x + 1 with outliers, by Huber and by squared error. */
  huberFit: [number, number];
  squaredFit: [number, number];
}

export async function runCustomOp(
  opts: { backend?: BackendChoice; log?: (line: string) => void } = {},
): Promise<CustomOpResult> {
  const log = opts.log ?? (() => {});
  // gradcheck runs on the CPU in float64 whatever the backend: residuals on both sides of ±δ
  manualSeed(0);
  const r = randn([64]).mul(2);
  const report = await gradcheck((r) => huber(r).sum(), [r]);
  const gradcheckError = report.inputs[0]?.maxAbsError ?? Number.NaN;
  log(`gradcheck of huber: ok, max |analytic - numeric| = ${gradcheckError.toExponential(2)}`);
  let wrongBackwardRejected = '';
  try {
    await gradcheck((r) => huberWrongBackward(r).sum(), [r]);
  } catch (e) {
    wrongBackwardRejected = (e as Error).message;
    log(`gradcheck of the wrong backward: rejected — ${wrongBackwardRejected}`);
  }
  r.dispose();

  // The op in use: fit y = a x + b to points on y = 2x + 1 where one point in ten is an outlier.
  const info = await useBackend(opts.backend ?? 'auto', { log });
  manualSeed(1);
  const n = 200;
  const xs = Array.from({ length: n }, (_, i) => (i / n) * 4 - 2);
  const ys = xs.map((x, i) => 2 * x + 1 + (i % 10 === 0 ? 15 : 0));
  const [x, y] = [tensor(xs), tensor(ys)];
  const fit = async (loss: (residual: Tensor) => Tensor): Promise<[number, number]> => {
    const a = tensor([0]).requireGrad();
    const b = tensor([0]).requireGrad();
    const opt = new SGD([a, b], { lr: 0.2 });
    for (let step = 0; step < 300; step++) {
      tidy(() => {
        opt.zeroGrad();
        loss(x.mul(a).add(b).sub(y)).mean().backward();
        opt.step();
      });
    }
    const out: [number, number] = [await a.item(), await b.item()];
    for (const t of [a, b]) t.dispose();
    opt.dispose();
    return out;
  };
  const huberFit = await fit((res) => huber(res));
  const squaredFit = await fit((res) => res.square().mul(0.5));
  log(`fit of y = 2x + 1 with 10% outliers (+15), on ${info.name}:`);
  log(`  Huber loss:   y = ${huberFit[0].toFixed(3)} x + ${huberFit[1].toFixed(3)}`);
  log(`  squared loss: y = ${squaredFit[0].toFixed(3)} x + ${squaredFit[1].toFixed(3)}   (pulled up by the outliers)`);
  x.dispose();
  y.dispose();
  return { backend: info.name, gradcheckError, wrongBackwardRejected, huberFit, squaredFit };
}

// Run from the command line: --backend auto|webgpu|cpu.
if (import.meta.url === new URL(process.argv[1] ?? '', 'file://').href) {
  const i = process.argv.indexOf('--backend');
  const backend = (i > 0 ? process.argv[i + 1] : 'auto') as BackendChoice;
  await runCustomOp({ backend, log: console.log });
  releaseBackends();
}
