// Charts drawn into a Raster with the bitmap font: a framed plotting area with ticks at round
// numbers, tick labels, axis labels, a title and a legend, and the marks (lines, dots, labelled
// points) placed through the chart's data-to-pixel mapping. Enough for training curves, latent
// scatters and the rate-distortion picture, readable without the README.
import { drawText, LINE_HEIGHT, textWidth } from './font.js';
import { createRaster, fillRect, setPixel, type Raster, type Rgb } from './raster.js';

export const BLACK: Rgb = [0, 0, 0];
export const WHITE: Rgb = [255, 255, 255];
export const GRID: Rgb = [225, 225, 225];
export const AXIS: Rgb = [60, 60, 60];

export interface LegendEntry {
  label: string;
  color: Rgb;
  /** Show a stroke of the series' line (dashed when dash > 0) instead of a colour box. */
  line?: { dash: number };
}

export interface ChartOptions {
  /** The picture's size; or give plotSize for a plotting area of an exact size (images drawn into it). */
  width?: number;
  height?: number;
  plotSize?: [number, number];
  title: string;
  xLabel: string;
  yLabel: string;
  /** Data ranges; padded by 4% unless pad is false. */
  x: [number, number];
  y: [number, number];
  pad?: boolean;
  legend?: LegendEntry[];
  /** Draw tick labels and grid lines (default true; a PCA scatter's axes have no units worth reading). */
  ticks?: boolean;
  /** Grid lines under the marks (default true when ticks are drawn). */
  grid?: boolean;
  /** Ticks at these data positions with these labels instead of round numbers. */
  customTicks?: { x: [number, string][]; y: [number, string][] };
  /** Whole-number ticks only on the x axis (epochs). */
  integerX?: boolean;
}

export interface Chart {
  raster: Raster;
  /** The plotting area in pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Data coordinates to pixel coordinates (y grows upwards in the data). */
  px(x: number): number;
  py(y: number): number;
}

/** About count round-number ticks (1, 2 or 5 × 10^k apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(count, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  // k × step, rounded to the step's decimals, so 0.1 + 0.2 never shows as 0.30000000000000004
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
    ticks.push(Number((k * step).toFixed(decimals)) || 0);
  return ticks;
}

/** A tick value as short text: no more decimals than the step needs. */
export function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(decimals, 6)).replace('-', '−');
}

function padded([lo, hi]: [number, number], pad: boolean): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const p = pad ? (hi - lo) * 0.04 : 0;
  return [lo - p, hi + p];
}

const LEGEND_ROW = 14;

/** Draws the frame, grid, ticks, labels, title and legend; returns the chart to draw marks into. */
export function createChart(o: ChartOptions): Chart {
  const showTicks = o.ticks ?? true;
  const showGrid = o.grid ?? showTicks;
  const legend = o.legend ?? [];
  const legendWidth = legend.length ? 34 + Math.max(...legend.map((e) => textWidth(e.label))) + 10 : 0;
  const [x0, x1] = padded(o.x, o.pad ?? true);
  const [y0, y1] = padded(o.y, o.pad ?? true);
  const round = (ticks: number[]): [number, string][] => {
    const step = (ticks[1] ?? 1) - (ticks[0] ?? 0);
    return ticks.map((t) => [t, tickLabel(t, step)]);
  };
  const xTicks = o.customTicks?.x ?? round(o.integerX ? niceTicks(x0, x1).filter(Number.isInteger) : niceTicks(x0, x1));
  const yTicks = o.customTicks?.y ?? round(niceTicks(y0, y1));
  const yTickText = yTicks.map(([, label]) => label);
  const yTickWidth = showTicks ? Math.max(...yTickText.map((t) => textWidth(t))) : 0;
  const left = 8 + LINE_HEIGHT + 6 + yTickWidth + 6;
  const top = 8 + 2 * LINE_HEIGHT + 8;
  const below = 8 + LINE_HEIGHT + 6 + (showTicks ? LINE_HEIGHT + 4 : 0);
  const titleWidth = textWidth(o.title, 2) + 16;
  const width = o.plotSize ? Math.max(left + o.plotSize[0] + 10 + legendWidth, titleWidth) : (o.width ?? 640);
  const height = o.plotSize
    ? Math.max(top + o.plotSize[1] + below, top + legend.length * LEGEND_ROW + 10)
    : (o.height ?? 400);
  const right = o.plotSize ? left + o.plotSize[0] : width - 10 - legendWidth;
  const bottom = o.plotSize ? top + o.plotSize[1] : height - below;
  const raster = createRaster(width, height, WHITE);
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number) => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);

  if (showTicks) {
    xTicks.forEach(([t, label]) => {
      const x = Math.round(px(t));
      if (x < left || x > right) return;
      if (showGrid) fillRect(raster, x, top, 1, bottom - top, GRID);
      fillRect(raster, x, bottom, 1, 4, AXIS);
      drawText(raster, label, x, bottom + 6, { align: 'center', color: AXIS });
    });
    yTicks.forEach(([t], i) => {
      const y = Math.round(py(t));
      if (y < top || y > bottom) return;
      if (showGrid) fillRect(raster, left, y, right - left, 1, GRID);
      fillRect(raster, left - 4, y, 4, 1, AXIS);
      drawText(raster, yTickText[i]!, left - 6, y - 3, { align: 'right', color: AXIS });
    });
  }
  // the frame
  fillRect(raster, left, top, right - left + 1, 1, AXIS);
  fillRect(raster, left, bottom, right - left + 1, 1, AXIS);
  fillRect(raster, left, top, 1, bottom - top + 1, AXIS);
  fillRect(raster, right, top, 1, bottom - top + 1, AXIS);

  const titleX = Math.min(Math.max(Math.round((left + right) / 2), titleWidth / 2), width - titleWidth / 2);
  drawText(raster, o.title, Math.round(titleX), 8, { align: 'center', scale: 2 });
  drawText(raster, o.xLabel, Math.round((left + right) / 2), height - 8 - LINE_HEIGHT + 2, { align: 'center' });
  drawText(raster, o.yLabel, 8, Math.round((top + bottom) / 2), { align: 'center', vertical: true });

  legend.forEach((e, i) => {
    if (e.line) {
      const y = top + i * LEGEND_ROW + 4;
      for (let x = 0; x < 16; x++)
        if (!e.line.dash || Math.floor(x / 3) % 2 === 0) fillRect(raster, right + 12 + x, y - 1, 1, 3, e.color);
    } else fillRect(raster, right + 12, top + i * LEGEND_ROW, 16, 9, e.color);
    drawText(raster, e.label, right + 34, top + i * LEGEND_ROW + 1);
  });
  return { raster, left, top, right, bottom, px, py };
}

/** A straight line of the given thickness (Bresenham), clipped to the picture. */
export function drawLine(
  raster: Raster,
  xa: number,
  ya: number,
  xb: number,
  yb: number,
  color: Rgb,
  thickness = 1,
  dash = 0,
): void {
  let x = Math.round(xa),
    y = Math.round(ya);
  const x1 = Math.round(xb),
    y1 = Math.round(yb);
  const dx = Math.abs(x1 - x),
    dy = -Math.abs(y1 - y);
  const sx = x < x1 ? 1 : -1,
    sy = y < y1 ? 1 : -1;
  let err = dx + dy;
  const half = Math.floor(thickness / 2);
  for (let n = 0; ; n++) {
    if (!dash || Math.floor(n / dash) % 2 === 0) fillRect(raster, x - half, y - half, thickness, thickness, color);
    if (x === x1 && y === y1) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** A filled dot of radius r (pixels) centred at (x, y). */
export function drawDot(raster: Raster, x: number, y: number, r: number, color: Rgb): void {
  const cx = Math.round(x),
    cy = Math.round(y);
  for (let j = -r; j <= r; j++)
    for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r + r) setPixel(raster, cx + i, cy + j, color);
}

export interface Series {
  label: string;
  color: Rgb;
  points: [number, number][];
  /** Dash length in pixels (0 = solid). */
  dash?: number;
}

function range(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
}

/** Line chart: one polyline with dots per series, a legend naming them. */
export function renderLineChart(o: {
  width?: number;
  height?: number;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  integerX?: boolean;
}): Raster {
  const all = o.series.flatMap((s) => s.points);
  const chart = createChart({
    width: o.width ?? 640,
    height: o.height ?? 400,
    title: o.title,
    xLabel: o.xLabel,
    yLabel: o.yLabel,
    x: range(all.map((p) => p[0])),
    y: range(all.map((p) => p[1])),
    legend: o.series.map((s) => ({ label: s.label, color: s.color, line: { dash: s.dash ?? 0 } })),
    integerX: o.integerX ?? false,
  });
  for (const s of o.series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    pts.forEach(([x, y], i) => {
      if (i > 0) {
        const [xp, yp] = pts[i - 1]!;
        drawLine(chart.raster, chart.px(xp), chart.py(yp), chart.px(x), chart.py(y), s.color, 2, s.dash ?? 0);
      }
      drawDot(chart.raster, chart.px(x), chart.py(y), 2, s.color);
    });
  }
  return chart.raster;
}
