// Reads IDX files (plain or gzipped) into typed arrays. Every error names the file.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { idxTypeByCode, type IdxData } from './idx-format.js';

export type { IdxData } from './idx-format.js';

export interface IdxArray {
  dims: number[];
  data: IdxData;
}

/** Largest element count we accept: the biggest typed array length V8 allows everywhere. */
const MAX_ELEMENTS = 2 ** 31 - 1;
/** Largest gunzipped IDX file we inflate. */
export const MAX_GUNZIP_BYTES = 2 ** 30;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes IDX bytes (gunzipping first if they start with 1f 8b). `name` appears in errors. */
export function decodeIdx(input: Uint8Array, name = '<idx bytes>'): IdxArray {
  let bytes = input;
  if (isGzip(input)) {
    try {
      // bounded: a small hostile .gz must not inflate into gigabytes (MNIST's largest file is 47 MB)
      bytes = gunzipSync(input, { maxOutputLength: MAX_GUNZIP_BYTES });
    } catch (e) {
      throw new Error(`${name}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4) throw new Error(`${name}: not an IDX file: only ${bytes.length} bytes, the header needs 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${name}: not an IDX file: bad magic number ${magic} (expected 00 00 <type> <ndims>)`);
  }
  const type = idxTypeByCode(bytes[2]!);
  if (!type) {
    throw new Error(
      `${name}: unsupported IDX type code 0x${bytes[2]!.toString(16).padStart(2, '0')} (expected 08, 09, 0b, 0c, 0d or 0e)`,
    );
  }
  const ndims = bytes[3]!;
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart) {
    throw new Error(`${name}: truncated header: ${ndims} dims need ${dataStart} bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const dim = view.getUint32(4 + 4 * i);
    dims.push(dim);
    count *= dim;
    // Checked as we go so the product stays an exact integer.
    if (count > MAX_ELEMENTS)
      throw new Error(`${name}: dims [${dims.join(', ')}...] overflow: more than ${MAX_ELEMENTS} elements`);
  }
  const expected = dataStart + count * type.bytes;
  if (bytes.length < expected) {
    throw new Error(
      `${name}: truncated data: dims [${dims.join(', ')}] of ${type.name} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new Error(
      `${name}: ${bytes.length - expected} bytes of trailing garbage after the data of dims [${dims.join(', ')}]`,
    );
  }
  const data = type.create(count);
  if (type.bytes === 1) {
    // Bytes need no swapping: copy them straight across.
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, expected));
  } else {
    for (let i = 0, o = dataStart; i < count; i++, o += type.bytes) data[i] = type.read(view, o);
  }
  return { dims, data };
}

/** Reads an IDX file, plain or gzipped. */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read IDX file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeIdx(bytes, path);
}
