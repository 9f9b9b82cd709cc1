// A state dict (tensors by name) as safetensors bytes and back, browser-safe: the way to save a
// model (or an optimizer's tensors) in a page, or anywhere without a file system.
import type { Backend } from '../kernels/backend.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors.js';

/**
 * Reads every tensor back (from any backend) and encodes them, with optional string metadata, as
 * safetensors bytes (loadable by Python's `safetensors`).
 *
 * @example
 * ```ts
 * const bytes = await encodeStateDict(model.stateDict());
 * ```
 */
export async function encodeStateDict(
  state: Readonly<Record<string, Tensor>>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const entries: Record<string, RawTensor> = Object.create(null);
  for (const [name, t] of Object.entries(state))
    entries[name] = { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
  return encodeSafetensors(entries, metadata);
}

/**
 * Decodes safetensors bytes into new tensors on `backend` (default: the current one); the caller
 * owns them (dispose them, e.g. after `module.loadStateDict(tensors)`, which copies). `source`
 * names the bytes in errors.
 *
 * @example
 * ```ts
 * const { tensors } = decodeStateDict(bytes);
 * model.loadStateDict(tensors);
 * for (const t of Object.values(tensors)) t.dispose();
 * ```
 */
export function decodeStateDict(
  bytes: Uint8Array,
  opts: { backend?: Backend; source?: string } = {},
): {
  /** New tensors by name, owned by the caller. */
  tensors: Record<string, Tensor>;
  /** The file's string metadata (`__metadata__`). */
  metadata: Record<string, string>;
} {
  const { tensors, metadata } = decodeSafetensors(bytes, opts.source);
  const out: Record<string, Tensor> = Object.create(null);
  for (const [name, r] of Object.entries(tensors))
    out[name] = tensor(r.data, r.shape, { dtype: r.dtype, backend: opts.backend });
  return { tensors: out, metadata };
}
