// `vae eval`'s sample-quality section: the classifier's verdict on a model's samples as a table.
import type { SampleQuality } from '../vae/sample-quality.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

/** The report as lines (markdown tables, so they paste into a README as they are). */
export function formatSampleQuality(q: SampleQuality, classifierName: string): string[] {
  const lines: string[] = [];
  const about = `classifier ${classifierName}: ${pct(q.realAccuracyOverall)} of the real test digits`;
  if (q.recognised) {
    const recognised = q.recognised;
    const worst = recognised.reduce((w, r, d) => (r < recognised[w]! ? d : w), 0);
    const mean = recognised.reduce((s, r) => s + r, 0) / recognised.length;
    const realMean = q.realAccuracy.reduce((s, r) => s + r, 0) / q.realAccuracy.length;
    lines.push(`samples the classifier reads as the digit asked for (${q.samplesPerDigit} per digit; ${about}):`, '');
    lines.push(
      ...table(
        ['digit', 'samples read as the digit', 'real test digits read right'],
        [
          ...recognised.map((r, d) => [String(d), pct(r), pct(q.realAccuracy[d]!)]),
          ['mean', pct(mean), pct(realMean)],
          [`worst (${worst})`, pct(recognised[worst]!), pct(q.realAccuracy[worst]!)],
        ],
      ),
      '',
    );
  } else {
    lines.push(`prior samples through the classifier (${q.samples} samples; ${about}):`, '');
    lines.push(
      ...table(
        ['', ...q.classShares.map((_, d) => String(d)), 'confidence'],
        [
          ['share of samples', ...q.classShares.map(pct), q.confidence.toFixed(3)],
          ['test digits, as classified', ...q.realClassShares.map(pct), q.realConfidence.toFixed(3)],
        ],
      ),
      '',
    );
  }
  lines.push(
    `Fréchet distance in the classifier's features, samples vs test digits: ${q.frechet.toFixed(2)} ` +
      `(${q.samples} train digits vs test digits: ${q.frechetTrainVsTest.toFixed(2)})`,
  );
  return lines;
}
