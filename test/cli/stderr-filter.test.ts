// The CLI's stderr filter: exactly Dawn's two adapter-limit warnings are dropped, whatever the
// chunking; every other byte passes, and a progress bar's partial line passes at once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineFilter } from '../../src/cli/stderr-filter.js';

const WARNINGS = ['Uniform', 'Storage'].map(
  (kind) =>
    `Warning: maxDynamic${kind}BuffersPerPipelineLayout artificially reduced from 1000000 to 16 ` +
    'to fit dynamic offset allocation limit.\n',
);
const OTHERS = [
  'epoch 1/10  12/469 steps  ETA 30s  loss 180.20\n',
  '\repoch 1/10 [===-------] 120/469 steps | ETA 3s | loss 171.30',
  'Warning: something else the user should read\n',
  'Warning: maxDynamicUniformBuffersPerPipelineLayout is fine\n',
  'vae train: --epochs must be >= 1, got -1\n',
  'Warning: max',
  '\n',
];

describe('stderr filter', () => {
  it('drops exactly the two known lines under any chunking, and passes all the rest unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...WARNINGS), fc.constantFrom(...OTHERS)), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        (pieces, cuts) => {
          const text = pieces.join('');
          let out = '';
          const f = lineFilter((t) => {
            out += t;
          });
          let at = 0;
          for (let i = 0; at < text.length; i++) {
            const n = cuts[i % cuts.length]!;
            f.push(text.slice(at, at + n));
            at += n;
          }
          f.end();
          // what should remain: the text without its lines that are exactly a known warning
          const want = text
            .split(/(?<=\n)/)
            .filter((line) => !WARNINGS.includes(line))
            .join('');
          expect(out).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lets a progress line through before its newline arrives', () => {
    const seen: string[] = [];
    const f = lineFilter((t) => seen.push(t));
    f.push('\repoch 1/10 [==');
    expect(seen.join('')).toBe('\repoch 1/10 [==');
    f.push('Warning: maxDyn');
    expect(seen.join('')).toBe('\repoch 1/10 [==Warning: maxDyn'); // mid-line: not a line of its own
  });
});
