// Reading and writing safetensors files (Node): tensors are read back from any backend, and a
// file is written atomically (temp file + rename), so a crash never leaves half a checkpoint.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../data/atomic-write.js';
import type { Backend } from '../kernels/backend.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors.js';

/** Writes tensors (read back from any backend) to a safetensors file, atomically. */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const entries: Record<string, RawTensor> = {};
  for (const [name, t] of Object.entries(tensors))
    entries[name] = { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
  await writeFileAtomic(path, encodeSafetensors(entries, metadata));
}

/** Reads a safetensors file into tensors on the given (or current) backend. */
export async function loadSafetensors(
  path: string,
  opts: { backend?: Backend } = {},
): Promise<{
  /** New tensors by name, owned by the caller. */
  tensors: Record<string, Tensor>;
  /** The file's string metadata (`__metadata__`). */
  metadata: Record<string, string>;
}> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  const out: Record<string, Tensor> = {};
  for (const [name, r] of Object.entries(tensors))
    out[name] = tensor(r.data, r.shape, { dtype: r.dtype, backend: opts.backend });
  return { tensors: out, metadata };
}
