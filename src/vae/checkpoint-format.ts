// A checkpoint as bytes, browser-safe: the pair the CLI writes and the lab page loads.
//   config.json         { format, tag?, model: VAEConfig, train?: TrainConfig } (see saved-run.ts)
//   model.safetensors   the parameters by their dotted names (float32), loadable by Python's
//                       safetensors; its metadata repeats format, tag, the model config and the
//                       training settings, so the file alone is a complete description.
// Decoding checks the config strictly, then every parameter's name, dtype and shape against the
// model the config describes, and refuses NaN or infinite weights, naming the tensor.
import type { Backend } from '../kernels/backend.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from '../nn/safetensors.js';
import { currentBackend, withDefaults } from '../tensor/backends.js';
import { tensor } from '../tensor/creation.js';
import { at, fmt } from '../tensor/shape.js';
import { CHECKPOINT_FORMAT, formatSavedRun, parseSavedRun, type SavedRun } from './saved-run.js';
import type { TrainConfig } from './train.js';
import { VAE } from './vae.js';

export { CHECKPOINT_FORMAT, type SavedRun } from './saved-run.js';

/** A checkpoint read back: the model, filled with its weights, and what config.json said. */
export interface LoadedCheckpoint {
  /** The model config.json describes (a VAE or a CVAE), with the weights of model.safetensors. */
  model: VAE;
  /** The model config and the training settings of the run that wrote it. */
  saved: SavedRun;
  /** Which save the model file came from (its training state carries the same tag). */
  tag: string;
}

/** The two files of a checkpoint: config.json's text and model.safetensors' bytes. */
export interface CheckpointFiles {
  /** The text of config.json. */
  config: string;
  /** The bytes of model.safetensors. */
  model: Uint8Array;
}

/**
 * A fresh tag (letters, digits, dashes): which save a model file came from; its training state carries the same tag.
 */
export function newCheckpointTag(progress?: { epoch: number; step: number }): string {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return progress ? `e${progress.epoch}-s${progress.step}-${stamp}` : stamp;
}

/** The model (and training settings) as the two checkpoint files. */
export async function encodeCheckpoint(
  model: VAE,
  extra: { train?: TrainConfig; tag?: string } = {},
): Promise<CheckpointFiles> {
  const tag = extra.tag ?? newCheckpointTag();
  const saved: SavedRun = { model: { ...model.config, hidden: [...model.config.hidden] } };
  if (extra.train) saved.train = { ...extra.train };
  const entries: Record<string, RawTensor> = Object.create(null);
  for (const [name, p] of model.namedParameters())
    entries[name] = { dtype: p.dtype, shape: [...p.shape], data: await p.data() };
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    tag,
    config: JSON.stringify(saved.model),
    ...(saved.train ? { train: JSON.stringify(saved.train) } : {}),
  };
  return { config: formatSavedRun(saved, tag), model: encodeSafetensors(entries, metadata) };
}

/** The first non-finite value of a float tensor, or null. */
function firstNonFinite(r: RawTensor): { index: number; value: number; count: number } | null {
  if (r.dtype === 'int32') return null;
  const bad = (x: number) => !Number.isFinite(x);
  const first = r.data.findIndex(bad);
  if (first < 0) return null;
  let count = 0;
  for (const x of r.data) if (bad(x)) count++;
  return { index: first, value: at(r.data, first), count };
}

/**
 * Builds the model config.json describes and fills it from model.safetensors. `source` (a
 * folder, a URL) prefixes the file names in errors. The model lives on `backend` (default: the
 * current one).
 */
export function decodeCheckpoint(
  files: CheckpointFiles,
  opts: { backend?: Backend; source?: string } = {},
): LoadedCheckpoint {
  const name = (file: string) => (opts.source ? `${opts.source}/${file}` : file);
  const { tag: configTag, ...saved } = parseSavedRun(files.config, name('config.json'));
  const raw = decodeSafetensors(files.model, name('model.safetensors'));
  const weights = name('model.safetensors');
  const backend = opts.backend ?? currentBackend();
  const dtype = 'float32';
  let model: VAE;
  try {
    model = withDefaults(backend, dtype, () => new VAE(saved.model));
  } catch (e) {
    throw new Error(`${name('config.json')}: describes no valid model (${(e as Error).message})`);
  }
  try {
    const expected = model.namedParameters();
    const names = new Set(expected.map(([n]) => n));
    const extra = Object.keys(raw.tensors).filter((n) => !names.has(n));
    if (extra.length)
      throw new Error(
        `${weights} has tensors the config does not describe: ` +
          `${extra.map((n) => `'${n}'`).join(', ')} (is config.json from another model?)`,
      );
    // every weight is checked before any parameter is overwritten
    const checked = expected.map(([n, p]) => {
      const r = raw.tensors[n];
      if (!r) throw new Error(`${weights} lacks '${n}' (config.json does not match the weights)`);
      if (r.shape.join() !== p.shape.join() || r.dtype !== p.dtype)
        throw new Error(
          `'${n}' is ${r.dtype}${fmt(r.shape)} in ${weights} but ` +
            `${name('config.json')} expects ${p.dtype}${fmt(p.shape)}`,
        );
      const bad = firstNonFinite(r);
      if (bad)
        throw new Error(
          `${weights}: tensor '${n}' holds ${bad.count} non-finite value(s) (first: ${bad.value} at index ` +
            `${bad.index}); the weights are corrupt or come from a diverged run`,
        );
      return [r, p] as const;
    });
    for (const [r, p] of checked) {
      const t = tensor(r.data, r.shape, { dtype: r.dtype, backend });
      p.assign(t);
      t.dispose();
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, saved, tag: raw.metadata.tag ?? configTag ?? '' };
}
