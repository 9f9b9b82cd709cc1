// Reads IDX files (plain or gzipped) into typed arrays in Node. Every error names the file.
// The decoder itself is browser-safe (./idx-decode.ts); this file adds zlib and the file system.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { decodeIdx as decodeIdxBytes, MAX_GUNZIP_BYTES, type IdxArray } from './idx-decode.js';

export { isGzip, decodeIdxAsync, MAX_GUNZIP_BYTES, type IdxArray, type IdxData } from './idx-decode.js';

/** Decodes IDX bytes (gunzipping first if they start with 1f 8b). `name` appears in errors. */
export function decodeIdx(input: Uint8Array, name = '<idx bytes>'): IdxArray {
  // bounded: a small hostile .gz must not inflate into gigabytes (MNIST's largest file is 47 MB)
  return decodeIdxBytes(input, name, { gunzip: (b) => gunzipSync(b, { maxOutputLength: MAX_GUNZIP_BYTES }) });
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
