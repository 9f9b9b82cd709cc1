// The pages that quote code cannot drift from it. In README.md and docs/*.md a fenced block
// of TypeScript, WGSL or Python follows a marker naming where it comes from:
//
//   <!-- code: src/vae/gaussian.ts -->      the block appears verbatim in that file; a line that is
//                                           only `// …` (or `…`) stands for lines left out, and the
//                                           pieces between must appear in the file in that order
//   <!-- wgsl: map_exp_contiguous -->       the block is part of a kernel the WebGPU backend
//                                           generates (checked by test/gpu/docs-wgsl.test.ts)
//
// In the learners' pages (docs/walkthrough.md, docs/write-your-own-op.md) a ts/wgsl/python block
// without a marker fails; in every page a relative link to a missing file fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, type CodeBlock, findPieces } from '../helpers/doc-blocks.js';

const root = resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  'examples/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** Pages whose every code block must be quoted from the source. */
const quotedOnly = new Set(['docs/walkthrough.md', 'docs/write-your-own-op.md']);

const where = (page: string, b: CodeBlock) => `${page}:${b.line}`;

for (const page of pages) {
  const text = readFileSync(join(root, page), 'utf8');
  const blocks = codeBlocks(text);
  const quoted = blocks.filter((b) => b.source?.kind === 'code');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:|^#/.test(l));
  if (!quotedOnly.has(page) && !quoted.length && !links.length) continue; // nothing to check here

  describe(page, () => {
    if (quotedOnly.has(page))
      it('marks every TypeScript, WGSL and Python block with its source', () => {
        const unmarked = blocks.filter(
          (b) => ['ts', 'typescript', 'wgsl', 'python', 'py'].includes(b.lang) && !b.source,
        );
        expect(unmarked.map((b) => `${where(page, b)} (${b.lang})`)).toEqual([]);
      });

    if (quoted.length)
      it(`quotes its ${quoted.length} marked blocks verbatim from the files they name`, () => {
        for (const b of quoted) {
          const file = join(root, b.source!.target);
          expect(existsSync(file), `${where(page, b)}: ${b.source!.target} does not exist`).toBe(true);
          const missing = findPieces(readFileSync(file, 'utf8'), b.body);
          expect(
            missing,
            `${where(page, b)}: this piece is not in ${b.source!.target} ` +
              `(the code changed; update the page):\n${missing}`,
          ).toBeNull();
        }
      });

    if (links.length)
      it(`links only to files that exist (${links.length} links)`, () => {
        const broken = links.filter((l) => !existsSync(join(root, dirname(page), l.split('#')[0]!)));
        expect(broken).toEqual([]);
      });
  });
}

describe('findPieces', () => {
  const file = 'a\nb\nc\nd\ne\n';
  it('finds a contiguous block and pieces in order around an elision', () => {
    expect(findPieces(file, 'b\nc')).toBeNull();
    expect(findPieces(file, 'a\n// …\nd\ne')).toBeNull();
    expect(findPieces(file, '  a\n  …\n  e')).toBeNull(); // indentation is the file's, not the page's
  });
  it('reports the piece that is missing or out of order', () => {
    expect(findPieces(file, 'b\nd')).toBe('b\nd');
    expect(findPieces(file, 'd\n// …\nb')).toBe('b');
  });
});
