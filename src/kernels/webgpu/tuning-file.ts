// The matmul tuning table in Node: one JSON file in the user's cache folder
// ($XDG_CACHE_HOME/vae-webgpu, else ~/.cache/vae-webgpu), one table per adapter. Written to a
// temporary file and renamed, so a killed process never leaves half a file. Node only: the
// browser keeps its table in IndexedDB (tuning-idb.ts).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MatmulTuning } from './kernels/matmul/tune.js';
import type { MatmulTuningStore } from './matmul-tuning.js';

/** The cache file: $XDG_CACHE_HOME/vae-webgpu/matmul-tuning.json (or ~/.cache/...). */
export function defaultTuningFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'vae-webgpu', 'matmul-tuning.json');
}

type TuningFile = Record<string, MatmulTuning>;

function readAll(file: string): TuningFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {}; // no cache yet
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    const out: TuningFile = Object.create(null) as TuningFile;
    for (const [adapter, table] of Object.entries(parsed as Record<string, unknown>)) {
      if (!table || typeof table !== 'object' || Array.isArray(table)) continue;
      const t: MatmulTuning = Object.create(null) as MatmulTuning;
      for (const [k, v] of Object.entries(table as Record<string, unknown>)) if (typeof v === 'string') t[k] = v;
      out[adapter] = t;
    }
    return out;
  } catch (e) {
    throw new Error(`matmul tuning cache ${file} is not valid JSON (${(e as Error).message}); delete it to start over`);
  }
}

/** This adapter's table from the cache file ({} when there is none). */
export function loadMatmulTuning(adapterKey: string, file = defaultTuningFile()): MatmulTuning {
  return { ...(readAll(file)[adapterKey] ?? {}) };
}

/** Stores this adapter's table (merged over what the file had for it). */
export function saveMatmulTuning(adapterKey: string, tuning: MatmulTuning, file = defaultTuningFile()): void {
  const all = readAll(file);
  all[adapterKey] = { ...(all[adapterKey] ?? {}), ...tuning };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The tuning tables in a JSON file (default: {@link defaultTuningFile}), for tuneMatmulsFor. */
export function fileTuningStore(file = defaultTuningFile()): MatmulTuningStore {
  return { where: file, load: (key) => loadMatmulTuning(key, file), save: (key, t) => saveMatmulTuning(key, t, file) };
}
