// The decoders of files from outside (.npy, safetensors, IDX) fuzzed: random bytes and mutated
// valid files either decode or fail with a plain Error that names the file and the problem —
// never a TypeError/RangeError from deep inside, never a crash, never a hang or a huge allocation.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIdx } from '../../src/data/idx.js';
import { encodeIdx } from '../../src/data/idx-encode.js';
import { decodeNpy, encodeNpy } from '../../src/data/npy.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.js';

/** Flip, overwrite, insert, delete or truncate bytes of a valid file. */
const mutated = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('set'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('insert'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('delete'), at: fc.nat(), byte: fc.constant(0) }),
        fc.record({ kind: fc.constant('truncate'), at: fc.nat(), byte: fc.constant(0) }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((edits) => {
      let b = Array.from(valid);
      for (const e of edits) {
        const at = b.length ? e.at % (b.length + 1) : 0;
        if (e.kind === 'set' && at < b.length) b[at] = e.byte;
        else if (e.kind === 'insert') b.splice(at, 0, e.byte);
        else if (e.kind === 'delete') b.splice(at, 1);
        else if (e.kind === 'truncate') b = b.slice(0, at);
      }
      return Uint8Array.from(b);
    });

/** Header-aware mutations: numbers in the JSON/dict text replaced by hostile ones. */
const hostileNumbers = ['-1', '1.5', '1e308', '9007199254740993', '4294967296', '0', 'null', '"7"', '[]', '{}'];
const textMutated = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.nat(), fc.constantFrom(...hostileNumbers)).map(([pick, replacement]) => {
    const text = new TextDecoder('latin1').decode(valid);
    const numbers = [...text.matchAll(/\d+/g)];
    if (!numbers.length) return valid;
    const m = numbers[pick % numbers.length]!;
    const out = text.slice(0, m.index) + replacement + text.slice(m.index! + m[0].length);
    return Uint8Array.from(out, (c) => c.charCodeAt(0) & 0xff);
  });

/** A safetensors file whose JSON header has one value (at any depth) replaced by a hostile one. */
const hostileValues: unknown[] = [null, [], {}, 'x', -1, 1.5, 2 ** 53 + 2, [0], [1, 0], { dtype: 'F32' }, true];
const headerMutated = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.nat(), fc.constantFrom(...hostileValues)).map(([pick, value]) => {
    const n = Number(new DataView(valid.buffer, valid.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(valid.subarray(8, 8 + n))) as Record<string, unknown>;
    const slots: [Record<string | number, unknown>, string | number][] = [];
    const walk = (v: unknown) => {
      if (v && typeof v === 'object')
        for (const [k, child] of Object.entries(v)) {
          slots.push([v as Record<string | number, unknown>, Array.isArray(v) ? Number(k) : k]);
          walk(child);
        }
    };
    walk(header);
    const [holder, key] = slots[pick % slots.length]!;
    holder[key] = value;
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + valid.length - 8 - n);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(valid.subarray(8 + n), 8 + json.length);
    return out;
  });

/** Decodes or throws a plain Error starting with `prefix`; returns what happened. */
function expectClearOutcome(decode: () => unknown, prefix: RegExp): 'ok' | 'error' {
  try {
    decode();
    return 'ok';
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(Error);
    expect((e as Error).constructor, `${(e as Error).constructor.name}: ${(e as Error).message}`).toBe(Error);
    expect((e as Error).message).toMatch(prefix);
    return 'error';
  }
}

const npyValid = encodeNpy(Float32Array.from([1, -2, 3.5, 0, 7, 8]), [2, 3]);
const stValid = encodeSafetensors(
  {
    'enc.weight': { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    step: { dtype: 'int32', shape: [1], data: Int32Array.from([3]) },
    d: { dtype: 'float64', shape: [2], data: Float64Array.from([0.5, -1]) },
  },
  { format: 'vae-webgpu/1', tag: 'x' },
);
const idxValid = encodeIdx(
  [3, 2, 2],
  Uint8Array.from({ length: 12 }, (_, i) => i * 20),
);

describe('decoders under fuzzing: a result or a clear error', () => {
  const runs = { numRuns: 300 };
  it('.npy: random bytes, mutated files, hostile header numbers', () => {
    const prefix = /^decodeNpy: f\.npy: /;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        (b) => void expectClearOutcome(() => decodeNpy(b, 'f.npy'), prefix),
      ),
      runs,
    );
    fc.assert(
      fc.property(mutated(npyValid), (b) => void expectClearOutcome(() => decodeNpy(b, 'f.npy'), prefix)),
      runs,
    );
    fc.assert(
      fc.property(textMutated(npyValid), (b) => void expectClearOutcome(() => decodeNpy(b, 'f.npy'), prefix)),
      runs,
    );
  });

  it('safetensors: random bytes, mutated files, hostile header numbers', () => {
    const prefix = /^f\.safetensors: not a valid safetensors file: /;
    const decode = (b: Uint8Array) => () => decodeSafetensors(b, 'f.safetensors');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    fc.assert(
      fc.property(mutated(stValid), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    fc.assert(
      fc.property(textMutated(stValid), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    fc.assert(
      fc.property(headerMutated(stValid), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
  });

  it('IDX (plain and gzipped): random bytes, mutated files, hostile dims', () => {
    const prefix = /^f\.idx: /;
    const decode = (b: Uint8Array) => () => decodeIdx(b, 'f.idx');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    fc.assert(
      fc.property(mutated(idxValid), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    fc.assert(
      fc.property(mutated(gzipSync(idxValid)), (b) => void expectClearOutcome(decode(b), prefix)),
      runs,
    );
    // dims claiming 2^31 - 1 bytes in a 20-byte file: refused without allocating them
    const huge = Uint8Array.from([0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
    expect(() => decodeIdx(huge, 'f.idx')).toThrow(/^f\.idx: truncated data: dims \[2147483647\] of ubyte need/);
    // a gzip bomb: 1.1 GiB of zeros inflating past the limit
    const bomb = gzipSync(new Uint8Array(2 ** 20), { level: 9 });
    const parts = Array.from({ length: 1100 }, () => bomb); // concatenated gzip members inflate back to back
    const many = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      many.set(p, at);
      at += p.length;
    }
    expect(() => decodeIdx(many, 'f.idx')).toThrow(/^f\.idx: corrupt gzip data/);
  });

  it('valid files still decode after all this', () => {
    expect(decodeNpy(npyValid).shape).toEqual([2, 3]);
    expect(Object.keys(decodeSafetensors(stValid).tensors).sort()).toEqual(['d', 'enc.weight', 'step']);
    expect(decodeIdx(idxValid).dims).toEqual([3, 2, 2]);
  });
});
