// Compiled pipelines, cached by their generated WGSL source: sizes live in uniforms, so the
// number of distinct sources (and compiles) stays small however many shapes flow through.
//
// Compilation is asynchronous in WebGPU: createComputePipeline returns at once and reports
// errors later. Each new pipeline is created inside an error scope; when the scope reports an
// error, the shader's compilation messages are turned into an Error naming the kernel and the
// offending source line, and handed to `onError` (the runtime throws it at the next call).
import type { ParamSlot } from './params.js';

export interface Kernel {
  /** Small integer identity (bind group cache keys). */
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly slots: readonly ParamSlot[];
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** Dispatches of this kernel so far (the engine panel's launches per step). */
  launches: number;
}

const COMPUTE = 0x4; // GPUShaderStage.COMPUTE

/**
 * The bind group layout, read off the generated source: binding 0 is the parameter block with a
 * *dynamic* offset (so one bind group serves every dispatch of a kernel on the same buffers,
 * whatever its parameters), the others are read-only or read-write storage buffers.
 */
export function layoutEntries(source: string): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (const m of source.matchAll(
    /@group\(0\)\s*@binding\((\d+)\)\s*var<(uniform|storage,\s*read_write|storage,\s*read|storage)>/g,
  )) {
    const [, index = '', access = ''] = m;
    const binding = Number(index);
    const kind = access.replace(/\s/g, '');
    const type: GPUBufferBindingType =
      kind === 'uniform' ? 'uniform' : kind === 'storage,read' || kind === 'storage' ? 'read-only-storage' : 'storage';
    entries.push({ binding, visibility: COMPUTE, buffer: { type, hasDynamicOffset: type === 'uniform' } });
  }
  return entries.sort((a, b) => a.binding - b.binding);
}

export class PipelineCache {
  private readonly bySource = new Map<string, Kernel>();
  /** Compile checks still in flight; `settled()` waits for them. */
  private readonly checks = new Set<Promise<void>>();
  compiles = 0;
  /** Told when a kernel turns out invalid, so variant caches can drop it too. */
  onInvalid?: (k: Kernel) => void;

  constructor(
    private readonly device: GPUDevice,
    private readonly onError: (e: Error) => void,
  ) {}

  get(name: string, source: string, slots: readonly ParamSlot[]): Kernel {
    const hit = this.bySource.get(source);
    if (hit) return hit;
    this.compiles++;
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: source, label: name });
    const layout = device.createBindGroupLayout({ entries: layoutEntries(source), label: name });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout], label: name });
    const pipeline = device.createComputePipeline({
      layout: pipelineLayout,
      compute: { module, entryPoint: 'main' },
      label: name,
    });
    const kernel: Kernel = { id: this.compiles, name, source, slots, pipeline, layout, launches: 0 };
    const check = device
      .popErrorScope()
      .then(async (err) => {
        if (!err) return;
        this.bySource.delete(source); // a retry compiles again
        this.onInvalid?.(kernel);
        const info = await module.getCompilationInfo().catch(() => undefined);
        this.onError(compileError(name, source, err.message, info));
      })
      .catch(() => {
        /* device lost while compiling: reported by the lost handler */
      })
      .finally(() => this.checks.delete(check));
    this.checks.add(check);
    this.bySource.set(source, kernel);
    return kernel;
  }

  async settled(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
  }

  get size(): number {
    return this.bySource.size;
  }

  /** Every compiled kernel, in the order of first use. */
  list(): Kernel[] {
    return [...this.bySource.values()];
  }
}

/** "WGSL kernel 'x' failed to compile: line 12: `return y;` — unresolved value 'y'". */
export function compileError(name: string, source: string, fallback: string, info?: GPUCompilationInfo): Error {
  const lines = source.split('\n');
  const errors = (info?.messages ?? []).filter((m) => m.type === 'error');
  if (errors.length === 0) return new Error(`WGSL kernel '${name}' is invalid: ${fallback}`);
  const detail = errors
    .map((m) => `  line ${m.lineNum}:${m.linePos}: ${(lines[m.lineNum - 1] ?? '').trim()}\n    ${m.message}`)
    .join('\n');
  return new Error(`WGSL kernel '${name}' failed to compile:\n${detail}`);
}
