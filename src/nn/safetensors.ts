// The safetensors format (as read by Python's `safetensors`):
//   8 bytes   little-endian u64 N, the header length
//   N bytes   a JSON header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": {..} },
//             padded with spaces to a multiple of 8
//   the rest  raw little-endian tensor data; offsets are relative to the end of the header and
//             the tensors tile it exactly (no gaps, no overlaps)
import type { DType, TypedArray } from '../kernels/backend.js';

const CODES: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32' };
const DTYPES: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

export function encodeSafetensors(
  entries: Record<string, RawTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(entries).sort();
  for (const name of names) {
    const e = entries[name]!;
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size !== e.data.length)
      throw new Error(`safetensors: '${name}' has ${e.data.length} values for shape [${e.shape.join(',')}]`);
    const bytes = size * BYTES[e.dtype];
    header[name] = { dtype: CODES[e.dtype], shape: e.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = entries[name]!.data;
    // typed arrays are little-endian on every platform Node and browsers run on
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(
  bytes: Uint8Array,
  file = '<buffer>',
): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new Error(`${file}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) fail(`header length ${n} exceeds the file size ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, RawTensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = DTYPES[String(e.dtype)];
    if (!dtype) fail(`'${name}' has unsupported dtype ${JSON.stringify(e.dtype)} (supported: F32, F64, I32)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      fail(`'${name}' has an invalid shape`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0))
      fail(`'${name}' has invalid data_offsets`);
    const [begin, end] = offs as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== size * BYTES[dtype!])
      fail(
        `'${name}' spans ${end - begin} bytes but shape [${(shape as number[]).join(',')}] needs ${size * BYTES[dtype!]}`,
      );
    if (end > dataLength) fail(`'${name}' ends at byte ${end} beyond the ${dataLength} data bytes (truncated file?)`);
    const copy = new Uint8Array(end - begin); // a copy, aligned for the typed array view
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    const data =
      dtype === 'float32'
        ? new Float32Array(copy.buffer)
        : dtype === 'float64'
          ? new Float64Array(copy.buffer)
          : new Int32Array(copy.buffer);
    tensors[name] = { dtype: dtype!, shape: shape as number[], data };
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expect = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expect) fail(`'${name}' starts at byte ${begin}, expected ${expect} (gap or overlap)`);
    expect = end;
  }
  if (expect !== dataLength) fail(`${dataLength - expect} trailing bytes after the last tensor`);
  const meta = (header.__metadata__ ?? {}) as Record<string, string>;
  return { tensors, metadata: meta };
}
