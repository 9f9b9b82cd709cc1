// The matmul tuning table in a browser: IndexedDB, one record per adapter. No Node built-ins
// here (the main entry exports it); in Node the table is a file (tuning-file.ts).
import type { MatmulTuning } from './kernels/matmul/tune.js';
import type { MatmulTuningStore } from './matmul-tuning.js';

const DB = 'vae-webgpu';
const STORE = 'matmul-tuning';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('matmul tuning: no IndexedDB here'));
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('matmul tuning: IndexedDB open failed'));
  });
}

/** This adapter's tuning table from IndexedDB ({} when there is none or no IndexedDB). */
export async function loadMatmulTuningFromIndexedDB(adapterKey: string): Promise<MatmulTuning> {
  try {
    const db = await open();
    return await new Promise<MatmulTuning>((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(adapterKey);
      req.onsuccess = () => resolve((req.result as MatmulTuning | undefined) ?? {});
      req.onerror = () => reject(req.error ?? new Error('matmul tuning: IndexedDB read failed'));
    }).finally(() => db.close());
  } catch {
    return {};
  }
}

/** Stores this adapter's tuning table in IndexedDB (merged over what was kept for it). */
export async function saveMatmulTuningToIndexedDB(adapterKey: string, tuning: MatmulTuning): Promise<void> {
  const kept = await loadMatmulTuningFromIndexedDB(adapterKey);
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put({ ...kept, ...tuning }, adapterKey);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('matmul tuning: IndexedDB write failed'));
  }).finally(() => db.close());
}

/** The tuning tables in this browser's IndexedDB (database "vae-webgpu"), for tuneMatmulsFor. */
export const indexedDBTuningStore: MatmulTuningStore = {
  where: 'IndexedDB',
  load: loadMatmulTuningFromIndexedDB,
  save: saveMatmulTuningToIndexedDB,
};
