/**
 * image/: bytes of images, no model or wire knowledge: sniff the type and read width and height,
 * PNG / JPEG / WebP encoders (the sandbox renders with them), and generated images' file names
 * (`file-name.ts`, shared by the MCP server and the n8n node). Imports nothing from the rest of the
 * core but `types.ts`. Pure, no I/O.
 */
export { imageFileName, normalizeExtension } from './file-name.js';
export { type ImageDimensions, imageTypeName, readImageSize, type SniffedType, sniffImageType } from './sniff.js';
export { assertRaster, hasAlpha, type Raster } from './raster.js';
export { encodePng, type PngOptions } from './png.js';
export { encodeJpeg } from './jpeg.js';
export { encodeWebp } from './webp.js';
export { zlibCompress } from './deflate.js';
export { adler32, crc32 } from './checksum.js';
