// `vae tune`: time the WebGPU matmul candidates at a VAE's training shapes on this adapter,
// print the table and keep the fastest per shape in the cache (vae train reads it).
import { currentBackend } from '../tensor/backends.js';
import type { WebGPUBackend } from '../kernels/webgpu/webgpu-backend.js';
import { VAE_DEFAULTS, VAE_TRAIN_DEFAULTS } from '../vae/defaults.js';
import { Flags, parseFlags, UsageError } from './args.js';
import { selectBackend } from './backend-choice.js';
import { TUNING_MIN_MULADDS } from '../kernels/webgpu/kernels/matmul/tune.js';
import { layerMatmuls, vaeLayers } from '../vae/matmul-shapes.js';
import { formatTuning, tuneMatmuls } from './matmul-tuning.js';

export const TUNE_HELP = `vae tune — pick the fastest WebGPU matmul configuration for each product of a training step

Times every candidate of the blocked matmul (rows × vec4 columns per invocation, workgroup
shape) at the forward and backward products of the VAE below, on this adapter, prints GFLOP/s
per candidate and keeps the fastest per shape in the cache, which vae train reads (and fills on
first use). Results do not change with the choice: every candidate sums in the same order.

  --hidden N[,N...]   hidden layer sizes (400)
  --latent N          (20)
  --batch N           (128)
  --rounds N          timed rounds per candidate (5)
  --cache FILE        the cache file (default: $XDG_CACHE_HOME/vae-webgpu/matmul-tuning.json)`;

const SPEC = {
  hidden: { type: 'string' },
  latent: { type: 'string' },
  batch: { type: 'string' },
  rounds: { type: 'string' },
  cache: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function tuneCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const f = new Flags('tune', parseFlags('tune', argv, SPEC));
  if (f.bool('help')) {
    log(TUNE_HELP);
    return 0;
  }
  const hidden = f.has('hidden')
    ? f
        .string('hidden')
        .split(',')
        .map((s) => {
          const n = Number(s);
          if (!Number.isInteger(n) || n < 1)
            throw new UsageError(`vae tune: --hidden must be positive integers, got '${s}'`);
          return n;
        })
    : [...VAE_DEFAULTS.hidden];
  const latent = f.int('latent', VAE_DEFAULTS.latent, { min: 1 });
  const batch = f.int('batch', VAE_TRAIN_DEFAULTS.batchSize, { min: 1 });
  const rounds = f.int('rounds', 5, { min: 1, max: 100 });
  const info = await selectBackend('webgpu', log);
  if (info.name !== 'webgpu') throw new UsageError('vae tune: needs a WebGPU adapter');
  const gpu = currentBackend() as WebGPUBackend;
  const descs = layerMatmuls(vaeLayers(784, hidden, latent), batch);
  if (descs.length === 0) {
    log(
      `nothing to tune: every product of this model (784-${hidden.join('-')}-${latent}, batch ${batch}) is below ` +
        `${TUNING_MIN_MULADDS.toLocaleString('en')} multiply-adds, where the default configuration is as fast as any`,
    );
    return 0;
  }
  log(
    `tuning ${descs.length} matmul shapes × candidates, ${rounds} rounds each ` +
      '(the first run also compiles every candidate)…',
  );
  const { file, results } = await tuneMatmuls(gpu, descs, {
    force: true,
    file: f.has('cache') ? f.string('cache') : undefined,
    rounds,
  });
  log(formatTuning(results));
  log(`\nwrote ${file}`);
  return 0;
}
