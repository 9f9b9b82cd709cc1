// A small line chart on a plain canvas: several series against the training step, each drawn
// raw (faint) and smoothed by an exponential moving average, or as dots (per-epoch values);
// axes with round ticks, a legend, and a y range that ignores the first steps' huge losses.

export interface Series {
  name: string;
  color: string;
  /** Drawn as dots joined by a line (few points, e.g. one per epoch) instead of a smoothed line. */
  dots?: boolean;
  /** Hidden from the plot but still in the legend (toggled by clicking it). */
  hidden?: boolean;
  xs: number[];
  ys: number[];
}

/** Exponential moving average with the bias correction of Adam's moments (the first values are not pulled to 0). */
export function smooth(ys: readonly number[], weight: number): number[] {
  const out: number[] = new Array(ys.length);
  let m = 0;
  for (let i = 0; i < ys.length; i++) {
    m = weight * m + (1 - weight) * ys[i]!;
    out[i] = m / (1 - weight ** (i + 1));
  }
  return out;
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export class LineChart {
  readonly series: Series[] = [];
  /** EMA weight of the smoothed lines (0 = raw). */
  smoothing = 0.9;
  private pending = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly opts: { xLabel: string; yLabel: string; minY?: number },
  ) {
    canvas.addEventListener('click', (ev) => this.toggleAt(ev));
  }

  add(s: Omit<Series, 'xs' | 'ys'>): Series {
    const full: Series = { ...s, xs: [], ys: [] };
    this.series.push(full);
    return full;
  }

  clear(): void {
    for (const s of this.series) {
      s.xs.length = 0;
      s.ys.length = 0;
    }
    this.redraw();
  }

  /** Redraws on the next animation frame (many updates, one drawing). */
  redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private legendBoxes: { x: number; y: number; w: number; h: number; s: Series }[] = [];

  private toggleAt(ev: MouseEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const x = ((ev.clientX - r.left) * this.canvas.width) / r.width;
    const y = ((ev.clientY - r.top) * this.canvas.height) / r.height;
    const hit = this.legendBoxes.find((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h);
    if (hit) {
      hit.s.hidden = !hit.s.hidden;
      this.redraw();
    }
  }

  draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const cssW = c.clientWidth || 480;
    const cssH = c.clientHeight || 240;
    if (c.width !== Math.round(cssW * dpr)) c.width = Math.round(cssW * dpr);
    if (c.height !== Math.round(cssH * dpr)) c.height = Math.round(cssH * dpr);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, cssW, cssH);
    const pad = { left: 52, right: 10, top: 26, bottom: 34 };
    const w = cssW - pad.left - pad.right;
    const h = cssH - pad.top - pad.bottom;

    const shown = this.series.filter((s) => !s.hidden && s.xs.length > 0);
    const lines = shown.map((s) => ({ s, ys: s.dots ? s.ys : smooth(s.ys, this.smoothing) }));
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const { s, ys } of lines) {
      x0 = Math.min(x0, s.xs[0]!);
      x1 = Math.max(x1, s.xs[s.xs.length - 1]!);
      // the first steps' losses are far above the rest: leave them off the scale once there is more
      const skip = s.dots ? 0 : Math.min(Math.floor(ys.length / 10), 20);
      for (let i = skip; i < ys.length; i++) {
        const raw = s.ys[i]!;
        y0 = Math.min(y0, ys[i]!, s.dots ? ys[i]! : raw);
        y1 = Math.max(y1, ys[i]!);
      }
    }
    if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [0, 1, 0, 1];
    if (x1 <= x0) x1 = x0 + 1;
    if (this.opts.minY !== undefined) y0 = Math.min(y0, this.opts.minY);
    if (y1 <= y0) y1 = y0 + 1;
    const margin = (y1 - y0) * 0.05;
    y0 -= margin;
    y1 += margin;
    const px = (x: number) => pad.left + ((x - x0) / (x1 - x0)) * w;
    const py = (y: number) => pad.top + (1 - (y - y0) / (y1 - y0)) * h;

    // axes and ticks
    ctx.strokeStyle = '#ccc';
    ctx.fillStyle = '#444';
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of ticks(y0, y1, 5)) {
      const y = Math.round(py(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.left, y);
      ctx.lineTo(pad.left + w, y);
      ctx.stroke();
      ctx.fillText(String(t), pad.left - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of ticks(x0, x1, 6)) ctx.fillText(String(t), px(t), pad.top + h + 4);
    ctx.fillText(this.opts.xLabel, pad.left + w / 2, pad.top + h + 18);
    ctx.save();
    ctx.translate(12, pad.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(this.opts.yLabel, 0, 0);
    ctx.restore();

    // the data, clipped to the plot
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.left, pad.top, w, h);
    ctx.clip();
    const stride = (n: number) => Math.max(1, Math.floor(n / (2 * w)));
    for (const { s, ys } of lines) {
      if (!s.dots && this.smoothing > 0) {
        ctx.globalAlpha = 0.2;
        this.path(ctx, s.xs, s.ys, px, py, stride(s.xs.length), s.color);
        ctx.globalAlpha = 1;
      }
      this.path(ctx, s.xs, ys, px, py, s.dots ? 1 : stride(s.xs.length), s.color);
      if (s.dots) {
        ctx.fillStyle = s.color;
        s.xs.forEach((x, i) => {
          ctx.beginPath();
          ctx.arc(px(x), py(ys[i]!), 3, 0, 2 * Math.PI);
          ctx.fill();
        });
      }
    }
    ctx.restore();

    // legend (click to hide or show a series)
    this.legendBoxes = [];
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let lx = pad.left;
    for (const s of this.series) {
      const last = s.ys.length ? s.ys[s.ys.length - 1]! : undefined;
      const value = last === undefined ? '' : ` ${(s.dots ? last : smooth(s.ys, this.smoothing).at(-1)!).toFixed(2)}`;
      const label = `${s.name}${value}`;
      const tw = ctx.measureText(label).width + 18;
      ctx.globalAlpha = s.hidden ? 0.35 : 1;
      ctx.fillStyle = s.color;
      ctx.fillRect(lx, 8, 10, 10);
      ctx.fillStyle = '#222';
      ctx.fillText(label, lx + 14, 13);
      ctx.globalAlpha = 1;
      this.legendBoxes.push({ x: lx * dpr, y: 4 * dpr, w: tw * dpr, h: 18 * dpr, s });
      lx += tw + 8;
    }
  }

  private path(
    ctx: CanvasRenderingContext2D,
    xs: number[],
    ys: number[],
    px: (x: number) => number,
    py: (y: number) => number,
    stride: number,
    color: string,
  ): void {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < xs.length; i += stride) {
      if (i === 0) ctx.moveTo(px(xs[i]!), py(ys[i]!));
      else ctx.lineTo(px(xs[i]!), py(ys[i]!));
    }
    const n = xs.length - 1;
    if (n > 0 && n % stride !== 0) ctx.lineTo(px(xs[n]!), py(ys[n]!));
    ctx.stroke();
  }
}
