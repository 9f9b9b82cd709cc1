// Kernel parameters (sizes, strides, scalars) travel in a uniform block, not in the WGSL text,
// so one compiled pipeline serves every shape. The block is declared as an array of vec4<u32>
// (uniform arrays need 16-byte elements) and each parameter is one 4-byte slot of it; the code
// generator turns slot i into `P[i/4].xyzw[i%4]`, bitcast to the parameter's type.

export type ParamType = 'u32' | 'i32' | 'f32';
export interface ParamSlot {
  readonly name: string;
  readonly type: ParamType;
}
export type ParamValues = Readonly<Record<string, number>>;

const LANES = ['x', 'y', 'z', 'w'];

/** Bytes a parameter block occupies: whole vec4s. */
export function paramBytes(slots: readonly ParamSlot[]): number {
  return Math.max(1, Math.ceil(slots.length / 4)) * 16;
}

/** The uniform declaration, at @binding(0). */
export function paramsDecl(slots: readonly ParamSlot[]): string {
  return `@group(0) @binding(0) var<uniform> P: array<vec4<u32>, ${paramBytes(slots) / 16}>;`;
}

/** `let name = ...;` for every slot: paste at the top of a function body. */
export function paramsLets(slots: readonly ParamSlot[]): string {
  return slots
    .map((s, i) => {
      const raw = `P[${i >> 2}].${LANES[i & 3]}`;
      const value = s.type === 'u32' ? raw : `bitcast<${s.type}>(${raw})`;
      return `  let ${s.name} = ${value};`;
    })
    .join('\n');
}

/** Writes the values of `slots` (in order) at word offset `at` of the three views of one buffer. */
export function packParams(
  slots: readonly ParamSlot[],
  values: ParamValues,
  words: { u32: Uint32Array; i32: Int32Array; f32: Float32Array },
  at: number,
): void {
  for (const [i, s] of slots.entries()) {
    const v = values[s.name];
    if (v === undefined) throw new Error(`webgpu: kernel parameter '${s.name}' not given`);
    words[s.type][at + i] = v;
  }
}

/** `{ [prefix + d]: values[d] }` for every axis d from `from` on: the per-axis sizes and strides. */
export function perAxis(prefix: string, values: readonly number[], from = 0): Record<string, number> {
  return Object.fromEntries(values.map((v, d) => [`${prefix}${d}`, v] as const).slice(from));
}

export const u32 = (name: string): ParamSlot => ({ name, type: 'u32' });
export const i32 = (name: string): ParamSlot => ({ name, type: 'i32' });
export const f32 = (name: string): ParamSlot => ({ name, type: 'f32' });
