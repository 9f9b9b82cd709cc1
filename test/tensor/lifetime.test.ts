// Tensor lifetimes: a use after free says who freed the tensor (dispose() or a tidy(), and with
// debugLeaks on where that tidy was), and debugLeaks reports tensors garbage-collected without
// dispose() with the stack where they were created (in a child process run with --expose-gc).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { debugLeaks, randn, tensor, tidy, type Tensor } from '../../src/index.js';

afterEach(() => debugLeaks(false));

describe('a use after free says who freed the tensor', () => {
  it('dispose()', () => {
    const x = randn([2, 3]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/^tensor #\d+ float32\[2,3\] was used after dispose\(\)$/);
  });

  it('a tidy() whose function returned without it', () => {
    let inner: Tensor | null = null;
    const kept = tidy(() => {
      inner = randn([4]);
      return inner.mul(2);
    });
    expect(kept.isDisposed).toBe(false);
    expect(() => inner!.exp()).toThrow(
      new RegExp(
        String.raw`^tensor #\d+ float32\[4\] was used after tidy\(\) freed it when the function of the tidy\(\) ` +
          String.raw`it was created in returned without it \(return it from that function, or keep\(\) it\) ` +
          String.raw`\(debugLeaks\(true\) makes this message say where that tidy\(\) was called\)$`,
      ),
    );
  });

  it('a tidy() whose function threw', () => {
    let inner: Tensor | null = null;
    expect(() =>
      tidy(() => {
        inner = randn([1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() => inner!.exp()).toThrow(/freed it when the function of the tidy\(\) it was created in threw/);
  });

  it('with debugLeaks(true): where that tidy() was called, and where a tensor was disposed', () => {
    debugLeaks(true);
    let inner: Tensor | null = null;
    function stepOfMyTraining(): void {
      tidy(() => {
        inner = tensor([1, 2]);
      });
    }
    stepOfMyTraining();
    let message = '';
    try {
      inner!.exp();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/; that tidy\(\) was called at:\nat stepOfMyTraining \(.*lifetime\.test\.ts:\d+:\d+\)/);
    const x = tensor([1]);
    x.dispose();
    expect(() => x.exp()).toThrow(/was used after dispose\(\); it was disposed at:\nat .*lifetime\.test\.ts/);
  });
});

describe('debugLeaks', () => {
  it('reports tensors garbage-collected without dispose(), with where they were created', () => {
    const fixture = resolve(import.meta.dirname, 'leak-check.fixture.ts');
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fixture], {
      encoding: 'utf8',
      cwd: resolve(import.meta.dirname, '../..'),
    });
    const { leaks, off } = JSON.parse(out.trim().split('\n').pop()!) as {
      leaks: { tensor: string; backend: string; bytes: number; createdAt: string }[];
      off: number;
    };
    // makeGarbage() created 3 inputs and 3 sums without disposing any; the disposed tensor is not reported
    expect(leaks).toHaveLength(6);
    for (const leak of leaks) {
      expect(leak.tensor).toMatch(/^#\d+ float32\[3\]$/);
      expect(leak.bytes).toBe(12);
      expect(leak.createdAt).toMatch(/^at makeGarbage \(.*leak-check\.fixture\.ts:\d+:\d+\)/);
    }
    expect(off).toBe(0);
  }, 60_000);
});
