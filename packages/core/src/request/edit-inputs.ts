/** An edit's input files against the family's EDIT_INPUT_RULES: count, type, size, square, mask. */
import { imageTypeName, readImageSize, sniffImageType } from '../image/sniff.js';
import { listText } from '../models/describe.js';
import { EDIT_INPUT_RULES, MB } from '../models/families.js';
import type { ImageMimeType, InputImage } from '../types.js';
import { add, type Context, has } from './context.js';
import { MAX_EDIT_IMAGES } from './schema.js';

export function checkEditInputs(ctx: Context): void {
  const family = ctx.family;
  const rule = family ? EDIT_INPUT_RULES[family.id] : undefined;
  const { name } = ctx;
  if (has(ctx, 'images')) {
    const images = ctx.raw.images as InputImage[];
    const max = family?.supportsEdit ? family.maxEditImages : MAX_EDIT_IMAGES;
    if (images.length === 0) {
      add(ctx, { field: 'images', value: 0, message: 'images is empty; give at least one image to edit' });
    } else if (images.length > max && (!family || family.supportsEdit)) {
      add(ctx, {
        field: 'images',
        value: images.length,
        message:
          max === 1
            ? `images has ${images.length} images; ${name} edits exactly one image`
            : `images has ${images.length} images; ${family ? name : 'the API'} takes at most ${max}`,
      });
    }
    images.forEach((image, index) => {
      const field = `images[${index}]`;
      if (image.bytes.length === 0) {
        add(ctx, { field, value: '0 bytes', message: `${field} is empty (0 bytes)` });
        return;
      }
      if (!rule || !family?.supportsEdit) return;
      const type = sniff(image.bytes);
      if (!type || !rule.imageTypes.includes(type)) {
        add(ctx, {
          field,
          value: type ?? 'unknown type',
          message: `${field} is ${type ? imageTypeName(type) : 'not a recognised image'}; ${name} edits ${listText(rule.imageTypes.map(imageTypeName))} images`,
          allowed: rule.imageTypes,
        });
      }
      if (image.bytes.length >= rule.maxImageBytes) {
        add(ctx, {
          field,
          value: `${image.bytes.length} bytes`,
          message: `${field} is ${megabytes(image.bytes.length)}; ${name} takes images under ${rule.maxImageBytes / MB} MB`,
        });
      }
      const dims = type === 'image/png' ? pngSize(image.bytes) : undefined;
      if (rule.squareOnly && dims && dims.width !== dims.height) {
        add(ctx, {
          field,
          value: `${dims.width}x${dims.height}`,
          message: `${field} is ${dims.width}x${dims.height}; ${name} edits square images only`,
        });
      }
    });
  }
  if (has(ctx, 'mask')) {
    const mask = ctx.raw.mask as InputImage;
    if (mask.bytes.length === 0) {
      add(ctx, { field: 'mask', value: '0 bytes', message: 'mask is empty (0 bytes)' });
      return;
    }
    if (!rule || !family?.supportsEdit) return;
    const type = sniff(mask.bytes);
    if (type !== 'image/png') {
      add(ctx, {
        field: 'mask',
        value: type ?? 'unknown type',
        message: `mask is ${type ? imageTypeName(type) : 'not a recognised image'}; the mask must be a PNG with transparent areas where to edit`,
        allowed: ['image/png'],
      });
      return;
    }
    if (mask.bytes.length >= rule.maxMaskBytes) {
      add(ctx, {
        field: 'mask',
        value: `${mask.bytes.length} bytes`,
        message: `mask is ${megabytes(mask.bytes.length)}; the mask must be under ${rule.maxMaskBytes / MB} MB`,
      });
    }
    const first = has(ctx, 'images') ? (ctx.raw.images as InputImage[])[0] : undefined;
    const maskSize = pngSize(mask.bytes);
    const imageSize = first ? pngSize(first.bytes) : undefined;
    if (maskSize && imageSize && (maskSize.width !== imageSize.width || maskSize.height !== imageSize.height)) {
      add(ctx, {
        field: 'mask',
        value: `${maskSize.width}x${maskSize.height}`,
        message: `mask is ${maskSize.width}x${maskSize.height} but images[0] is ${imageSize.width}x${imageSize.height}; they must be the same size`,
      });
    }
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

function sniff(bytes: Uint8Array): ImageMimeType | undefined {
  return sniffImageType(bytes)?.mimeType;
}

/** Width and height of a PNG (undefined for anything else). */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  return sniff(bytes) === 'image/png' ? readImageSize(bytes) : undefined;
}
