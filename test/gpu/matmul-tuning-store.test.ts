// Tuning on first use through the public API (what the lab does with IndexedDB and vae train with
// a file): the first call times every shape of the model and stores the table, the second finds
// it all stored and times nothing; the CPU backend has nothing to tune; a bad batch is named.
import { afterAll, describe, expect, it } from 'vitest';
import {
  type MatmulTuning,
  type MatmulTuningStore,
  releaseBackends,
  tuneMatmulsFor,
  useBackend,
} from '../../src/index.js';
import { layerMatmuls, vaeLayers } from '../../src/vae/matmul-shapes.js';
import { getGpuBackend } from '../helpers/gpu.js';

const probe = await getGpuBackend();
probe?.destroy();

/** A store in memory that counts its reads and writes. */
function memoryStore(): MatmulTuningStore & { tables: Map<string, MatmulTuning>; loads: number; saves: number } {
  const tables = new Map<string, MatmulTuning>();
  const store = {
    where: 'memory',
    tables,
    loads: 0,
    saves: 0,
    load(key: string): MatmulTuning {
      store.loads++;
      return { ...(tables.get(key) ?? {}) };
    },
    save(key: string, t: MatmulTuning): void {
      store.saves++;
      tables.set(key, { ...(tables.get(key) ?? {}), ...t });
    },
  };
  return store;
}

const config = { inputDim: 784, hidden: [64], latent: 2 };

describe('tuneMatmulsFor on the CPU backend', () => {
  it('has nothing to tune, and names a bad batch', async () => {
    await useBackend('cpu');
    const store = memoryStore();
    expect(await tuneMatmulsFor(config, 32, store)).toBeNull();
    expect(store.loads + store.saves).toBe(0);
    await expect(tuneMatmulsFor(config, 0, store)).rejects.toThrow(/batch must be a positive integer, got 0/);
  });
});

describe.skipIf(!probe)('tuneMatmulsFor on WebGPU', () => {
  afterAll(() => releaseBackends());

  it('times the shapes the store lacks, stores them, and the next call times nothing', async () => {
    await useBackend('webgpu');
    const shapes = layerMatmuls(vaeLayers(784, [64], 2), 32);
    expect(shapes.length).toBeGreaterThan(0);
    const store = memoryStore();

    const first = await tuneMatmulsFor(config, 32, store, { rounds: 1 });
    expect(first).not.toBeNull();
    expect(first!.where).toBe('memory');
    expect(first!.shapes).toBe(shapes.length);
    expect(first!.timed).toHaveLength(shapes.length);
    expect(store.saves).toBe(1);
    const [table] = [...store.tables.values()];
    for (const r of first!.timed) expect(table![r.key]).toBe(r.best);

    const second = await tuneMatmulsFor(config, 32, store, { rounds: 1 });
    expect(second!.timed).toEqual([]);
    expect(store.saves).toBe(1);

    const forced = await tuneMatmulsFor(config, 32, store, { rounds: 1, force: true });
    expect(forced!.timed).toHaveLength(shapes.length);
  }, 120_000);
});
