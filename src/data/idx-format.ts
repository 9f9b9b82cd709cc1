// The IDX format (LeCun's MNIST files): 2 zero bytes, a type code, a dimension count, then one
// big-endian u32 per dimension, then the values, big-endian, row-major.

/** The typed arrays IDX values decode to: one per IDX type code (ubyte, sbyte, short, int, float, double). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export type IdxTypeName = 'ubyte' | 'sbyte' | 'short' | 'int' | 'float' | 'double';

export interface IdxType {
  name: IdxTypeName;
  code: number;
  bytes: number;
  create(length: number): IdxData;
  /** Reads one big-endian value at a byte offset. */
  read(view: DataView, offset: number): number;
  /** Writes one big-endian value at a byte offset. */
  write(view: DataView, offset: number, value: number): void;
}

/** The six IDX element types, in the order of their codes (08, 09, 0b, 0c, 0d, 0e). */
export const IDX_TYPES: readonly [IdxType, IdxType, IdxType, IdxType, IdxType, IdxType] = [
  {
    name: 'ubyte',
    code: 0x08,
    bytes: 1,
    create: (n) => new Uint8Array(n),
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
  },
  {
    name: 'sbyte',
    code: 0x09,
    bytes: 1,
    create: (n) => new Int8Array(n),
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
  },
  {
    name: 'short',
    code: 0x0b,
    bytes: 2,
    create: (n) => new Int16Array(n),
    read: (v, o) => v.getInt16(o),
    write: (v, o, x) => v.setInt16(o, x),
  },
  {
    name: 'int',
    code: 0x0c,
    bytes: 4,
    create: (n) => new Int32Array(n),
    read: (v, o) => v.getInt32(o),
    write: (v, o, x) => v.setInt32(o, x),
  },
  {
    name: 'float',
    code: 0x0d,
    bytes: 4,
    create: (n) => new Float32Array(n),
    read: (v, o) => v.getFloat32(o),
    write: (v, o, x) => v.setFloat32(o, x),
  },
  {
    name: 'double',
    code: 0x0e,
    bytes: 8,
    create: (n) => new Float64Array(n),
    read: (v, o) => v.getFloat64(o),
    write: (v, o, x) => v.setFloat64(o, x),
  },
];

export function idxTypeByCode(code: number): IdxType | undefined {
  return IDX_TYPES.find((t) => t.code === code);
}

/** The IDX type whose typed array matches the data's class. */
export function idxTypeOf(data: IdxData): IdxType {
  const [ubyte, byte, short, int, float, double] = IDX_TYPES;
  if (data instanceof Uint8Array) return ubyte;
  if (data instanceof Int8Array) return byte;
  if (data instanceof Int16Array) return short;
  if (data instanceof Int32Array) return int;
  if (data instanceof Float32Array) return float;
  return double;
}
