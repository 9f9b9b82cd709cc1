// Where the WebGPU API comes from: `navigator.gpu` in a browser, Dawn's Node bindings (the
// `webgpu` package) elsewhere. The Node package is imported lazily through a variable specifier,
// so a browser bundle never pulls it in.

/** GPUBufferUsage / GPUMapMode flags, spelled out so Node needs no WebGPU globals installed. */
export const Usage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
} as const;
export const MAP_READ = 0x0001;

interface DawnModule {
  create(flags: string[]): GPU;
}

/** The GPU entry point, or null when this environment has none (no Dawn package, no browser GPU). */
export async function getGpu(dawnFlags: readonly string[] = []): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const specifier = 'webgpu'; // a variable, not a literal: bundlers leave this import alone
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as DawnModule;
  } catch {
    return null;
  }
  try {
    return dawn.create([...dawnFlags]);
  } catch {
    return null;
  }
}
