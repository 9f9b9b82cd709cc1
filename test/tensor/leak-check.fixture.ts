// Run by lifetime.test.ts as `node --expose-gc --import tsx`: creates tensors it never disposes,
// lets them be garbage-collected, and prints what debugLeaks reported (as the last line, JSON).
import { debugLeaks, type LeakReport, tensor } from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function collect(reports: LeakReport[], want: number): Promise<void> {
  for (let i = 0; i < 50 && reports.length < want; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 10));
  }
}

function makeGarbage(): void {
  for (let i = 0; i < 3; i++) tensor([1, 2, 3]).add(1);
}

function disposeProperly(): void {
  const t = tensor([4, 5, 6]);
  t.dispose();
}

const leaks: LeakReport[] = [];
debugLeaks(true, { onLeak: (r) => leaks.push(r) });
makeGarbage();
disposeProperly();
await collect(leaks, 6);
await collect(leaks, 7); // give a wrongly reported disposed tensor its chance to show up

// switched off: nothing is reported
const after: LeakReport[] = [];
debugLeaks(false, { onLeak: (r) => after.push(r) });
makeGarbage();
await collect(after, 1);
console.log(JSON.stringify({ leaks, off: after.length }));
