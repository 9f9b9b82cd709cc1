// Bind groups, cached. Creating one costs ~30–45 µs through Dawn's Node bindings — more than
// the rest of a dispatch together — while a training loop binds the same pooled buffers to the
// same kernels over and over. With the parameter block at a dynamic offset, a bind group
// depends only on (kernel, storage buffers), so it can be reused across dispatches and steps.
// Entries are dropped when one of their buffers is destroyed.
import type { BufferBinding } from './buffer.js';
import type { Kernel } from './pipelines.js';

export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();
  /** buffer id → cache keys that mention it */
  private readonly byBuffer = new Map<number, string[]>();
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  hits = 0;
  misses = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly uniformBuffer: GPUBuffer,
    /** Beyond this many entries the cache starts over (bounds memory if buffers churn). */
    private readonly maxEntries = 8192,
  ) {}

  private id(b: GPUBuffer): number {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    return id;
  }

  get(kernel: Kernel, uniformBytes: number, buffers: readonly BufferBinding[]): GPUBindGroup {
    const ids = buffers.map((b) => this.id('buffer' in b ? b.buffer : b));
    // a range of a buffer (a part of allocParts) is keyed by its offset and size too
    const parts = buffers.map((b, i) => ('buffer' in b ? `${ids[i]}@${b.offset}+${b.size}` : ids[i]));
    const key = `${kernel.id}:${parts.join(',')}`;
    const hit = this.groups.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    if (this.groups.size >= this.maxEntries) this.clear();
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.uniformBuffer, offset: 0, size: uniformBytes } },
    ];
    for (const [i, b] of buffers.entries())
      entries.push({ binding: i + 1, resource: 'buffer' in b ? b : { buffer: b } });
    const group = this.device.createBindGroup({ layout: kernel.layout, entries, label: kernel.name });
    this.groups.set(key, group);
    for (const id of new Set(ids)) {
      const keys = this.byBuffer.get(id);
      if (keys) keys.push(key);
      else this.byBuffer.set(id, [key]);
    }
    return group;
  }

  /** Forget every bind group that uses `b` (it is about to be destroyed). */
  forget(b: GPUBuffer): void {
    const id = this.ids.get(b);
    if (id === undefined) return;
    for (const key of this.byBuffer.get(id) ?? []) this.groups.delete(key);
    this.byBuffer.delete(id);
  }

  /** Forget every bind group of `kernel` (it failed to compile). */
  forgetKernel(kernel: Kernel): void {
    for (const key of this.groups.keys()) if (key.startsWith(`${kernel.id}:`)) this.groups.delete(key);
  }

  clear(): void {
    this.groups.clear();
    this.byBuffer.clear();
  }

  get size(): number {
    return this.groups.size;
  }
}
