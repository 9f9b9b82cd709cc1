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
});
