// The browser smoke page: proves the library works on `navigator.gpu`. It picks the WebGPU
// backend, runs a handful of ops on the GPU and the same ops on the CPU backend from the same
// inputs, runs gradcheck (float64 on the CPU) and a few Adam steps of a tiny VAE on the GPU,
// and leaves everything as JSON in `window.__result` and in <pre id="result">. It also runs the
// same ops on the fast CPU backend (WebAssembly SIMD) against the CPU reference, in the page.
// Bundle with `npx tsx web/build.ts`; test/browser/browser.test.ts drives it in Chromium.
import {
  Adam,
  VAE,
  createRng,
  backendInfo,
  gradcheck,
  linear,
  manualSeed,
  rand,
  releaseBackends,
  tensor,
  tidy,
  useBackend,
  type Backend,
  type Tensor,
} from '../src/index.js';
import { cpuBackend, currentBackend, referenceBackend } from '../src/tensor/backends.js';
import type { Comparison, SmokeResult } from './result.js';

declare global {
  interface Window {
    __result?: SmokeResult;
  }
}

/** Deterministic floats in [lo, hi) from the library's seeded generator, so both backends get the same inputs. */
function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
}

/** An op under test: builds its inputs on `on` and returns the tensors to compare. */
interface Case {
  name: string;
  run: (on: Backend) => Tensor[];
}

const make = (on: Backend, shape: number[], seed: number, scale = 1, requiresGrad = false): Tensor =>
  tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
      -scale,
      scale,
    ),
    shape,
    { backend: on, requiresGrad },
  );

const cases: Case[] = [
  // shapes that are not multiples of any tile
  { name: 'matmul [37,53]x[53,29]', run: (on) => [make(on, [37, 53], 1).matmul(make(on, [53, 29], 2))] },
  {
    name: 'matmul transposed A',
    run: (on) => [
      make(on, [53, 37], 3)
        .transpose()
        .matmul(make(on, [53, 29], 4)),
    ],
  },
  {
    name: 'linear + relu [33,70]->[33,45]',
    run: (on) => [linear(make(on, [33, 70], 5), make(on, [45, 70], 6, 0.3), make(on, [45], 7), 'relu')],
  },
  { name: 'softmax rows [13,101]', run: (on) => [make(on, [13, 101], 8, 6).softmax(-1)] },
  { name: 'logsumexp rows [13,101]', run: (on) => [make(on, [13, 101], 9, 6).logsumexp(1)] },
  {
    name: 'reductions [17,45,3]: sum(1), max(0), mean()',
    run: (on) => {
      const x = make(on, [17, 45, 3], 10);
      return [x.sum(1), x.max(0), x.mean()];
    },
  },
  {
    // an MLP with a cross-entropy loss: the gradients of every input, by backward()
    name: 'backward: linear+relu -> linear -> logSoftmax cross-entropy + L2',
    run: (on) => {
      const x = make(on, [16, 20], 11, 1, true);
      const w1 = make(on, [24, 20], 12, 0.4, true);
      const b1 = make(on, [24], 13, 0.1, true);
      const w2 = make(on, [5, 24], 14, 0.4, true);
      const target = tensor(
        Float32Array.from({ length: 80 }, (_, i) => (i % 5 === Math.floor(i / 5) % 5 ? 1 : 0)),
        [16, 5],
        { backend: on },
      );
      const h = linear(x, w1, b1, 'relu');
      const logits = linear(h, w2);
      const loss = logits.logSoftmax(-1).mul(target).sum().neg().div(16).add(w1.square().sum().mul(0.01));
      loss.backward();
      return [loss, x.grad!, w1.grad!, b1.grad!, w2.grad!];
    },
  },
];

async function compare(c: Case, gpu: Backend, cpu: Backend): Promise<Comparison> {
  const outs = async (on: Backend) => {
    const ts = c.run(on);
    for (const t of ts)
      if (t.backend !== on) throw new Error(`${c.name}: an output landed on ${t.backend.name}, not ${on.name}`);
    const data = await Promise.all(ts.map((t) => t.data()));
    return { shape: ts.flatMap((t) => [...t.shape]), flat: data.flatMap((d) => Array.from(d)) };
  };
  const g = await outs(gpu);
  const k = await outs(cpu);
  let maxAbsDiff = 0;
  let maxAbsCpu = 0;
  k.flat.forEach((w, i) => {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(g.flat[i]! - w));
    maxAbsCpu = Math.max(maxAbsCpu, Math.abs(w));
  });
  if (g.flat.some((v) => !Number.isFinite(v))) maxAbsDiff = NaN;
  return { name: c.name, shape: k.shape, gpu: g.flat, cpu: k.flat, maxAbsDiff, maxAbsCpu };
}

async function probeAdapter(result: SmokeResult): Promise<void> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) {
    result.gpuStatus = 'no navigator.gpu';
    return;
  }
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    result.gpuStatus = 'no adapter';
    return;
  }
  const i = adapter.info;
  result.gpuStatus = 'ok';
  result.adapter = {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: (i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  };
}

async function trainTinyVae(): Promise<NonNullable<SmokeResult['vae']>> {
  manualSeed(0);
  const model = new VAE({ inputDim: 64, hidden: [32], latent: 4, likelihood: 'bernoulli' });
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  // a fixed batch of binary "images": 4 random prototypes, 8 copies each, so there is
  // structure to learn and the loss has somewhere to go
  const protos = await rand([4, 64]).gt(0.5).toFloat().data();
  const x = tensor(
    Float32Array.from({ length: 32 * 64 }, (_, i) => protos[(Math.floor(i / 64) % 4) * 64 + (i % 64)]!),
    [32, 64],
  );
  const losses: number[] = [];
  for (let step = 0; step < 25; step++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const { loss } = model.elbo(x);
      loss.backward();
      opt.step();
      return loss;
    });
    losses.push(await loss.item());
    loss.dispose();
  }
  const backend = model.parameters()[0]!.backend.name;
  x.dispose();
  opt.dispose();
  model.dispose();
  // compare the mean of the first and last few steps: one sample of z per step is noisy
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { losses, decreased: avg(losses.slice(-5)) < avg(losses.slice(0, 5)), backend };
}

async function main(): Promise<SmokeResult> {
  const result: SmokeResult = {
    ok: false,
    userAgent: navigator.userAgent,
    adapter: null,
    gpuStatus: '',
    comparisons: [],
    millis: {},
  };
  let stage = 'adapter';
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    stage = name;
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      result.millis[name] = Math.round(performance.now() - t0);
    }
  };
  try {
    await timed('adapter', () => probeAdapter(result));
    await timed('useBackend', () => useBackend('webgpu'));
    result.backend = backendInfo();
    const gpu = currentBackend();
    const cpu = referenceBackend();
    await timed('ops', async () => {
      for (const c of cases) result.comparisons.push(await compare(c, gpu, cpu));
    });
    await timed('fastCpu', async () => {
      const fast = cpuBackend();
      result.fastCpu = { description: fast.description, comparisons: [] };
      for (const c of cases) result.fastCpu.comparisons.push(await compare(c, fast, cpu));
    });
    await timed('gradcheck', async () => {
      // float64 finite differences on the CPU, whatever the current backend
      const x = values(6 * 5, 21);
      const target = values(6 * 3, 22, 0, 1);
      const inputs = [make(cpu, [4, 5], 23, 0.5), make(cpu, [4], 24, 0.1), make(cpu, [3, 4], 25, 0.5)];
      try {
        const report = await gradcheck((w1, b1, w2) => {
          const h = linear(tensor(x, [6, 5]), w1!, b1!, 'tanh');
          return h
            .matmul(w2!.transpose())
            .softmax(-1)
            .sub(tensor(target, [6, 3]))
            .square()
            .sum()
            .add(h.logsumexp(1).mean());
        }, inputs);
        result.gradcheck = { ok: report.ok, inputs: report.inputs };
      } catch (e) {
        result.gradcheck = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
    });
    result.vae = await timed('vae', trainTinyVae);
    releaseBackends();
    result.ok = true;
  } catch (e) {
    result.error = e instanceof Error ? { message: e.message, stack: e.stack, stage } : { message: String(e), stage };
  }
  return result;
}

const result = await main();
window.__result = result;
const pre = document.getElementById('result');
if (pre)
  pre.textContent = JSON.stringify(
    { ...result, comparisons: result.comparisons.map(({ gpu, cpu, ...rest }) => rest) },
    null,
    2,
  );
document.title = result.ok ? 'smoke: done' : 'smoke: FAILED';
