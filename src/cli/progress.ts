// The per-epoch progress bar: step count, ETA and the running loss. On a terminal it redraws in
// place (cli-progress); in a log (CI, a pipe) it prints a line every tenth of the epoch.
import cliProgress from 'cli-progress';

export interface EpochProgress {
  update(step: number, loss?: number): void;
  stop(): void;
}

export function epochProgress(epoch: number, epochs: number, steps: number, out: NodeJS.WriteStream = process.stderr): EpochProgress {
  let loss = NaN;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} steps | ETA {eta_formatted} | loss {loss}`, hideCursor: true, stream: out, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(steps, 0, { loss: '…' });
    return {
      update(step, l) {
        if (l !== undefined) loss = l;
        bar.update(step, { loss: Number.isNaN(loss) ? '…' : loss.toFixed(2) });
      },
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let nextMark = 0.1;
  return {
    update(step, l) {
      if (l !== undefined) loss = l;
      if (step / steps >= nextMark && l !== undefined) {
        const elapsed = (Date.now() - started) / 1000;
        const eta = (elapsed / step) * (steps - step);
        out.write(`epoch ${epoch}/${epochs}  ${step}/${steps} steps  ETA ${eta.toFixed(0)}s  loss ${loss.toFixed(2)}\n`);
        while (nextMark <= step / steps) nextMark += 0.1;
      }
    },
    stop() {},
  };
}
