// Adam for every parameter in one dispatch: parameters and moments as parts of one allocation
// (allocParts), the kernel vs the CPU step over random part sizes (1, odd, not multiples of 4),
// more parts than one dispatch can bind, parts read and written on their own; and the Adam
// optimizer on WebGPU: one launch per step, the same parameters as on the CPU, repacking after
// its state is replaced.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { AdamDesc, Buf } from '../../src/kernels/backend.js';
import { Adam, manualSeed, MLP, tensor, tidy } from '../../src/index.js';
import { cpuBackend } from '../../src/tensor/backends.js';
import { describeWebGPU, expectClose, randomArray } from '../helpers/gpu.js';

const d0 = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
const descAt = (t: number): AdamDesc => ({ ...d0, bias1: 1 - d0.beta1 ** t, bias2: 1 - d0.beta2 ** t });

await describeWebGPU('webgpu adam over parts of one allocation', (gpu, cpu) => {
  it('parts are buffers of their own: upload, read, kernels, free', async () => {
    const parts = gpu.allocParts([3, 1, 3], 'float32');
    const data = [randomArray(3, 1), randomArray(1, 2), randomArray(3, 3)];
    parts.forEach((p, i) =>
      gpu.copy(gpu.upload(data[i]!, 'float32'), { offset: 0, strides: [1] }, p, { offset: 0, strides: [1] }, [p.size]),
    );
    for (const [i, p] of parts.entries()) expectClose(await gpu.read(p), data[i]!, { atol: 0 });
    // a kernel reading one part and writing another part of the same allocation (copied first)
    gpu.map('exp', [{ buf: parts[0]!, shape: [3] }], parts[2]!, [3]);
    expectClose(await gpu.read(parts[2]!), data[0]!.map(Math.exp), { rtol: 1e-6 });
    expectClose(await gpu.read(parts[1]!), data[1]!, { atol: 0 });
    expectClose(await gpu.read(parts[0]!), data[0]!, { atol: 0 });
    parts.forEach((p) => gpu.free(p));
  });

  it('matches the CPU step over random part sizes and several iterations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(20, 400, 1027)), {
          minLength: 1,
          maxLength: 14,
        }),
        fc.integer({ min: 1, max: 1e9 }),
        async (sizes, seed) => {
          const make = (be: typeof gpu | typeof cpu) => {
            const [p, m, v] = [0, 1, 2].map(() => be.allocParts(sizes, 'float32'));
            sizes.forEach((n, i) => {
              for (const [k, group] of [p, m, v].entries()) {
                const init = k === 0 ? randomArray(n, seed + i) : new Float32Array(n);
                be.copy(
                  be.upload(init, 'float32'),
                  { offset: 0, strides: [1] },
                  group![i]!,
                  { offset: 0, strides: [1] },
                  [n],
                );
              }
            });
            return { p: p!, m: m!, v: v! };
          };
          const [g, c] = [make(gpu), make(cpu)];
          for (let t = 1; t <= 2; t++) {
            const grads = sizes.map((n, i) => randomArray(n, seed * 7 + t * 31 + i));
            const gg: Buf[] = grads.map((x) => gpu.upload(x, 'float32'));
            const cg: Buf[] = grads.map((x) => cpu.upload(x, 'float32'));
            gpu.adamParts(g.p, gg, g.m, g.v, descAt(t));
            cpu.adamParts(c.p, cg, c.m, c.v, descAt(t));
            gg.forEach((b) => gpu.free(b));
          }
          for (const [i] of sizes.entries()) {
            for (const k of ['p', 'm', 'v'] as const)
              expectClose(await gpu.read(g[k][i]!), await cpu.read(c[k][i]!), {
                rtol: 2e-5,
                atol: 1e-6,
                what: `${k}[${i}] of ${sizes}`,
              });
          }
          for (const k of ['p', 'm', 'v'] as const) g[k].forEach((b) => gpu.free(b));
        },
      ),
      { numRuns: 4 },
    );
  });

  it('rejects parameters that are not parts laid out like the moments', () => {
    const [p, m, v] = [
      gpu.allocParts([4, 8], 'float32'),
      gpu.allocParts([4, 8], 'float32'),
      gpu.allocParts([8, 4], 'float32'),
    ];
    const g = [gpu.alloc(4, 'float32'), gpu.alloc(8, 'float32')];
    expect(() => gpu.adamParts(p, g, m, v, descAt(1))).toThrow(/sizes differ|laid out/);
    expect(() => gpu.adamParts([gpu.alloc(4, 'float32'), p[1]!], g, m, m, descAt(1))).toThrow(
      /parts of one allocation/,
    );
  });

  it('the Adam optimizer: one launch per step, the same parameters as on the CPU, also after loadState', async () => {
    const run = async (backend: 'gpu' | 'cpu') => {
      manualSeed(5);
      const be = backend === 'gpu' ? gpu : cpuBackend();
      const net = new MLP([6, 5, 3], 'tanh', 'none', { backend: be });
      const opt = new Adam(net.parameters(), { lr: 0.05 });
      const x = tensor(randomArray(4 * 6, 11), [4, 6], { backend: be });
      const launches: number[] = [];
      for (let s = 0; s < 4; s++) {
        if (s === 2) {
          // replace the moments (as a checkpoint load does): the next step packs them again
          const state = opt.stateTensors();
          const copies = Object.fromEntries(Object.entries(state).map(([k, t]) => [k, t.add(0)]));
          opt.loadState(copies, opt.stateScalars());
        }
        tidy(() => {
          opt.zeroGrad();
          net.forward(x).square().sum().backward();
        });
        const before = backend === 'gpu' ? gpu.stats().dispatches : 0;
        opt.step();
        if (backend === 'gpu') launches.push(gpu.stats().dispatches - before);
      }
      const out = await Promise.all(net.parameters().map((p) => p.data()));
      opt.dispose();
      net.dispose();
      x.dispose();
      return { out, launches };
    };
    const g = await run('gpu');
    const c = await run('cpu');
    g.out.forEach((p, i) => expectClose(p, c.out[i]!, { rtol: 1e-4, atol: 1e-5, what: `parameter ${i}` }));
    // steps 1 and 3 pack (copies first); every other step is a single dispatch
    expect(g.launches[1]).toBe(1);
    expect(g.launches[3]).toBe(1);
  });
});
