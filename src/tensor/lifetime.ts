// Development help for tensor lifetimes (see docs/memory.md):
//  - who freed a tensor — dispose() or a tidy() — so a use after free says so;
//  - with debugLeaks(true): where each tensor was created and where each tidy() was called, and a
//    report (FinalizationRegistry) for every tensor garbage-collected without dispose(): its GPU
//    buffer never went back to the pool, which only dispose() or tidy() can do.
// Off by default: recording a stack per tensor costs microseconds, which a training step
// creating hundreds of tensors should not pay.
import type { Tensor } from './tensor.js';

/** How a tensor was freed. `at` is a stack, recorded only while debugLeaks is on. */
export type Disposal = { by: 'dispose'; at?: string } | { by: 'tidy'; threw: boolean; at?: string };

/** A tensor that was garbage-collected without having been disposed. */
export interface LeakReport {
  /** The tensor as `#id dtype[shape]`. */
  tensor: string;
  /** The backend its memory was on, and how many bytes it held there. */
  backend: string;
  /** The bytes the tensor held on that backend. */
  bytes: number;
  /** The stack where the tensor was created (the library's own frames left out). */
  createdAt: string;
}

/** Options of {@link debugLeaks}. */
export interface DebugLeaksOptions {
  /** Called for every leak (default: one console.warn per leak). */
  onLeak?: (report: LeakReport) => void;
}

let registry: FinalizationRegistry<LeakReport> | null = null;
let onLeak: (report: LeakReport) => void = warnLeak;

function warnLeak(r: LeakReport): void {
  console.warn(
    `vae-webgpu: tensor ${r.tensor} (${r.bytes} bytes on ${r.backend}) was garbage-collected without dispose(); ` +
      `its memory never went back to the backend. Created at:\n${r.createdAt}`,
  );
}

/**
 * Switches the development-mode lifetime checks on (or off): every tensor garbage-collected
 * without `dispose()` is reported with the stack where it was created, and a use-after-free error
 * says where the `tidy()` that freed the tensor was called. Costs a stack trace per tensor: use
 * it to find a leak, not in production. Reports come when the garbage collector runs.
 *
 * @example
 * ```ts
 * debugLeaks(true); // console.warn for every leak
 * debugLeaks(true, { onLeak: (r) => leaks.push(r) });
 * ```
 */
export function debugLeaks(on = true, opts: DebugLeaksOptions = {}): void {
  onLeak = opts.onLeak ?? warnLeak;
  if (!on) {
    registry = null;
    return;
  }
  if (typeof FinalizationRegistry === 'undefined')
    throw new Error('debugLeaks: this JavaScript engine has no FinalizationRegistry');
  registry ??= new FinalizationRegistry((r) => onLeak(r));
}

/** Whether debugLeaks is on. */
export function debuggingLeaks(): boolean {
  return registry !== null;
}

/** The library's own folder (src/ or dist/), whose frames a reported stack leaves out; null if unknown. */
let libraryDir: string | null | undefined;
function ownFolder(): string | null {
  if (libraryDir === undefined) {
    try {
      libraryDir = new URL('..', import.meta.url).pathname; // (a bundle that is not ESM has no import.meta.url)
    } catch {
      libraryDir = null;
    }
  }
  return libraryDir;
}

/** The caller's stack without the library's frames (all frames if that would leave none); only while debugging. */
export function callSite(): string | undefined {
  if (!registry) return undefined;
  const frames = (new Error().stack ?? '').split('\n').filter((l) => /^\s*at\s|@/.test(l));
  const dir = ownFolder();
  const outside = dir ? frames.filter((l) => !l.includes(dir)) : frames;
  return (outside.length ? outside : frames)
    .slice(0, 8)
    .map((l) => l.trim())
    .join('\n');
}

/** Starts watching a new tensor for a leak (while debugging). */
export function watch(t: Tensor, backend: string, bytes: number): void {
  registry?.register(t, { tensor: t.describe(), backend, bytes, createdAt: callSite() ?? '' }, t);
}

/** The tensor was disposed: no leak to report. */
export function unwatch(t: Tensor): void {
  registry?.unregister(t);
}

/** The message of a use after free, saying who freed the tensor. */
export function useAfterFreeMessage(tensor: string, d: Disposal | null): string {
  if (!d || d.by === 'dispose') {
    return `tensor ${tensor} was used after dispose()${d?.at ? `; it was disposed at:\n${d.at}` : ''}`;
  }
  const how = d.threw
    ? 'when the function of the tidy() it was created in threw'
    : 'when the function of the tidy() it was created in returned without it ' +
      '(return it from that function, or keep() it)';
  const where = d.at
    ? `; that tidy() was called at:\n${d.at}`
    : ' (debugLeaks(true) makes this message say where that tidy() was called)';
  return `tensor ${tensor} was used after tidy() freed it ${how}${where}`;
}
