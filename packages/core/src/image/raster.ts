/** An image in memory: `data` holds width × height pixels as R, G, B, A bytes, row by row, top first. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Throws a plain Error naming the problem when a raster's shape does not add up. */
export function assertRaster(raster: Raster, maxSide = 65535): void {
  const { width, height, data } = raster;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`Raster size must be positive integers, got ${width}x${height}`);
  }
  if (width > maxSide || height > maxSide) {
    throw new Error(`Raster size ${width}x${height} exceeds the encoder's limit of ${maxSide} pixels per side`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 4) {
    throw new Error(`Raster data must be ${width * height * 4} RGBA bytes, got ${data?.length}`);
  }
}

/** True when any pixel is not fully opaque. */
export function hasAlpha(raster: Raster): boolean {
  const { data } = raster;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) return true;
  }
  return false;
}
