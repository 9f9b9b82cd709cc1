// Headless Chromium for the browser tests: where it is, and the flags that give a page a WebGPU
// adapter without a GPU (SwiftShader's Vulkan, in Chromium's GPU process) while keeping Chromium
// off the network. Playwright adds --headless and a fresh temporary --user-data-dir itself.
//
// No Chromium: browser suites skip with ONE loud line, unless VAE_REQUIRE_BROWSER=1 (CI), which
// makes that a failure.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.VAE_CHROMIUM || '/usr/bin/chromium';
const SKIP_MESSAGE = 'browser tests SKIPPED: chromium not installed; apt-get install chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-gpu-sandbox',
  '--use-angle=swiftshader',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The same flags without --enable-unsafe-webgpu: headless Chromium then gives pages no WebGPU adapter. */
export const CHROMIUM_ARGS_NO_WEBGPU = CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu');

/** True when Chromium is installed; false (after one warning) when the browser suites should skip. */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.VAE_REQUIRE_BROWSER === '1') {
    throw new Error(`VAE_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (install it with scripts/install-chromium.sh)`);
  }
  console.warn(`\n*** ${SKIP_MESSAGE} ***\n`);
  return false;
}
