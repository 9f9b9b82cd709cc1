import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { IDX_TYPES, type IdxData } from '../../src/data/idx-format.js';
import { decodeIdx, readIdx } from '../../src/data/idx.js';
import { decodeIdxAsync, decodeIdx as decodeIdxPlain } from '../../src/index.js';

const dimsArb = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 });

/** Random values of one IDX type, as that type's typed array. */
function dataArb(typeIndex: number, length: number): fc.Arbitrary<IdxData> {
  const n = { minLength: length, maxLength: length };
  switch (IDX_TYPES[typeIndex]!.name) {
    case 'ubyte':
      return fc.uint8Array(n);
    case 'sbyte':
      return fc.int8Array(n);
    case 'short':
      return fc.int16Array(n);
    case 'int':
      return fc.int32Array(n);
    case 'float':
      return fc.float32Array(n);
    case 'double':
      return fc.float64Array(n);
  }
}

const idxArb = fc.tuple(dimsArb, fc.integer({ min: 0, max: IDX_TYPES.length - 1 })).chain(([dims, t]) =>
  dataArb(
    t,
    dims.reduce((a, b) => a * b, 1),
  ).map((data) => ({ dims, data })),
);

/** A file with the given bytes in a fresh temp dir. */
function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'idx-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX', () => {
  it('round trips any dims and type, plain and gzipped', () => {
    fc.assert(
      fc.property(idxArb, fc.boolean(), ({ dims, data }, gzip) => {
        const back = decodeIdx(encodeIdx(dims, data, { gzip }));
        expect(back.dims).toEqual(dims);
        expect(back.data.constructor).toBe(data.constructor);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }),
      { numRuns: 300 },
    );
  });

  it('writes big-endian values after a big-endian header', () => {
    const bytes = encodeIdx([2], new Int16Array([0x0102, -2]));
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  });

  it('reads a gzipped file from disk', async () => {
    const path = tempFile('x-idx1-ubyte.gz', encodeIdx([3], new Uint8Array([7, 8, 9]), { gzip: true }));
    const idx = await readIdx(path);
    expect(idx.dims).toEqual([3]);
    expect(Array.from(idx.data)).toEqual([7, 8, 9]);
  });

  const good = encodeIdx([2, 3], new Uint8Array(6));
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]), /bad magic/],
    ['unsupported type code', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unsupported IDX type code 0x0a/],
    ['truncated data', good.subarray(0, good.length - 1), /truncated data/],
    ['truncated header', good.subarray(0, 9), /truncated header/],
    ['trailing garbage', Uint8Array.from([...good, 42]), /trailing garbage/],
    ['overflowing dims', Uint8Array.from([0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /overflow/],
    ['too short', Uint8Array.from([0, 0]), /not an IDX file/],
    ['corrupt gzip', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), /corrupt gzip/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}, naming the file`, async () => {
      const path = tempFile(`${what.replace(/ /g, '-')}-idx`, bytes);
      await expect(readIdx(path)).rejects.toThrow(message);
      await expect(readIdx(path)).rejects.toThrow(path);
    });
  }

  it('names a missing file', async () => {
    await expect(readIdx('/nonexistent/train-images-idx3-ubyte')).rejects.toThrow(
      /\/nonexistent\/train-images-idx3-ubyte.*ENOENT/,
    );
  });
});

describe('IDX in any runtime (the main entry)', () => {
  it('decodeIdxAsync reads plain and gzipped bytes with DecompressionStream, as in a browser', async () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
    for (const gzip of [false, true]) {
      const back = await decodeIdxAsync(encodeIdx([2, 3, 4], data, { gzip }), 'x.idx');
      expect(back.dims).toEqual([2, 3, 4]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('the browser-safe decodeIdx asks for decodeIdxAsync on gzipped bytes; corrupt gzip is named', async () => {
    const gz = encodeIdx([3], Uint8Array.of(1, 2, 3), { gzip: true });
    expect(() => decodeIdxPlain(gz, 'labels.gz')).toThrow(/labels\.gz: the IDX data is gzipped; .*decodeIdxAsync/);
    const corrupt = gz.slice(0, 12);
    await expect(decodeIdxAsync(corrupt, 'cut.gz')).rejects.toThrow(/cut\.gz: corrupt gzip data/);
    expect(Array.from(decodeIdxPlain(encodeIdx([3], Uint8Array.of(1, 2, 3)), 'plain').data)).toEqual([1, 2, 3]);
  });
});
