import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src/data/npy.js';

describe('npy', () => {
  it('writes the exact NumPy 1.0 header', () => {
    const bytes = encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 24);
    expect(new DataView(bytes.buffer).getFloat32(10 + headerLength + 4, true)).toBe(2);
  });

  it('writes Python tuples for 0-d and 1-d shapes', () => {
    const text = (shape: number[], n: number) =>
      new TextDecoder().decode(encodeNpy(new Float32Array(n), shape).subarray(10, 128));
    expect(text([], 1)).toContain("'shape': (), }");
    expect(text([4], 4)).toContain("'shape': (4,), }");
  });

  it('round trips', () => {
    const arb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }).chain((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.float32Array({ minLength: n, maxLength: n }).map((data) => ({ shape, data }));
    });
    fc.assert(
      fc.property(arb, ({ shape, data }) => {
        const back = decodeNpy(encodeNpy(data, shape));
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }),
    );
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values/);
  });

  it('validates the header: shape, dtype, order, keys, lengths — each error names the file and the field', () => {
    const withHeader = (dict: string, data = new Uint8Array(0), version = 1) => {
      const header = `${dict}\n`;
      const lengthBytes = version === 1 ? 2 : 4;
      const out = new Uint8Array(8 + lengthBytes + header.length + data.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
      const view = new DataView(out.buffer);
      if (version === 1) view.setUint16(8, header.length, true);
      else view.setUint32(8, header.length, true);
      for (let i = 0; i < header.length; i++) out[8 + lengthBytes + i] = header.charCodeAt(i);
      out.set(data, 8 + lengthBytes + header.length);
      return out;
    };
    const d = (shape: string, descr = "'<f4'", fortran = 'False') =>
      `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
    const cases: [Uint8Array, RegExp][] = [
      [withHeader(d('(-2, 3)')), /cannot read the header dict|not a tuple of non-negative integers/],
      [withHeader(d('(2.5,)')), /cannot read the header dict|not a tuple/],
      [withHeader(d('(two,)')), /cannot read the header dict/],
      [withHeader(d('(2, 3)', "'<f8'")), /unsupported dtype '<f8' \(only '<f4', little-endian float32\)/],
      [withHeader(d('(2,)', "'<f4'", 'True'), new Uint8Array(8)), /only C order/],
      [withHeader("{'descr': '<f4', 'shape': (2,), }"), /header lacks 'fortran_order'/],
      [
        withHeader(`${d('(2,)').slice(0, -1)}'extra': 1, }`),
        /cannot read the header dict|unexpected header key 'extra'/,
      ],
      [withHeader(d('(2,)'), new Uint8Array(4)), /shape \(2\) needs 8 data bytes, the file has 4/],
      [withHeader(d('(4294967296, 4294967296)')), /needs \d+ data bytes, the file has 0/],
      [withHeader('[1, 2]'), /is not a Python dict literal/],
      [withHeader(d('(2,)'), new Uint8Array(8), 4), /unsupported format version 4.0/],
      [
        new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0xff]),
        /header length 65535 runs past the end of the 10-byte file/,
      ],
    ];
    for (const [bytes, message] of cases)
      expect(() => decodeNpy(bytes, 'x.npy'), message.source).toThrow(
        new RegExp(`^decodeNpy: x\\.npy: (.*)?(${message.source})`),
      );
    // what Python writes for a long on Python 2 ('3L'), and a 2.0 file, still read
    expect(decodeNpy(withHeader(d('(2L,)'), new Uint8Array(8))).shape).toEqual([2]);
    expect(decodeNpy(withHeader(d('(1,)'), new Uint8Array(4), 2)).shape).toEqual([1]);
  });
});
