// Our engine in a bench child: kernels straight on a Backend (WebGPU with each matmul strategy,
// the fast CPU backend and the CPU reference kernels), and the VAE training step through the library (VAE, Adam,
// tidy, the loss read back every step).
import type { Backend, Buf } from '../../src/kernels/backend.js';
import { CpuBackend } from '../../src/kernels/cpu/cpu-backend.js';
import { FastCpuBackend } from '../../src/kernels/cpu-fast/fast-cpu-backend.js';
import {
  createWebGPUBackend,
  profileSteps,
  type StepProfile,
  type WebGPUBackend,
} from '../../src/kernels/webgpu/index.js';
import { tuneMatmuls } from '../../src/cli/matmul-tuning.js';
import { layerMatmuls, vaeLayers } from '../../src/vae/matmul-shapes.js';
import { currentBackend, useBackend } from '../../src/tensor/backends.js';
import { tensor } from '../../src/tensor/creation.js';
import { manualSeed } from '../../src/tensor/random.js';
import { INPUT_SETS, outputSize, type KernelCase } from '../lib/kernel-cases.js';
import { timeKernels, type CaseResult, type KernelImpl, type Prepared } from '../lib/time-kernels.js';
import {
  BATCH,
  compareStep,
  HIDDEN,
  INPUT,
  LATENT,
  newVae,
  ourStepValues,
  timeSteps,
  type StepReference,
  type StepTiming,
} from '../lib/vae-step.js';
import { ourTrainingStep } from '../lib/our-step.js';

const STRATEGIES = ['naive', 'blocked', 'tiled'] as const;

function backendKernels(be: Backend, gpu: WebGPUBackend | null): KernelImpl {
  return {
    variants: (c) => (c.kind === 'matmul' && gpu ? [...STRATEGIES] : ['']),
    prepare(c: KernelCase, inputs: Float32Array[][]): Prepared {
      const ins = inputs.map((set) => set.map((a) => be.upload(a, 'float32')));
      const outs = Array.from({ length: INPUT_SETS }, () => be.alloc(outputSize(c), 'float32'));
      const run = (s: number, variant: string): void => {
        const [a, b] = ins[s] as [Buf, Buf];
        const out = outs[s]!;
        if (c.kind === 'matmul') {
          if (gpu) gpu.setMatmulStrategy(variant as (typeof STRATEGIES)[number]);
          be.matmul(a, b, out, {
            batch: 1,
            m: c.m,
            n: c.n,
            k: c.k,
            transA: c.transA,
            transB: c.transB,
            aBatchStride: 0,
            bBatchStride: 0,
          });
        } else if (c.kind === 'add')
          be.map(
            'add',
            [
              { buf: a, shape: [c.cols] },
              { buf: b, shape: [c.cols] },
            ],
            out,
            [c.cols],
          );
        else if (c.kind === 'exp') be.map('exp', [{ buf: a, shape: [c.cols] }], out, [c.cols]);
        else be.reduce('sum', a, [c.rows, c.cols], [1], out);
      };
      return {
        run,
        read: async (s) => Float32Array.from(await be.read(outs[s]!)),
        dispose: () => [...ins.flat(), ...outs].forEach((b) => be.free(b)),
      };
    },
    sync: async () => {
      if (gpu) await gpu.finish();
    },
  };
}

/** Which of our backends: 'cpu' is the fast CPU backend, 'cpu-reference' the plain loops. */
export type OurBackend = 'webgpu' | 'cpu' | 'cpu-reference';

export async function ourKernels(backend: OurBackend, cases: KernelCase[], runs: number): Promise<CaseResult[]> {
  if (backend === 'cpu') return timeKernels(backendKernels(new FastCpuBackend(), null), cases, runs);
  if (backend === 'cpu-reference') return timeKernels(backendKernels(new CpuBackend(), null), cases, runs);
  const gpu = await createWebGPUBackend();
  if (!gpu) throw new Error('no WebGPU adapter');
  try {
    return await timeKernels(backendKernels(gpu, gpu), cases, runs);
  } finally {
    gpu.destroy();
  }
}

export interface OurStepResult extends StepTiming {
  check: ReturnType<typeof compareStep>;
  description: string;
  dispatchesPerStep?: number;
  profile?: StepProfile;
}

/**
 * The training step as a user writes it: forward, backward, Adam, in a tidy, loss read every step.
 * With `profileCount`, that many more steps run under the WebGPU profiler afterwards, each after
 * an unprofiled one (see profileSteps).
 */
export async function ourStep(
  backend: OurBackend,
  ref: StepReference,
  batches: Float32Array[],
  warmup: number,
  runs: number,
  profileCount = 0,
): Promise<OurStepResult> {
  await useBackend(backend);
  const be = currentBackend();
  // the matmul configurations `vae train` runs: this adapter's tuning cache, shapes it lacks
  // timed now (VAE_MATMUL_TUNING=off: the untuned defaults, as in `vae train`)
  if (backend === 'webgpu' && process.env.VAE_MATMUL_TUNING !== 'off')
    await tuneMatmuls(be as WebGPUBackend, layerMatmuls(vaeLayers(INPUT, [HIDDEN], LATENT), BATCH));
  // the check: the reference's parameters and noise, the same values out
  const model = newVae();
  for (const [name, p] of model.namedParameters()) p.assign(tensor(ref.params[name]!.data, ref.params[name]!.shape));
  const check = compareStep(ref, await ourStepValues(model, ref.x, ref.eps), `ours ${backend}`);
  model.dispose();

  manualSeed(0);
  const step = ourTrainingStep();
  const gpu = backend === 'webgpu' ? (be as WebGPUBackend) : null;
  const timing = await timeSteps(step, batches, warmup, runs);
  const result: OurStepResult = { ...timing, check, description: be.description };
  if (gpu) {
    // launches of a steady step (the first steps also pack Adam's state and compile): 3 more steps
    const d1 = gpu.stats().dispatches;
    for (let s = 0; s < 3; s++) await step(batches[s % batches.length]!);
    result.dispatchesPerStep = (gpu.stats().dispatches - d1) / 3;
  }
  if (gpu && profileCount > 0) {
    let s = 0;
    result.profile = await profileSteps(gpu, () => step(batches[s++ % batches.length]!), profileCount);
  }
  return result;
}
