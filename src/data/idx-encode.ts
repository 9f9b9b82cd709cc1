// Writes typed arrays as IDX bytes: the inverse of decodeIdx, for tests and tools.
import { gzipSync } from 'node:zlib';
import { idxTypeOf, type IdxData } from './idx-format.js';

/** IDX bytes (MNIST's file format) for `data` of `dims`, gzipped with `{ gzip: true }`: the inverse of `decodeIdx`. */
export function encodeIdx(dims: readonly number[], data: IdxData, options: { gzip?: boolean } = {}): Uint8Array {
  if (dims.length > 255) throw new Error(`encodeIdx: ${dims.length} dims, IDX allows at most 255`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new Error(`encodeIdx: dims [${dims.join(', ')}] hold ${count} values, data has ${data.length}`);
  const type = idxTypeOf(data);
  const dataStart = 4 + 4 * dims.length;
  const bytes = new Uint8Array(dataStart + count * type.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = type.code;
  bytes[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  data.forEach((x, i) => type.write(view, dataStart + i * type.bytes, x));
  return options.gzip ? new Uint8Array(gzipSync(bytes)) : bytes;
}
