// What is alive: user-visible tensors, and buffers/bytes per backend (including buffers kept
// only by autograd's saved tensors). Tests use it to prove a training loop holds memory flat.
import { storageUsage, type BackendUsage } from './storage.js';
import { liveTensorCount } from './tensor.js';

/** What {@link memoryStats} reports. */
export interface MemoryStats {
  /** Tensors created and not yet disposed. */
  tensors: number;
  /** Backend buffers alive, on all backends (autograd's saved tensors included). */
  buffers: number;
  /** Bytes of those buffers. */
  bytes: number;
  /** Buffers and bytes per backend name. */
  byBackend: Record<string, BackendUsage>;
}

/**
 * What is alive now: tensors you hold (not yet disposed), and buffers and bytes per backend
 * (autograd's saved tensors included). A training loop that frees what it creates keeps these
 * flat from step to step. See docs/memory.md.
 *
 * @example
 * ```ts
 * const before = memoryStats().tensors;
 * tidy(() => step());
 * console.assert(memoryStats().tensors === before);
 * ```
 */
export function memoryStats(): MemoryStats {
  const byBackend: Record<string, BackendUsage> = {};
  let buffers = 0,
    bytes = 0;
  for (const [name, u] of storageUsage()) {
    byBackend[name] = { ...u };
    buffers += u.buffers;
    bytes += u.bytes;
  }
  return { tensors: liveTensorCount(), buffers, bytes, byBackend };
}
