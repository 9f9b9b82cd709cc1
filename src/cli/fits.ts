// Will the model fit? The largest buffers a run allocates — each layer's weight matrix and the
// activations of `rows` examples at the widest layer — checked against the backend's largest
// buffer before any work starts, so a too-large --hidden, --latent, --batch or --n is an error
// that names the flag and the limit instead of a failure deep inside a kernel.
import type { Backend } from '../kernels/backend.js';
import type { VAEConfig } from '../vae/vae.js';
import { UsageError } from './args.js';

const BYTES = 4; // float32

/** For commands that read a checkpoint: its sizes were chosen at training time. */
export const CHECKPOINT_FLAGS = { hidden: "the checkpoint's hidden sizes", latent: "the checkpoint's latent size" };

/** The limit in words a user can act on. */
function limitText(backend: Backend): string {
  const n = backend.maxBufferBytes.toLocaleString('en');
  return backend.name === 'webgpu'
    ? `this adapter's largest buffer (${n} bytes, maxStorageBufferBindingSize)`
    : `the ${backend.name} backend's largest buffer (${n} bytes)`;
}

/**
 * Throws a UsageError when config's weights, or its activations for `rows.count` examples at
 * once, exceed the backend's largest buffer. `rows.flag` is the flag that sets the count.
 */
export function checkModelFits(
  command: string,
  backend: Backend,
  config: VAEConfig,
  /** How many examples at once, and the flag that sets it (none: a fixed count, e.g. an evaluation pass). */
  rows: { count: number; flag?: string },
  flags: { hidden: string; latent: string } = { hidden: '--hidden', latent: '--latent' },
): void {
  const max = backend.maxBufferBytes;
  const cond = config.classes ?? 0;
  const enc = [config.inputDim + cond, ...config.hidden];
  const dec = [config.latent + cond, ...[...config.hidden].reverse(), config.inputDim];
  // consecutive widths: the layers' [in, out] (the encoder's last width feeds the latent heads)
  const pairs = (widths: number[]) => widths.slice(1).map((out, i): [number, number] => [widths[i] ?? out, out]);
  const layers = [...pairs([...enc, config.latent]), ...pairs(dec)];
  // the flag behind a layer: a hidden width if it has one, else the latent size, else the data
  const blame = (a: number, b: number) =>
    config.hidden.includes(a) || config.hidden.includes(b)
      ? `${flags.hidden} ${config.hidden.join(',')}`
      : a === config.latent + cond || b === config.latent
        ? `${flags.latent} ${config.latent}`
        : `the data's ${config.inputDim} pixels per image`;
  for (const [a, b] of layers) {
    const bytes = a * b * BYTES;
    if (bytes > max)
      throw new UsageError(
        `vae ${command}: ${blame(a, b)} needs a ${a}×${b} weight matrix of ` +
          `${bytes.toLocaleString('en')} bytes, more than ${limitText(backend)}`,
      );
  }
  const widest = Math.max(...enc, ...dec);
  const bytes = rows.count * widest * BYTES;
  if (bytes <= max) return;
  const most = Math.floor(max / (widest * BYTES));
  const size = `${rows.count}×${widest} activations of ${bytes.toLocaleString('en')} bytes`;
  const what = `${size}, more than ${limitText(backend)}`;
  if (rows.flag)
    throw new UsageError(`vae ${command}: ${rows.flag} ${rows.count} needs ${what}; at most ${rows.flag} ${most} here`);
  // a fixed count (an evaluation pass): the width is what can change
  const culprit = config.hidden.includes(widest)
    ? `${flags.hidden} ${config.hidden.join(',')}`
    : `${flags.latent} ${config.latent}`;
  throw new UsageError(`vae ${command}: ${culprit}: evaluating ${rows.count} images at once needs ${what}`);
}
