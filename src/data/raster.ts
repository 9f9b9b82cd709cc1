// An RGBA picture in memory, and its PNG encoding (through pngjs).
import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic-write.js';

/** A colour as red, green, blue in 0-255. */
export type Rgb = readonly [number, number, number];

export interface Raster {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major, RGBA. */
  rgba: Uint8Array;
}

export function createRaster(width: number, height: number, fill: Rgb): Raster {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < rgba.length; p += 4) {
    rgba[p] = fill[0];
    rgba[p + 1] = fill[1];
    rgba[p + 2] = fill[2];
    rgba[p + 3] = 255;
  }
  return { width, height, rgba };
}

export function setPixel(raster: Raster, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return;
  const p = (y * raster.width + x) * 4;
  raster.rgba[p] = color[0];
  raster.rgba[p + 1] = color[1];
  raster.rgba[p + 2] = color[2];
  raster.rgba[p + 3] = 255;
}

export function fillRect(raster: Raster, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) setPixel(raster, i, j, color);
}

/**
 * PNG bytes of a raster: grey (one byte a pixel) when every pixel is grey, RGB when every pixel is
 * opaque, else RGBA — a picture of digits is a third the size as grey.
 */
export function encodePng(raster: Raster): Uint8Array {
  const { rgba } = raster;
  let grey = true,
    opaque = true;
  for (let p = 0; p < rgba.length && (grey || opaque); p += 4) {
    if (rgba[p] !== rgba[p + 1] || rgba[p] !== rgba[p + 2]) grey = false;
    if (rgba[p + 3] !== 255) opaque = false;
  }
  const colorType = opaque ? (grey ? 0 : 2) : 6;
  const png = new PNG({ width: raster.width, height: raster.height, colorType, inputColorType: 6 });
  png.data.set(rgba);
  return new Uint8Array(PNG.sync.write(png, { colorType, inputColorType: 6, deflateLevel: 9 }));
}

export async function writePng(path: string, raster: Raster): Promise<void> {
  await writeFileAtomic(path, encodePng(raster));
}
