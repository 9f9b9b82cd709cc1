// Grayscale images (flat Float32Arrays of intensities in [0, 1]) onto canvases: one image, or a
// grid of them, white on black like MNIST, one canvas pixel per image pixel (CSS scales it up).

export const SIDE = 28;

/** Draws `count` side×side images in a grid of `cols` columns with `pad` pixels between them. */
export function drawGrid(
  canvas: HTMLCanvasElement,
  images: Float32Array,
  count: number,
  cols: number,
  pad = 1,
  side = SIDE,
): void {
  const rows = Math.ceil(count / cols);
  const width = cols * side + (cols - 1) * pad;
  const height = rows * side + (rows - 1) * pad;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  const px = img.data;
  // the gaps between images stay dark grey, so a black image still shows its frame
  for (let i = 0; i < px.length; i += 4) {
    px[i] = px[i + 1] = px[i + 2] = 40;
    px[i + 3] = 255;
  }
  for (let n = 0; n < count; n++) {
    const ox = (n % cols) * (side + pad);
    const oy = Math.floor(n / cols) * (side + pad);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = images[n * side * side + y * side + x] ?? 0;
        const g = Math.max(0, Math.min(255, Math.round(v * 255)));
        const o = 4 * ((oy + y) * width + ox + x);
        px[o] = px[o + 1] = px[o + 2] = g;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** One image. */
export function drawImage(canvas: HTMLCanvasElement, image: Float32Array, side = SIDE): void {
  drawGrid(canvas, image, 1, 1, 0, side);
}

/** Ten distinct digit colours (Matplotlib's tab10, as in the CLI's latent scatter). */
export const DIGIT_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** How many pixels of a canvas differ from its first pixel (a blank canvas gives 0). */
export function inkPixels(canvas: HTMLCanvasElement): number {
  if (canvas.width === 0 || canvas.height === 0) return 0;
  const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 4; i < d.length; i += 4)
    if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) n++;
  return n;
}
