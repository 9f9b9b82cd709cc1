// Decodes IDX bytes (LeCun's MNIST format) into typed arrays, in any JavaScript runtime: no
// Node built-ins. Gzipped bytes need a gunzip: Node's reader (./idx.ts) passes zlib's, and
// decodeIdxAsync uses the standard DecompressionStream (browsers, workers, Node >= 18).
import { idxTypeByCode, type IdxData } from './idx-format.js';

export type { IdxData } from './idx-format.js';

/** An IDX file's contents: its dimensions and its values, row-major. */
export interface IdxArray {
  /** The size of each dimension (e.g. [10000, 28, 28] for MNIST's test images). */
  dims: number[];
  /** The values, in the typed array of the file's type code (Uint8Array for MNIST). */
  data: IdxData;
}

/** Options of {@link decodeIdx}. */
export interface DecodeIdxOptions {
  /** Decompresses gzip bytes synchronously (Node: zlib.gunzipSync). Without it, gzip input is an error. */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
}

/** Largest element count we accept: the biggest typed array length V8 allows everywhere. */
const MAX_ELEMENTS = 2 ** 31 - 1;
/** Largest gunzipped IDX file we inflate. */
export const MAX_GUNZIP_BYTES = 2 ** 30;

/** True when the bytes start with gzip's magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes IDX bytes. Gzipped bytes (starting 1f 8b) are decompressed with `options.gunzip`, or
 * rejected with advice when none is given. `name` (a file name or URL) appears in every error.
 */
export function decodeIdx(input: Uint8Array, name = '<idx bytes>', options: DecodeIdxOptions = {}): IdxArray {
  let bytes = input;
  if (isGzip(input)) {
    if (!options.gunzip)
      throw new Error(
        `${name}: the IDX data is gzipped; decode it with await decodeIdxAsync(bytes), which gunzips first`,
      );
    try {
      bytes = options.gunzip(input);
    } catch (e) {
      throw new Error(`${name}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  const [zero0, zero1, code, ndims] = bytes;
  if (zero0 === undefined || zero1 === undefined || code === undefined || ndims === undefined)
    throw new Error(`${name}: not an IDX file: only ${bytes.length} bytes, the header needs 4`);
  if (zero0 !== 0 || zero1 !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${name}: not an IDX file: bad magic number ${magic} (expected 00 00 <type> <ndims>)`);
  }
  const type = idxTypeByCode(code);
  if (!type) {
    throw new Error(
      `${name}: unsupported IDX type code ` +
        `0x${code.toString(16).padStart(2, '0')} (expected 08, 09, 0b, 0c, 0d or 0e)`,
    );
  }
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
      `${name}: truncated data: dims [${dims.join(', ')}] of ${type.name} need ` +
        `${expected} bytes, the file has ${bytes.length}`,
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

/**
 * Gunzips with the platform's DecompressionStream, at most MAX_GUNZIP_BYTES: a small hostile .gz
 * must not inflate into gigabytes (MNIST's largest file is 47 MB).
 */
async function gunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_GUNZIP_BYTES) {
        await reader.cancel();
        throw new Error(`inflates past ${MAX_GUNZIP_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    throw new Error(`${name}: corrupt gzip data (${(e as Error).message})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Decodes IDX bytes, plain or gzipped, anywhere (the gzip path is asynchronous: DecompressionStream). */
export async function decodeIdxAsync(input: Uint8Array, name = '<idx bytes>'): Promise<IdxArray> {
  return decodeIdx(isGzip(input) ? await gunzip(input, name) : input, name);
}
