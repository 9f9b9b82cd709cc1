// A CPU buffer is a typed array; float32 data is computed in float64 by JS and rounded on store.
import type { Buf, DType, TypedArray } from '../backend.js';

export class CpuBuf implements Buf {
  constructor(
    readonly data: TypedArray,
    readonly dtype: DType,
  ) {}
  get size(): number {
    return this.data.length;
  }
}

export function newTypedArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

export function asCpu(buf: Buf): CpuBuf {
  if (!(buf instanceof CpuBuf)) throw new Error('cpu backend: given a buffer from another backend');
  return buf;
}
