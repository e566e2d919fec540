export { type ImageDimensions, imageTypeName, readImageSize, type SniffedType, sniffImageType } from './sniff.js';
export { assertRaster, hasAlpha, type Raster } from './raster.js';
export { encodePng, type PngOptions } from './png.js';
export { encodeJpeg } from './jpeg.js';
export { encodeWebp } from './webp.js';
export { zlibCompress } from './deflate.js';
export { adler32, crc32 } from './checksum.js';
