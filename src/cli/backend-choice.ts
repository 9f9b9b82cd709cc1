import { useBackend, type BackendChoice, type BackendInfo } from '../tensor/backends.js';

/** Selects the backend and says which one, once. */
export async function selectBackend(choice: BackendChoice, log: (line: string) => void): Promise<BackendInfo> {
  const info = await useBackend(choice);
  if (choice === 'auto' && info.name === 'cpu') {
    log(
      'backend: cpu (no WebGPU adapter found; run ' +
        'scripts/install-webgpu-driver.sh as root on a headless Linux machine)',
    );
  } else log(`backend: ${info.name} — ${info.description}`);
  return info;
}
