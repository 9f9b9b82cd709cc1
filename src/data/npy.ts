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

export async function writeNpy(path: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  await writeFileAtomic(path, encodeNpy(data, shape));
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/** Reads a little-endian float32, C-order .npy (versions 1.0 to 3.0): the ones encodeNpy writes. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b))
    throw new Error('decodeNpy: not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new Error(`decodeNpy: unsupported format version ${major}.${bytes[7]}`);
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`decodeNpy: unsupported dtype ${descr} (only '<f4')`);
  if (fortran !== 'False') throw new Error('decodeNpy: only C order (fortran_order False) is supported');
  if (shapeText === undefined) throw new Error(`decodeNpy: no shape in header ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length !== dataStart + 4 * count) {
    throw new Error(
      `decodeNpy: shape [${shape.join(', ')}] needs ${4 * count} data bytes, file has ${bytes.length - dataStart}`,
    );
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  return { shape, data };
}
