// TensorFlow.js in a bench child: its webgpu backend (on the same Dawn adapter as ours, through
// the `webgpu` package's navigator.gpu), its wasm backend (XNNPACK with SIMD, loaded offline
// from node_modules) and its plain-JS cpu backend. Kernels are single ops (tf.matMul, tf.add,
// tf.exp, tf.sum); the training step is the same VAE written the way TF.js users write it:
// tf.variable parameters, tf.train.adam(1e-3), optimizer.minimize, the loss read every step.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import { INPUT_SETS, type KernelCase } from '../lib/kernel-cases.js';
import { vaeLoss, variablesFrom } from '../lib/tfjs-vae.js';
import { timeKernels, type CaseResult, type KernelImpl, type Prepared } from '../lib/time-kernels.js';
import {
  BATCH,
  compareStep,
  INPUT,
  LATENT,
  LR,
  timeSteps,
  type StepReference,
  type StepTiming,
  type StepValues,
} from '../lib/vae-step.js';

export type TfBackend = 'webgpu' | 'wasm' | 'cpu';

/** Imports TF.js with one backend registered and selected. */
export async function loadTf(backend: TfBackend): Promise<typeof TF> {
  if (backend === 'webgpu') {
    // TF.js looks for navigator.gpu: give it Dawn's, with the WebGPU globals (GPUBufferUsage ...)
    const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: object };
    Object.assign(globalThis, dawn.globals);
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: dawn.create([]) },
      configurable: true,
      writable: true,
    });
  }
  // the @tensorflow/tfjs bundle: tfjs-core plus the registered gradients (tfjs-core's Node build
  // has none) and the cpu backend; it shares tfjs-core with the backend packages
  await import('@tensorflow/tfjs');
  const tf = await import('@tensorflow/tfjs-core');
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // the .wasm binaries ship in the package's dist/: a filesystem prefix works offline in Node
    const dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${join(dir, 'dist')}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js: backend ${backend} failed to initialise`);
  await tf.ready();
  return tf;
}

function tfKernels(tf: typeof TF): KernelImpl {
  let last: TF.Tensor | null = null;
  return {
    variants: () => [''],
    prepare(c: KernelCase, inputs: Float32Array[][]): Prepared {
      const ins = inputs.map((set) =>
        c.kind === 'matmul'
          ? [
              tf.tensor2d(set[0]!, c.transA ? [c.k, c.m] : [c.m, c.k]),
              tf.tensor2d(set[1]!, c.transB ? [c.n, c.k] : [c.k, c.n]),
            ]
          : set.map((a) => tf.tensor2d(a, [c.rows, c.cols])),
      );
      const outs: (TF.Tensor | null)[] = Array.from({ length: INPUT_SETS }, () => null);
      const run = (s: number): void => {
        const [a, b] = ins[s] as [TF.Tensor2D, TF.Tensor2D];
        const out =
          c.kind === 'matmul'
            ? tf.matMul(a, b, c.transA, c.transB)
            : c.kind === 'add'
              ? tf.add(a, b)
              : c.kind === 'exp'
                ? tf.exp(a)
                : tf.sum(a, 1);
        outs[s]?.dispose();
        outs[s] = out;
        last = out;
      };
      return {
        run,
        read: async (s) => Float32Array.from((await outs[s]!.data()) as Float32Array),
        dispose: () => {
          ins.flat().forEach((t) => t.dispose());
          outs.forEach((t) => t?.dispose());
          last = null;
        },
      };
    },
    // wait for everything enqueued: read one element of the last result (the queue is in order)
    sync: async () => {
      if (!last) return;
      const one = tf.tidy(() => tf.slice(tf.reshape(last!, [-1]), 0, 1));
      await one.data();
      one.dispose();
    },
  };
}

export async function tfKernelBench(backend: TfBackend, cases: KernelCase[], runs: number): Promise<CaseResult[]> {
  const tf = await loadTf(backend);
  return timeKernels(tfKernels(tf), cases, runs);
}

async function tfStepValues(tf: typeof TF, ref: StepReference): Promise<StepValues> {
  const vars = variablesFrom(tf, ref.params);
  const optimizer = tf.train.adam(LR);
  const x = tf.tensor2d(ref.x, [BATCH, INPUT]);
  const eps = tf.tensor2d(ref.eps, [BATCH, LATENT]);
  const { value, grads } = tf.variableGrads(() => vaeLoss(tf, vars, x, eps), Object.values(vars));
  const loss1 = (await value.data())[0]!;
  const gradArrays: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) {
    // back to our [out, in] layout for the comparison
    const ours = name.endsWith('.weight') ? tf.transpose(g) : g;
    gradArrays[name] = Float32Array.from((await ours.data()) as Float32Array);
    if (ours !== g) ours.dispose();
  }
  optimizer.applyGradients(grads as TF.NamedTensorMap as Record<string, TF.Variable>);
  const l2 = tf.tidy(() => vaeLoss(tf, vars, x, eps));
  const loss2 = (await l2.data())[0]!;
  tf.dispose([value, l2, x, eps, ...Object.values(grads), ...Object.values(vars)]);
  optimizer.dispose();
  return { loss1, grads: gradArrays, loss2 };
}

export interface TfStepResult extends StepTiming {
  check: ReturnType<typeof compareStep>;
  description: string;
}

export async function tfStep(
  backend: TfBackend,
  ref: StepReference,
  batches: Float32Array[],
  warmup: number,
  runs: number,
): Promise<TfStepResult> {
  const tf = await loadTf(backend);
  const check = compareStep(ref, await tfStepValues(tf, ref), `TF.js ${backend}`);
  const vars = variablesFrom(tf, null);
  const optimizer = tf.train.adam(LR);
  const step = async (xData: Float32Array): Promise<number> => {
    const x = tf.tensor2d(xData, [BATCH, INPUT]);
    const cost = optimizer.minimize(() => vaeLoss(tf, vars, x, tf.randomNormal([BATCH, LATENT])), true)!;
    const loss = (await cost.data())[0]!;
    cost.dispose();
    x.dispose();
    return loss;
  };
  const timing = await timeSteps(step, batches, warmup, runs);
  return { ...timing, check, description: `TensorFlow.js ${tf.version_core} ${backend}` };
}
