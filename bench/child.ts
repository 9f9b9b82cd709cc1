// One measurement in a process of its own (spawned by bench/kernels.ts and bench/step.ts):
//   child.ts --suite kernels|step --impl ours-webgpu|ours-cpu|tfjs-webgpu|tfjs-wasm|tfjs-cpu|torch-default|torch-2
//            [--runs N] [--warmup N] [--quick] [--profile N] --out FILE
// Writes its result as JSON to FILE. The implementation's modules are imported only here, so a
// TF.js child never loads our engine's WebGPU device and ours never loads TF.js.
import { writeFileSync } from 'node:fs';
import type { OurBackend } from './impl/ours.js';
import type { Impl } from './lib/child.js';
import { kernelCases } from './lib/kernel-cases.js';
import { flag } from './lib/stats.js';
import { mnistBatches, stepReference } from './lib/vae-step.js';

const argv = process.argv.slice(2);
const suite = flag(argv, 'suite');
const impl = flag(argv, 'impl') as Impl;
const out = flag(argv, 'out');
const runs = Number(flag(argv, 'runs') ?? 7);
const warmup = Number(flag(argv, 'warmup') ?? 3);
const profileSteps = Number(flag(argv, 'profile') ?? 0);
if (!out || !impl || !suite) throw new Error('usage: child.ts --suite kernels|step --impl IMPL --out FILE');
const [framework, ...rest] = impl.split('-') as ['ours' | 'tfjs' | 'torch', ...string[]];
const backend = rest.join('-'); // 'webgpu', 'cpu', 'cpu-reference', 'wasm', 'default', '2' ...

let result: unknown;
if (suite === 'kernels') {
  const cases = kernelCases(argv.includes('--quick'));
  if (framework === 'ours')
    result = await (await import('./impl/ours.js')).ourKernels(backend as OurBackend, cases, runs);
  else if (framework === 'tfjs')
    result = await (await import('./impl/tfjs.js')).tfKernelBench(backend as 'webgpu' | 'wasm' | 'cpu', cases, runs);
  else throw new Error(`${impl}: no kernel suite (the PyTorch peer times the training step only)`);
} else if (suite === 'step') {
  const batches = await mnistBatches(8);
  const ref = await stepReference(batches[0]!);
  if (framework === 'ours')
    result = await (await import('./impl/ours.js')).ourStep(
      backend as OurBackend,
      ref,
      batches,
      warmup,
      runs,
      profileSteps,
    );
  else if (framework === 'torch')
    // PyTorch's step runs in a python3 of its own (bench/impl/pytorch_step.py), spawned from here
    result = await (await import('./impl/pytorch.js')).torchStep(
      backend === 'default' ? 'default' : Number(backend),
      ref,
      batches,
      warmup,
      runs,
    );
  else
    result = await (await import('./impl/tfjs.js')).tfStep(
      backend as 'webgpu' | 'wasm' | 'cpu',
      ref,
      batches,
      warmup,
      runs,
    );
} else throw new Error(`unknown suite ${suite}`);

writeFileSync(out, JSON.stringify({ impl, suite, result }));
// Dawn devices and TF.js's wasm module keep the event loop alive: leave explicitly
process.exit(0);
