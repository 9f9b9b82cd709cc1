import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  // examples/ import the package by its name, as a user's program does
  resolve: {
    alias: [
      { find: /^vae-webgpu$/, replacement: src('index.ts') },
      { find: /^vae-webgpu\/node$/, replacement: src('node.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // vae train tunes the WebGPU matmul on first use (timing, not results: every candidate sums
    // in the same order); the CLI tests skip that, test/gpu/webgpu-matmul-tune.test.ts covers it
    env: { VAE_MATMUL_TUNING: 'off' },
    // One Dawn device per worker process; GPU tests share the machine's two cores.
    pool: 'forks',
    fileParallelism: true,
  },
});
