// A progress bar with ETA and a running value (the loss): on a terminal it redraws in place
// (cli-progress); in a log (CI, a pipe) it prints a line every tenth of the way.
import cliProgress from 'cli-progress';

export interface Progress {
  update(step: number, value?: number): void;
  stop(): void;
}

export function epochProgress(
  epoch: number,
  epochs: number,
  steps: number,
  out: NodeJS.WriteStream = process.stderr,
): Progress {
  return progressBar(`epoch ${epoch}/${epochs}`, steps, 'steps', 'loss', out);
}

export function progressBar(
  label: string,
  total: number,
  unit: string,
  valueName: string,
  out: NodeJS.WriteStream = process.stderr,
): Progress {
  let loss = NaN;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} | ETA {eta_formatted} | ${valueName} {loss}`,
        hideCursor: true,
        stream: out,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '…' });
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
      if (step / total >= nextMark && l !== undefined) {
        const elapsed = (Date.now() - started) / 1000;
        const eta = (elapsed / step) * (total - step);
        out.write(`${label}  ${step}/${total} ${unit}  ETA ${eta.toFixed(0)}s  ${valueName} ${loss.toFixed(2)}\n`);
        while (nextMark <= step / total) nextMark += 0.1;
      }
    },
    stop() {},
  };
}
