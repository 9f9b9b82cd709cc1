// Launch overhead: how much a tiny dispatch costs end to end (encode in JS + run on the device),
// and what the per-dispatch parameter scheme costs. Four ways to launch N tiny kernels:
//   staged        — the runtime's way: parameters packed into one host staging area, written
//                   with a single queue.writeBuffer per submit, each dispatch binding its own
//                   dynamic offset of it through a cached bind group;
//   stagedNoCache — the same, but a new bind group for every dispatch;
//   perWrite      — one small uniform buffer per dispatch, each written by its own
//                   queue.writeBuffer (and so its own bind group);
//   perSubmit     — the runtime's way, but flushed after every dispatch (one submit each).
//   npm run bench:dispatch
// "batched" (staged) against "one by one" (perSubmit) is the number that matters for a training
// step: ~76 launches per step. Prints a markdown table; writes bench/results/dispatch.json.
import { createWebGPUBackend } from '../src/kernels/webgpu/index.js';
import { Usage } from '../src/kernels/webgpu/gpu-api.js';
import { paramsDecl, paramsLets, u32 } from '../src/kernels/webgpu/params.js';
import { benchEnv, envLines } from './lib/env.js';
import { cell, summarize, table, writeResult } from './lib/stats.js';

const N = 2000;
const slots = [u32('n'), u32('value')];
const source = `${paramsDecl(slots)}
@group(0) @binding(1) var<storage, read_write> O: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
${paramsLets(slots)}
  if (gid.x < n) { O[gid.x] = O[gid.x] + value; }
}`;

const env = await benchEnv();
const gpu = await createWebGPUBackend();
if (!gpu) {
  console.log('No WebGPU adapter.');
  process.exit(0);
}
const rt = gpu.runtime;
const device = gpu.device;
const kernel = rt.kernel('tiny_add', source, slots);
const out = gpu.alloc(64, 'int32');

/** µs per dispatch: recording them in JS, and until the device has run them all. */
async function timeIt(launch: () => void): Promise<{ encode: number; total: number }> {
  await rt.finish();
  const t0 = performance.now();
  launch();
  const t1 = performance.now();
  await rt.finish();
  const t2 = performance.now();
  return { encode: ((t1 - t0) * 1000) / N, total: ((t2 - t0) * 1000) / N };
}

const staged = (): void => {
  for (let i = 0; i < N; i++) rt.dispatch(kernel, { n: 64, value: 1 }, [out.gpuBuffer], [1, 1, 1]);
};
const perSubmit = (): void => {
  for (let i = 0; i < N; i++) {
    rt.dispatch(kernel, { n: 64, value: 1 }, [out.gpuBuffer], [1, 1, 1]);
    rt.flush();
  }
};
const stagedNoCache = (): void => {
  for (let i = 0; i < N; i++) {
    rt.bindGroups.clear();
    rt.dispatch(kernel, { n: 64, value: 1 }, [out.gpuBuffer], [1, 1, 1]);
  }
};
const uniforms = Array.from({ length: N }, () =>
  device.createBuffer({ size: 16, usage: Usage.UNIFORM | Usage.COPY_DST }),
);
const perWrite = (): void => {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  const words = new Uint32Array([64, 1, 0, 0]);
  for (const uniform of uniforms) {
    device.queue.writeBuffer(uniform, 0, words);
    const bindGroup = device.createBindGroup({
      layout: kernel.layout,
      entries: [
        { binding: 0, resource: { buffer: uniform } },
        { binding: 1, resource: { buffer: out.gpuBuffer } },
      ],
    });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, bindGroup, [0]);
    pass.dispatchWorkgroups(1);
  }
  pass.end();
  device.queue.submit([encoder.finish()]);
};

const schemes = { staged, stagedNoCache, perWrite, perSubmit };
const results: Record<string, { encode: number[]; total: number[] }> = {};
for (let round = 0; round < 8; round++) {
  for (const [name, f] of Object.entries(schemes)) {
    const t = await timeIt(f);
    results[name] ??= { encode: [], total: [] };
    if (round > 0) {
      results[name].encode.push(t.encode);
      results[name].total.push(t.total);
    }
  }
}
const LABELS: Record<string, string> = {
  staged: 'batched: one pass, one submit (the runtime)',
  stagedNoCache: 'batched, a new bind group per launch',
  perWrite: 'batched, a uniform buffer + writeBuffer per launch',
  perSubmit: 'one by one: a submit per launch',
};
console.log(`## Dispatch overhead: ${N} tiny kernel launches (64 invocations each)\n`);
console.log(envLines(env));
console.log(
  `method: µs per launch, median (min–max) of 7 rounds after one warm-up round, schemes interleaved round by round\n`,
);
const rows = Object.entries(results).map(([name, r]) => [
  LABELS[name] ?? name,
  cell(summarize(r.encode)),
  cell(summarize(r.total)),
]);
console.log(table(['scheme', 'JS encode µs/launch', 'until done µs/launch'], rows));
const file = writeResult('dispatch.json', {
  env,
  launches: N,
  schemes: Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      { label: LABELS[name], encodeUs: summarize(r.encode), totalUs: summarize(r.total), samples: r },
    ]),
  ),
});
console.log(`\nwrote ${file}`);
uniforms.forEach((u) => u.destroy());
gpu.destroy();
