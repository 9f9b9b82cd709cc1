// `vae sample`: draw images from a trained model's prior into a PNG grid or a NumPy .npy array.
import { extname } from 'node:path';
import { writeImageGrid } from '../data/image-grid.js';
import { writeNpy } from '../data/npy.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../tensor/creation.js';
import { manualSeed } from '../tensor/random.js';
import { tidy } from '../tensor/tidy.js';
import { loadCheckpoint } from '../vae/checkpoint.js';
import { checkInFolder, checkOutFile, Flags, parseFlags, UsageError } from './args.js';
import { CHECKPOINT_FLAGS, checkModelFits } from './fits.js';
import { currentBackend } from '../tensor/backends.js';
import { selectBackend } from './backend-choice.js';
import { cyclingLabels } from './pictures.js';

export const SAMPLE_HELP = `vae sample — draw from a trained model

  --checkpoint DIR    a directory written by vae train (required)
  --n N               how many images (64)
  --digit D           CVAE only: the class to draw (default: cycle 0-9)
  --seed S            (0)
  --backend auto|webgpu|cpu  (auto)
  --out FILE          FILE.png: an image grid; FILE.npy: an N×784 float32 array of Bernoulli means`;

const SPEC = {
  checkpoint: { type: 'string' },
  n: { type: 'string' },
  digit: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function sampleCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const f = new Flags('sample', parseFlags('sample', argv, SPEC));
  if (f.bool('help')) {
    log(SAMPLE_HELP);
    return 0;
  }
  const dir = f.string('checkpoint');
  const out = f.string('out');
  const n = f.int('n', 64, { min: 1, max: 1_000_000 });
  const seed = f.int('seed', 0, { min: 0 });
  const format = extname(out).toLowerCase();
  if (format !== '.png' && format !== '.npy')
    throw new UsageError(`vae sample: --out must end in .png or .npy, got '${out}'`);
  const digit = f.has('digit') ? f.int('digit', 0, { min: 0, max: 9 }) : undefined;
  const backendChoice = f.choice('backend', ['auto', 'webgpu', 'cpu'] as const, 'auto');
  await checkInFolder(dir, '--checkpoint');
  await checkOutFile(out, '--out');
  await selectBackend(backendChoice, log);
  const { model } = await loadCheckpoint(dir);
  if (digit !== undefined && !model.conditional)
    throw new UsageError(`vae sample: --digit needs a CVAE checkpoint; ${dir} holds a plain VAE`);
  const classes = model.config.classes ?? 0;
  if (digit !== undefined && digit >= classes)
    throw new UsageError(`vae sample: --digit ${digit} is outside the checkpoint's ${classes} classes`);
  checkModelFits('sample', currentBackend(), model.config, { count: n, flag: '--n' }, CHECKPOINT_FLAGS);
  manualSeed(seed);
  const images = noGrad(() =>
    tidy(() => {
      if (!model.conditional) return model.sample(n);
      const labels =
        digit === undefined
          ? cyclingLabels(n, classes)
          : tensor(new Int32Array(n).fill(digit), [n], { dtype: 'int32' });
      return model.sample(n, labels);
    }),
  );
  const data = Float32Array.from(await images.data());
  images.dispose();
  const side = Math.round(Math.sqrt(model.config.inputDim));
  if (format === '.npy') await writeNpy(out, data, [n, model.config.inputDim]);
  else
    await writeImageGrid(out, data, {
      count: n,
      rows: side,
      cols: side,
      gridCols: Math.ceil(Math.sqrt(n)),
      scale: 2,
      padding: 1,
    });
  log(
    `wrote ${n} ${model.conditional ? (digit === undefined ? 'class-cycling ' : `digit-${digit} `) : ''}samples to ` +
      `${out}`,
  );
  return 0;
}
