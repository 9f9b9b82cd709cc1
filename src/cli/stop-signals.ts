// SIGINT (Ctrl-C), SIGTERM (kill, a job scheduler, `docker stop`) and SIGHUP (a closed
// terminal) all ask a training run to stop cleanly: finish the current step, write a
// checkpoint, exit with 128 + the signal's number. A second signal quits at once.
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof SIGNALS)[number];

export interface StopRequest {
  /** The first signal received, or null. */
  readonly signal: StopSignal | null;
  /** 128 + the signal number (130 for Ctrl-C), the shell's convention for "ended by a signal". */
  readonly exitCode: number;
  /** Stops listening (the signals' default actions return). */
  dispose(): void;
}

export function listenForStop(write: (line: string) => void = (l) => process.stderr.write(l)): StopRequest {
  let signal: StopSignal | null = null;
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      if (signal) {
        write(`\n${name} again: quitting at once (the last checkpoint written stays complete)\n`);
        process.exit(128 + constants.signals[name]);
      }
      signal = name;
      const again = name === 'SIGINT' ? 'Ctrl-C again' : `send ${name} again`;
      write(
        `\n${name === 'SIGINT' ? 'interrupted' : `received ${name}`}: finishing the current step and writing ` +
          `a checkpoint (${again} to quit at once)\n`,
      );
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    get signal() {
      return signal;
    },
    get exitCode() {
      return signal ? 128 + constants.signals[signal] : 0;
    },
    dispose() {
      for (const [name, h] of handlers) process.off(name, h);
    },
  };
}
