// The `vae` command's two processes, when WebGPU may be used: this one (the parent) runs the
// real work in a child whose stderr it reads through lineFilter, so Dawn's adapter warnings
// (see stderr-filter.ts) never reach the user, and everything else does, as it comes.
//   - The child runs in its own process group: a terminal's Ctrl-C reaches only the parent,
//     which passes SIGINT, SIGTERM and SIGHUP on to the child once each (so "finish the step,
//     save, exit" and "a second signal quits at once" behave as in one process).
//   - If the parent dies (kill -9), the child sees its IPC channel close and exits at once too.
//   - The child is told whether the real stderr is a terminal (and its width), so progress
//     bars draw as they would.
// VAE_RAW_STDERR=1 turns all this off (one process, Dawn's lines included).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { lineFilter } from './stderr-filter.js';

const CHILD = 'VAE_CLI_CHILD';
const TTY = 'VAE_CLI_STDERR_COLUMNS';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The value of --backend in argv ('auto' when absent). */
function backendFlag(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--backend=')) return a.slice('--backend='.length);
    if (a === '--backend') return args[i + 1] ?? 'auto';
  }
  return 'auto';
}

/** Whether `vae argv` should run in a filtered child: a command that may ask for a WebGPU adapter. */
export function wantsFilteredChild(argv: readonly string[]): boolean {
  if (process.env[CHILD] === '1' || process.env.VAE_RAW_STDERR === '1') return false;
  const [command, ...rest] = argv;
  if (!command || !['train', 'sample', 'eval', 'sweep', 'tune'].includes(command)) return false;
  if (rest.includes('--help') || rest.includes('-h')) return false;
  return !backendFlag(rest).startsWith('cpu');
}

/** Runs this same script with argv in a child, stderr filtered; resolves to its exit code. */
export async function runInFilteredChild(argv: readonly string[]): Promise<number> {
  const script = process.argv[1]!;
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'pipe', 'ipc'],
    detached: true,
    env: { ...process.env, [CHILD]: '1', [TTY]: process.stderr.isTTY ? String(process.stderr.columns || 80) : '' },
  });
  const filter = lineFilter((text) => process.stderr.write(text));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => filter.push(text));
  const forward = SIGNALS.map((name) => {
    const handler = () => child.kill(name);
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
      child.on('error', fail);
      child.on('close', (c, s) => done({ code: c, signal: s }));
    });
    filter.end();
    return code ?? 128 + (signal ? constants.signals[signal] : 0);
  } finally {
    for (const [name, handler] of forward) process.off(name, handler);
  }
}

/** In the child: follow the parent out, and draw progress as on the parent's terminal. */
export function setUpAsFilteredChild(): void {
  if (process.env[CHILD] !== '1') return;
  process.channel?.unref(); // the IPC channel alone must not keep the child alive
  process.on('disconnect', () => process.exit(137)); // the parent is gone (killed)
  process.stderr.on('error', () => {}); // a broken pipe while the parent dies: nothing left to tell
  const columns = Number(process.env[TTY]);
  if (columns > 0) Object.assign(process.stderr, { isTTY: true, columns });
}
