// The model code owns its memory on WebGPU too (the CPU run and what is checked: test/vae/memory.test.ts).
import { it } from 'vitest';
import { describeWebGPU } from '../helpers/gpu.js';
import { checkModelCodeOwnsItsMemory } from '../helpers/scoped-memory.js';

await describeWebGPU('model code memory on WebGPU', (gpu) => {
  it('every public model call, outside tidy, leaves only its result alive (with and without grad)', () => {
    checkModelCodeOwnsItsMemory(gpu);
  });
});
