// The safetensors format (as read by Python's `safetensors`):
//   8 bytes   little-endian u64 N, the header length
//   N bytes   a JSON header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {..} },
//             padded with spaces to a multiple of 8
//   the rest  raw little-endian tensor data; offsets are relative to the end of the header and
//             the tensors tile it exactly (no gaps, no overlaps)
//
// The decoder reads files from outside, so it checks every header field before use and builds
// its maps without prototypes (a tensor named `__proto__` is just a name). Browser-safe: no
// Node built-ins, no Buffer.
import type { DType, TypedArray } from '../kernels/backend.js';

const CODES: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32' };
const DTYPES: Readonly<Record<string, DType>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, DType>, { F32: 'float32', F64: 'float64', I32: 'int32' }),
);
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
/** Codes Python's safetensors knows that we do not read (named in the error, not called garbage). */
const OTHER_CODES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'U32', 'I64', 'U64'];
/** Python's safetensors refuses headers above 100 MB; so do we (a hostile length must not allocate). */
export const MAX_HEADER_BYTES = 100_000_000;
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];

/** One tensor of a safetensors file as plain data (no backend). */
export interface RawTensor {
  /** 'float32', 'float64' or 'int32' (F32, F64, I32 in the file). */
  dtype: DType;
  /** The size of each axis. */
  shape: number[];
  /** The elements in row-major order. */
  data: TypedArray;
}

/** Tensors by name and string metadata, in maps without prototypes. */
export interface DecodedSafetensors {
  /** Tensors by name. */
  tensors: Record<string, RawTensor>;
  /** The string metadata of `__metadata__`. */
  metadata: Record<string, string>;
}

/**
 * Encodes tensors and string metadata as safetensors bytes (header padded to 8 bytes, tensors in
 * name order), loadable by Python's `safetensors`. Plain data in, bytes out: no backend involved.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } });
 * ```
 */
export function encodeSafetensors(
  entries: Record<string, RawTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = Object.create(null);
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length) {
    for (const k of metaKeys)
      if (typeof metadata[k] !== 'string') throw new Error(`safetensors: metadata '${k}' must be a string`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const sorted = Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, e] of sorted) {
    if (name === '' || name === '__metadata__') throw new Error(`safetensors: '${name}' cannot name a tensor`);
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size !== e.data.length)
      throw new Error(`safetensors: '${name}' has ${e.data.length} values for shape [${e.shape.join(',')}]`);
    const bytes = size * BYTES[e.dtype];
    header[name] = { dtype: CODES[e.dtype], shape: e.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [, { data: d }] of sorted) {
    // typed arrays are little-endian on every platform Node and browsers run on
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Decodes safetensors bytes to plain data, checking every header field (dtype, shape, offsets
 * that tile the data exactly) and naming `file` and the bad field in the error. Supports F32, F64
 * and I32; other dtypes are refused by name. See {@link decodeStateDict} for tensors on a backend.
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<buffer>'): DecodedSafetensors {
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes (the header length alone needs 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) fail(`header length ${n64} exceeds the file size ${bytes.length}`);
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) fail(`header length ${n} is above the ${MAX_HEADER_BYTES}-byte limit`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) return fail(`header is ${show(header)}, not a JSON object`);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, RawTensor> = Object.create(null);
  const metadata: Record<string, string> = Object.create(null);
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry)) fail(`__metadata__ is ${show(entry)}, not an object of strings`);
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ '${k}' is ${show(v)}, not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const what = `tensor ${show(name)}`;
    if (name === '') fail('a tensor has an empty name');
    if (!isPlainObject(entry)) return fail(`${what} is ${show(entry)}, not an object {dtype, shape, data_offsets}`);
    const extra = Object.keys(entry).filter((k) => !ENTRY_KEYS.includes(k));
    if (extra.length) fail(`${what} has unknown field(s) ${extra.map(show).join(', ')}`);
    for (const k of ENTRY_KEYS) if (!(k in entry)) fail(`${what} lacks '${k}'`);
    const code = entry.dtype;
    const dtype = typeof code === 'string' ? DTYPES[code] : undefined;
    if (!dtype) {
      const known = typeof code === 'string' && OTHER_CODES.includes(code);
      return fail(
        `${what} has ${known ? 'unsupported' : 'unknown'} dtype ${show(code)} (this reader supports F32, F64, I32)`,
      );
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      return fail(`${what} has shape ${show(shape)}; a shape is an array of non-negative integers`);
    let size = 1;
    for (const d of shape as number[]) {
      size *= d;
      if (size > Number.MAX_SAFE_INTEGER) fail(`${what} has shape ${show(shape)}, too many elements`);
    }
    const offs = entry.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0))
      return fail(`${what} has data_offsets ${show(offs)}; expected [begin, end], non-negative integers`);
    const [begin, end] = offs as [number, number];
    if (end < begin) fail(`${what} has data_offsets [${begin}, ${end}] that end before they begin`);
    const need = size * BYTES[dtype];
    if (end - begin !== need)
      fail(`${what} spans ${end - begin} bytes but its shape [${(shape as number[]).join(',')}] needs ${need}`);
    if (end > dataLength) fail(`${what} ends at byte ${end} beyond the ${dataLength} data bytes (truncated file?)`);
    const copy = new Uint8Array(end - begin); // a copy, aligned for the typed array view
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    const data =
      dtype === 'float32'
        ? new Float32Array(copy.buffer)
        : dtype === 'float64'
          ? new Float64Array(copy.buffer)
          : new Int32Array(copy.buffer);
    tensors[name] = { dtype, shape: [...(shape as number[])], data };
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let expect = 0;
  for (const [begin, end, name] of spans) {
    if (begin < expect) fail(`tensor ${show(name)} at bytes [${begin}, ${end}) overlaps the tensor before it`);
    if (begin > expect) fail(`a gap of ${begin - expect} bytes before tensor ${show(name)} (at byte ${expect})`);
    expect = end;
  }
  if (expect !== dataLength) fail(`${dataLength - expect} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
