// `npm run bench`: the three benchmarks in turn — kernels (vs TensorFlow.js), the VAE training
// step (vs TensorFlow.js, with a profile, and one epoch of `vae train`), dispatch overhead —
// each in its own process, with the same flags (e.g. --quick). Streams their output and keeps
// the tables together in bench/results/latest.md (each script also writes its own JSON), below
// the file's marker line: the collected runs above it (the README's long tables) stay.
//
//   npm run bench                (~10 min on a 2-core machine)
//   npm run bench -- --quick     (~3 min)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const scripts = ['kernels.ts', 'step.ts', 'dispatch.ts'];
const sections: string[] = [];
const started = performance.now();

for (const script of scripts) {
  const out: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out.push(d.toString());
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    console.error(`bench/${script} failed (exit ${code})`);
    process.exit(1);
  }
  // the tables and their headers, without progress lines and the "wrote ..." footer
  sections.push(
    out
      .join('')
      .split('\n')
      .filter((l) => !/^\s+round \d/.test(l) && !/^wrote /.test(l))
      .join('\n')
      .trim(),
  );
  console.log('');
}
const cmd = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
const minutes = ((performance.now() - started) / 60000).toFixed(1);
const latest = join(RESULTS_DIR, 'latest.md');
const MARKER = '<!-- npm run bench writes everything below this line -->';
const previous = existsSync(latest) ? readFileSync(latest, 'utf8') : '';
const kept = previous.includes(MARKER) ? previous.slice(0, previous.indexOf(MARKER)) : '';
writeFileSync(latest, `${kept}${MARKER}\n<!-- ${cmd}, ${minutes} min -->\n\n${sections.join('\n\n')}\n`);
console.log(`all benchmarks done in ${minutes} min; tables in ${latest} (below its marker line)`);
