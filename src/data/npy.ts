// NumPy's .npy format, version 1.0, for float32 arrays: "\x93NUMPY", version bytes 1 0, a
// little-endian u16 header length, a Python dict literal padded with spaces and ending in '\n'
// so the data starts on a 64-byte boundary, then the values little-endian in C order.
import { writeFileAtomic } from './atomic-write.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const PREAMBLE = MAGIC.length + 2 + 2; // magic, version, header length

/** Python's repr of a shape tuple: (), (3,), (2, 3). */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** NumPy .npy bytes (version 1.0, little-endian float32, C order) for `data` of `shape`. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`encodeNpy: bad shape [${shape.join(', ')}]`);
  if (count !== data.length)
    throw new Error(`encodeNpy: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  const headerLength = Math.ceil((PREAMBLE + dict.length + 1) / 64) * 64 - PREAMBLE;
  if (headerLength > 0xffff)
    throw new Error(`encodeNpy: shape [${shape.join(', ')}] needs a header too long for format 1.0`);
  const header = `${dict.padEnd(headerLength - 1, ' ')}\n`;
  const bytes = new Uint8Array(PREAMBLE + headerLength + 4 * count);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  view.setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) bytes[PREAMBLE + i] = header.charCodeAt(i);
  const dataStart = PREAMBLE + headerLength;
  for (let i = 0; i < count; i++) view.setFloat32(dataStart + 4 * i, data[i]!, true);
  return bytes;
}

/**
 * Writes `data` of `shape` as a NumPy .npy file, atomically (`numpy.load` reads it).
 *
 * @example
 * ```ts
 * await writeNpy('samples.npy', await samples.data() as Float32Array, [...samples.shape]);
 * ```
 */
export async function writeNpy(path: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  await writeFileAtomic(path, encodeNpy(data, shape));
}

/** A float32 array read from .npy bytes. */
export interface NpyArray {
  /** The size of each axis. */
  shape: number[];
  /** The elements in C (row-major) order. */
  data: Float32Array;
}

/** Reads a .npy header's Python dict literal: exactly the keys descr, fortran_order and shape. */
function parseHeader(text: string, fail: (why: string) => never): { descr: string; fortran: boolean; shape: number[] } {
  // the grammar NumPy writes: {'key': value, ...} with a string, True/False, or a tuple of ints
  const body = /^\{(.*)\}$/s.exec(text.trim())?.[1];
  if (body === undefined) return fail(`header ${JSON.stringify(text.slice(0, 80))} is not a Python dict literal`);
  const item = /\s*'([^']*)'\s*:\s*('[^']*'|True|False|\(\s*(?:\d+L?\s*,\s*)*(?:\d+L?\s*)?\))\s*(,|$)/y;
  const seen = Object.create(null) as Record<string, string>;
  let at = 0;
  while (at < body.length && body.slice(at).trim() !== '') {
    item.lastIndex = at;
    const m = item.exec(body);
    if (!m) return fail(`cannot read the header dict from ${JSON.stringify(body.slice(at, at + 40))}`);
    const [, key, value] = m as unknown as [string, string, string];
    if (!['descr', 'fortran_order', 'shape'].includes(key)) fail(`unexpected header key '${key}'`);
    if (key in seen) fail(`header key '${key}' appears twice`);
    seen[key] = value;
    at = item.lastIndex;
  }
  for (const key of ['descr', 'fortran_order', 'shape']) if (!(key in seen)) fail(`header lacks '${key}'`);
  const descr = seen.descr!;
  const fortran = seen.fortran_order!;
  const shape = seen.shape!;
  if (!descr.startsWith("'")) fail(`descr must be a string, got ${descr}`);
  if (fortran !== 'True' && fortran !== 'False') fail(`fortran_order must be True or False, got ${fortran}`);
  if (!shape.startsWith('(')) fail(`shape must be a tuple of non-negative integers, got ${shape}`);
  const dims = shape
    .slice(1, -1)
    .split(',')
    .map((d) => d.trim().replace(/L$/, ''))
    .filter((d) => d !== '')
    .map(Number);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`shape ${shape} is not a tuple of non-negative integers`);
  return { descr: descr.slice(1, -1), fortran: fortran === 'True', shape: dims };
}

/**
 * Reads a little-endian float32, C-order .npy (versions 1.0 to 3.0): the ones encodeNpy writes.
 * A file from outside: the magic, version, header length, every header key and the data size
 * are checked, and errors name `file`.
 */
export function decodeNpy(bytes: Uint8Array, file = '<npy bytes>'): NpyArray {
  const fail = (why: string): never => {
    throw new Error(`decodeNpy: ${file}: ${why}`);
  };
  if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [major, minor] = [bytes[6]!, bytes[7]!];
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported format version ${major}.${minor} (1.0 to 3.0 are read)`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail(`only ${bytes.length} bytes, the header length needs ${8 + lengthBytes}`);
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerStart + headerLength > bytes.length)
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  const raw = bytes.subarray(headerStart, headerStart + headerLength);
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    return fail('header is not valid text');
  }
  if (!header.endsWith('\n')) fail('header does not end with a newline');
  const { descr, fortran, shape } = parseHeader(header, fail);
  if (descr !== '<f4') fail(`unsupported dtype '${descr}' (only '<f4', little-endian float32)`);
  if (fortran) fail('only C order (fortran_order False) is supported');
  let count = 1;
  for (const d of shape) count *= d;
  const dataStart = headerStart + headerLength;
  if (!Number.isSafeInteger(count) || bytes.length - dataStart !== 4 * count) {
    fail(`shape (${shape.join(', ')}) needs ${4 * count} data bytes, the file has ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  return { shape, data };
}
