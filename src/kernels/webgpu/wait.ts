// Waiting for the device without taking a CPU core from it.
//
// Dawn's Node bindings (the `webgpu` package) resolve a pending promise — mapAsync,
// onSubmittedWorkDone, popErrorScope — by ticking the device from a native callback that
// re-queues itself with the global `setImmediate` for as long as anything is pending: a busy
// loop on the JS thread. On a CPU driver (lavapipe) on a 2-core machine that loop takes one of
// the two cores the kernels run on: measured, the main thread burns ~60 % of a core while a
// matmul runs, and a VAE training step (which waits once, for its loss) gets ~25 % slower.
//
// So while we wait, `setImmediate` is swapped for a version that, once the wait has lasted
// SPIN_MS, defers *native* callbacks (Dawn's tick; JS callbacks pass through untouched) to a
// 0 ms timer, i.e. polls about once a millisecond. Short waits still spin and return at once;
// long ones cost at most ~1 ms of latency instead of a core. The bindings look `setImmediate`
// up on every tick, which is what makes this work; in a browser (no setImmediate) it does nothing.

/** Waits shorter than this spin as before (ms). */
const SPIN_MS = 0.5;

type Immediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => unknown;
const g = globalThis as { setImmediate?: Immediate };

let depth = 0;
let original: Immediate | undefined;
let since = 0;

const nativeCode = (fn: unknown): boolean =>
  typeof fn === 'function' && Function.prototype.toString.call(fn).includes('[native code]');

function politeImmediate(fn: (...args: unknown[]) => void, ...args: unknown[]): unknown {
  if (!original || (performance.now() - since > SPIN_MS && nativeCode(fn))) return setTimeout(fn, 0, ...args);
  return original(fn, ...args);
}

/** Runs `start` (which begins an asynchronous WebGPU operation) and awaits it politely. */
export async function politely<T>(start: () => Promise<T>): Promise<T> {
  if (typeof g.setImmediate !== 'function') return start();
  if (depth++ === 0) {
    original = g.setImmediate;
    since = performance.now();
    g.setImmediate = politeImmediate;
  }
  try {
    return await start();
  } finally {
    if (--depth === 0) {
      g.setImmediate = original;
      original = undefined;
    }
  }
}
