import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.js';
import { loadSafetensors, saveSafetensors } from '../../src/nn/safetensors-file.js';
import { tensor } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));

describe('safetensors', () => {
  it('writes the documented layout: u64 LE header length, JSON header padded to 8, raw LE data', () => {
    const bytes = encodeSafetensors(
      { w: { dtype: 'float32', shape: [2], data: new Float32Array([1, -2]) } },
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
    expect(header).toEqual({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect([...new Float32Array(bytes.slice(8 + n).buffer)]).toEqual([1, -2]);
  });

  it('round-trips bit-exactly (NaN payloads, -0, subnormals included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 50 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 20 }),
        (fs, is) => {
          const a = new Float32Array(fs),
            b = new Int32Array(is),
            c = Float64Array.from(fs, (v) => v / 3);
          const back = decodeSafetensors(
            encodeSafetensors({
              a: { dtype: 'float32', shape: [a.length], data: a },
              b: { dtype: 'int32', shape: [b.length], data: b },
              c: { dtype: 'float64', shape: [c.length], data: c },
            }),
          ).tensors;
          expect(Buffer.from(back.a!.data.buffer)).toEqual(Buffer.from(a.buffer));
          expect(Buffer.from(back.b!.data.buffer)).toEqual(Buffer.from(b.buffer));
          expect(Buffer.from(back.c!.data.buffer)).toEqual(Buffer.from(c.buffer));
        },
      ),
    );
  });

  it('saves and loads tensors through a file', async () => {
    const path = join(dir, 'm.safetensors');
    await saveSafetensors(
      path,
      {
        'layer.weight': tensor([
          [1, 2],
          [3, 4],
        ]),
        step: tensor(new Int32Array([7])),
      },
      { note: 'x' },
    );
    const { tensors, metadata } = await loadSafetensors(path);
    expect(await tensors['layer.weight']!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensors.step!.dtype).toBe('int32');
    expect(metadata).toEqual({ note: 'x' });
  });

  it('rejects corrupt files with an error naming the file and the problem', async () => {
    const good = encodeSafetensors({ w: { dtype: 'float32', shape: [4], data: new Float32Array(4) } });
    const cases: [string, Uint8Array, RegExp][] = [
      ['short', good.slice(0, 5), /only 5 bytes/],
      ['truncated', good.slice(0, good.length - 4), /beyond the 12 data bytes/],
      ['trailing', Buffer.concat([good, Buffer.alloc(4)]), /trailing bytes/],
      [
        'huge-header',
        (() => {
          const b = good.slice();
          new DataView(b.buffer).setBigUint64(0, 1n << 40n, true);
          return b;
        })(),
        /exceeds the file size/,
      ],
      [
        'garbage',
        (() => {
          const b = good.slice();
          b[9] = 0x7b;
          b[10] = 0x7b;
          return b;
        })(),
        /not JSON/,
      ],
    ];
    for (const [name, bytes, why] of cases) {
      const path = join(dir, `${name}.safetensors`);
      writeFileSync(path, bytes);
      await expect(loadSafetensors(path)).rejects.toThrow(
        new RegExp(`${name}\\.safetensors: not a valid safetensors file: .*${why.source}`),
      );
    }
    await expect(loadSafetensors(join(dir, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors: cannot read checkpoint \(ENOENT\)/,
    );
    expect(readFileSync(join(dir, 'm.safetensors')).length).toBeGreaterThan(0);
  });

  it('validates every header field and builds maps without prototypes', () => {
    const file = (header: unknown, data = new Uint8Array(0)): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(data, 8 + json.length);
      return out;
    };
    const w = (extra: Record<string, unknown> = {}) => ({ dtype: 'F32', shape: [2], data_offsets: [0, 8], ...extra });
    const eight = new Uint8Array(8);
    const cases: [Uint8Array, RegExp][] = [
      [file({ w: null }, eight), /tensor "w" is null, not an object \{dtype, shape, data_offsets\}/],
      [
        file({ w: w({ shape: [-2] }) }, eight),
        /tensor "w" has shape \[-2\]; a shape is an array of non-negative integers/,
      ],
      [file({ w: w({ shape: [1.5] }) }, eight), /tensor "w" has shape \[1.5\]/],
      [file({ w: w({ shape: '2' }) }, eight), /tensor "w" has shape "2"/],
      [
        file({ w: w({ dtype: 'F16' }) }, eight),
        /tensor "w" has unsupported dtype "F16" \(this reader supports F32, F64, I32\)/,
      ],
      [file({ w: w({ dtype: 7 }) }, eight), /tensor "w" has unknown dtype 7/],
      [file({ w: w({ data_offsets: [8, 0] }) }, eight), /data_offsets \[8, 0\] that end before they begin/],
      [file({ w: w({ data_offsets: [0] }) }, eight), /tensor "w" has data_offsets \[0\]; expected \[begin, end\]/],
      [file({ w: w({ extra: 1 }) }, eight), /tensor "w" has unknown field\(s\) "extra"/],
      [file({ w: { dtype: 'F32', shape: [2] } }, eight), /tensor "w" lacks 'data_offsets'/],
      [file({ w: w({ shape: [2 ** 40, 2 ** 40] }) }, eight), /too many elements/],
      [file({ a: w(), b: w() }, eight), /tensor "b" at bytes \[0, 8\) overlaps the tensor before it/],
      [file({ a: w({ data_offsets: [8, 16] }) }, new Uint8Array(16)), /a gap of 8 bytes before tensor "a"/],
      [file({ __metadata__: { n: 3 } }), /__metadata__ 'n' is 3, not a string/],
      [file({ __metadata__: null }), /__metadata__ is null, not an object of strings/],
      [file({ '': w() }, eight), /a tensor has an empty name/],
      [file([1, 2]), /header is \[1,2\], not a JSON object/],
      [file(null), /header is null, not a JSON object/],
      [Uint8Array.from([...file({}).subarray(0, 8), 0xff, 0xfe]), /header is not JSON/],
    ];
    for (const [bytes, message] of cases)
      expect(() => decodeSafetensors(bytes, 'f.safetensors'), message.source).toThrow(
        new RegExp(`^f\\.safetensors: not a valid safetensors file: (.*)?${message.source}`),
      );
    // a tensor named __proto__ is a tensor like any other, and changes no prototype
    // (JSON.parse, unlike an object literal, makes "__proto__" an own key)
    const hostile = JSON.parse(
      `{"__proto__": ${JSON.stringify(w())}, "__metadata__": {"__proto__": "x", "constructor": "y"}}`,
    );
    const { tensors, metadata } = decodeSafetensors(file(hostile, eight));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(null);
    expect(Object.values(tensors)[0]!.shape).toEqual([2]);
    expect(Object.entries(metadata)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });
});
