// The pictures and table of `vae sweep`: the rate-distortion plot (each model a labelled point,
// KL against reconstruction) and one summary picture with, per value, its samples, its latent
// map and its numbers side by side.
import { AXIS, createChart, drawDot, drawLine } from '../data/chart.js';
import { stack, titled } from '../data/compose.js';
import { drawText, LINE_HEIGHT, textWidth } from '../data/font.js';
import { createRaster, type Raster } from '../data/raster.js';
import { renderScatter } from '../data/scatter.js';
import type { SampleQuality } from '../vae/sample-quality.js';

export interface SweepPoint {
  swept: 'beta' | 'latent';
  value: number;
  epochs: number;
  testElbo: number;
  /** Distortion: −E_q log p(x|z) on the test set, nats per image. */
  recon: number;
  /** Rate: KL(q(z|x) || p(z)) on the test set, nats per image. */
  kl: number;
  activeUnits: number;
  latent: number;
  quality: SampleQuality;
  samples: Raster;
  /** Test digits' posterior means in 2-d (PCA beyond 2 dims), and their labels. */
  latentPoints: Float32Array;
  latentLabels: Int32Array;
}

const name = (p: Pick<SweepPoint, 'swept' | 'value'>) => (p.swept === 'beta' ? `β = ${p.value}` : `latent ${p.value}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function renderRateDistortion(points: SweepPoint[], width = 560, height = 420): Raster {
  const chart = createChart({
    width,
    height,
    title: 'Rate vs distortion',
    xLabel: 'rate: KL(q(z|x) || p(z)), nats per test image',
    yLabel: 'distortion: reconstruction −log p(x|z), nats',
    x: [Math.min(...points.map((p) => p.kl)), Math.max(...points.map((p) => p.kl))],
    y: [Math.min(...points.map((p) => p.recon)), Math.max(...points.map((p) => p.recon))],
  });
  const r = chart.raster;
  points.forEach((p, i) => {
    const prev = points[i - 1];
    if (prev)
      drawLine(r, chart.px(prev.kl), chart.py(prev.recon), chart.px(p.kl), chart.py(p.recon), [170, 170, 170], 1, 4);
  });
  for (const p of points) {
    const x = chart.px(p.kl),
      y = chart.py(p.recon);
    drawDot(r, x, y, 4, [214, 39, 40]);
    const label = name(p);
    // label to the right of the point unless it would leave the plot
    const right = x + 8 + textWidth(label) < chart.right;
    drawText(r, label, Math.round(right ? x + 8 : x - 8), Math.round(y - 10), {
      align: right ? 'left' : 'right',
      color: AXIS,
    });
  }
  return r;
}

function textBlock(lines: string[], width: number): Raster {
  const r = createRaster(width, lines.length * (LINE_HEIGHT + 3) + 4, [255, 255, 255]);
  lines.forEach((l, i) => drawText(r, l, 2, 2 + i * (LINE_HEIGHT + 3)));
  return r;
}

/** Per value a column: its name, 64 samples, the test digits' latent means, the numbers. */
export function renderSweepSummary(points: SweepPoint[]): Raster {
  const columns = points.map((p, i) => {
    const width = Math.max(p.samples.width, 240);
    const header = createRaster(width, 2 * LINE_HEIGHT + 6, [255, 255, 255]);
    drawText(header, name(p), Math.round(width / 2), 2, { align: 'center', scale: 2 });
    const scatter = renderScatter(p.latentPoints, p.latentLabels, {
      size: 180,
      pointRadius: 0,
      title: 'latent means',
      xLabel: p.latent > 2 ? 'PC 1' : 'z1',
      yLabel: p.latent > 2 ? 'PC 2' : 'z2',
      ticks: false,
      legend: i === points.length - 1,
    });
    const q = p.quality;
    const lines = [
      `rate (KL)     ${p.kl.toFixed(2)} nats`,
      `distortion    ${p.recon.toFixed(2)} nats`,
      `test −ELBO    ${p.testElbo.toFixed(2)}`,
      `active units  ${p.activeUnits} of ${p.latent}`,
      `Fréchet dist. ${q.frechet.toFixed(2)}`,
      ...(q.recognised
        ? [`recognised    ${pct(mean(q.recognised))}`, `worst digit   ${pct(Math.min(...q.recognised))}`]
        : [`confidence    ${q.confidence.toFixed(3)}`, `rarest digit  ${pct(Math.min(...q.classShares))}`]),
    ];
    return stack([header, p.samples, scatter, textBlock(lines, width)], 'vertical', 6);
  });
  const first = points[0]!;
  const what = first.swept === 'beta' ? 'the KL weight β' : 'the latent size';
  const body = stack([renderRateDistortion(points, 520, 420), ...columns], 'horizontal', 16);
  return titled(
    body,
    `Regularization trade-off: ${what}`,
    `${first.epochs} epochs each, same seed. Columns: samples from the prior, test digits' latent means by digit, ` +
      'and the numbers (Fréchet distance to test digits in the classifier features: lower is better).',
  );
}

/** The sweep's numbers as a markdown table. */
export function sweepTable(points: SweepPoint[]): string[] {
  const cond = points.some((p) => p.quality.recognised);
  const header = [
    points[0]?.swept === 'beta' ? 'β' : 'latent',
    'test −ELBO',
    'distortion (recon)',
    'rate (KL)',
    'active units',
    'Fréchet distance',
    ...(cond ? ['recognised (mean)', 'worst digit'] : ['confidence', 'rarest digit']),
  ];
  const rows = points.map((p) => {
    const q = p.quality;
    return [
      String(p.value),
      p.testElbo.toFixed(2),
      p.recon.toFixed(2),
      p.kl.toFixed(2),
      `${p.activeUnits}/${p.latent}`,
      q.frechet.toFixed(2),
      ...(q.recognised
        ? [pct(mean(q.recognised)), pct(Math.min(...q.recognised))]
        : [q.confidence.toFixed(3), pct(Math.min(...q.classShares))]),
    ];
  });
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
