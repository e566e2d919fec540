/**
 * The sandbox renderer: a deterministic abstract picture derived from the prompt (palette, shapes
 * and composition from a hash of it), marked "BRUSHWORK SANDBOX" with the prompt's first words in a
 * built-in bitmap font, encoded as PNG, JPEG or WebP by the core's pure encoders.
 */
import { encodeJpeg } from '../image/jpeg.js';
import { encodePng } from '../image/png.js';
import type { Raster } from '../image/raster.js';
import { encodeWebp } from '../image/webp.js';
import type { OutputFormat } from '../types.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, glyphRows, textWidth, toFontText } from './font.js';
import { createRandom, hashString, mix32 } from './hash.js';

export const SANDBOX_MARK = 'BRUSHWORK SANDBOX';

export interface SandboxRenderOptions {
  prompt: string;
  width: number;
  height: number;
  /** Position of the image in its request: varies the picture. Default 0. */
  index?: number;
  /** Extra seed (e.g. a hash of an edit's input image). Default 0. */
  seed?: number;
  /** Default png. */
  format?: OutputFormat;
  /** 0–100, jpeg/webp: higher compresses more (lower quality), as the API's output_compression. Default 0 → quality 95 for JPEG. WebP output is lossless. */
  compression?: number;
  /** transparent works for png and webp; jpeg falls back to opaque. Default opaque. */
  background?: 'transparent' | 'opaque' | 'auto';
  /** A second line of marking, e.g. "EDIT" or "DALL-E 3". */
  label?: string;
  /** Streaming previews: partial `index` of `total` draws part of the picture. */
  partial?: { index: number; total: number };
}

/** Largest side the renderer accepts (the API's largest is 3840). */
export const SANDBOX_MAX_SIDE = 8192;

export function renderSandboxImage(options: SandboxRenderOptions): Uint8Array {
  const format = options.format ?? 'png';
  const transparent = options.background === 'transparent' && format !== 'jpeg';
  const raster = renderSandboxRaster({ ...options, background: transparent ? 'transparent' : 'opaque' });
  if (format === 'jpeg') {
    const compression = clamp(Math.round(options.compression ?? 0), 0, 100);
    return encodeJpeg(raster, clamp(95 - Math.round(compression * 0.9), 5, 95));
  }
  if (format === 'webp') return encodeWebp(raster);
  return encodePng(raster);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const hue = (((h % 360) + 360) % 360) / 360;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t0: number) => {
    let t = t0;
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [
    Math.round(channel(hue + 1 / 3) * 255),
    Math.round(channel(hue) * 255),
    Math.round(channel(hue - 1 / 3) * 255),
  ];
}

/** A painter over an RGBA raster with "over" compositing; coordinates are clipped. */
class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  blendSpan(y: number, x0: number, x1: number, c: Rgb, alpha: number): void {
    if (y < 0 || y >= this.height) return;
    const from = Math.max(0, Math.ceil(x0));
    const to = Math.min(this.width - 1, Math.floor(x1));
    if (to < from) return;
    const d = this.data;
    const [r, g, b] = c;
    let i = (y * this.width + from) * 4;
    const end = (y * this.width + to) * 4;
    if (alpha >= 255) {
      for (; i <= end; i += 4) {
        d[i] = r;
        d[i + 1] = g;
        d[i + 2] = b;
        d[i + 3] = 255;
      }
      return;
    }
    const a = alpha / 255;
    for (; i <= end; i += 4) {
      const da = d[i + 3]!;
      if (da === 255) {
        d[i] = (d[i]! + (r - d[i]!) * a + 0.5) | 0;
        d[i + 1] = (d[i + 1]! + (g - d[i + 1]!) * a + 0.5) | 0;
        d[i + 2] = (d[i + 2]! + (b - d[i + 2]!) * a + 0.5) | 0;
      } else {
        const dst = (da / 255) * (1 - a);
        const out = a + dst;
        d[i] = ((r * a + d[i]! * dst) / out + 0.5) | 0;
        d[i + 1] = ((g * a + d[i + 1]! * dst) / out + 0.5) | 0;
        d[i + 2] = ((b * a + d[i + 2]! * dst) / out + 0.5) | 0;
        d[i + 3] = (out * 255 + 0.5) | 0;
      }
    }
  }

  rect(x0: number, y0: number, x1: number, y1: number, c: Rgb, alpha: number): void {
    const top = Math.max(0, Math.ceil(y0));
    const bottom = Math.min(this.height - 1, Math.floor(y1));
    for (let y = top; y <= bottom; y++) this.blendSpan(y, x0, x1, c, alpha);
  }

  /** Ellipse, or a ring when `inner` (0–1, relative radius of the hole) is given. */
  ellipse(cx: number, cy: number, rx: number, ry: number, c: Rgb, alpha: number, inner = 0): void {
    const top = Math.max(0, Math.ceil(cy - ry));
    const bottom = Math.min(this.height - 1, Math.floor(cy + ry));
    for (let y = top; y <= bottom; y++) {
      const t = (y - cy) / ry;
      const half = rx * Math.sqrt(Math.max(0, 1 - t * t));
      if (inner > 0 && Math.abs(t) < inner) {
        const u = t / inner;
        const hole = rx * inner * Math.sqrt(Math.max(0, 1 - u * u));
        this.blendSpan(y, cx - half, cx - hole, c, alpha);
        this.blendSpan(y, cx + hole, cx + half, c, alpha);
      } else this.blendSpan(y, cx - half, cx + half, c, alpha);
    }
  }

  /** Filled convex polygon (scanline). */
  polygon(points: ReadonlyArray<[number, number]>, c: Rgb, alpha: number): void {
    let minY = Number.POSITIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (const [, y] of points) {
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const top = Math.max(0, Math.ceil(minY));
    const bottom = Math.min(this.height - 1, Math.floor(maxY));
    for (let y = top; y <= bottom; y++) {
      let left = Number.POSITIVE_INFINITY;
      let right = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < points.length; k++) {
        const [ax, ay] = points[k]!;
        const [bx, by] = points[(k + 1) % points.length]!;
        if ((y >= ay && y <= by) || (y >= by && y <= ay)) {
          if (ay === by) {
            left = Math.min(left, ax, bx);
            right = Math.max(right, ax, bx);
          } else {
            const x = ax + ((y - ay) * (bx - ax)) / (by - ay);
            left = Math.min(left, x);
            right = Math.max(right, x);
          }
        }
      }
      if (left <= right) this.blendSpan(y, left, right, c, alpha);
    }
  }

  text(text: string, x: number, y: number, scale: number, c: Rgb): void {
    for (let k = 0; k < text.length; k++) {
      const rows = glyphRows(text[k]!);
      const gx = x + k * GLYPH_ADVANCE * scale;
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        const bits = rows[row]!;
        if (bits === 0) continue;
        for (let col = 0; col < 5; col++) {
          if (!(bits & (16 >> col))) continue;
          this.rect(gx + col * scale, y + row * scale, gx + (col + 1) * scale - 1, y + (row + 1) * scale - 1, c, 255);
        }
      }
    }
  }
}

/** The first words of the prompt that fit in `maxChars` characters, with " ..." when some are left out. */
export function promptHeadline(prompt: string, maxChars: number): string {
  const words = toFontText(prompt).split(/\s+/).filter(Boolean);
  const whole = words.join(' ');
  if (whole.length <= maxChars) return whole;
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length + 4 > maxChars) break;
    line = next;
  }
  if (!line) return maxChars >= 4 ? `${(words[0] ?? '').slice(0, maxChars - 3)}...` : whole.slice(0, maxChars);
  return `${line} ...`;
}

/** The picture as RGBA pixels. Same options → same pixels. */
export function renderSandboxRaster(options: SandboxRenderOptions): Raster {
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`Sandbox image size must be positive integers, got ${width}x${height}`);
  }
  if (width > SANDBOX_MAX_SIDE || height > SANDBOX_MAX_SIDE) {
    throw new Error(`Sandbox image size ${width}x${height} exceeds ${SANDBOX_MAX_SIDE} pixels per side`);
  }
  const promptHash = hashString(options.prompt ?? '');
  const seed = mix32(promptHash ^ mix32((options.index ?? 0) + 0x9e3779b9) ^ mix32((options.seed ?? 0) ^ 0x51ed270b));
  const rnd = createRandom(seed);
  const canvas = new Canvas(width, height);
  const short = Math.min(width, height);

  // Palette: a base hue from the prompt (so all images of one prompt share a family of colours),
  // varied per image, in one of three harmonies.
  const baseHue = (promptHash % 360) + rnd() * 40;
  const harmony = [30, 150, 120][seed % 3]!;
  const palette: Rgb[] = [];
  for (let k = 0; k < 6; k++) {
    const hue = baseHue + (k % 3) * harmony + (rnd() - 0.5) * 20;
    palette.push(hsl(hue, 0.45 + rnd() * 0.5, 0.25 + rnd() * 0.5));
  }
  const pick = () => palette[Math.floor(rnd() * palette.length)]!;

  // Background: a banded gradient between two palette colours, at an angle.
  if (options.background !== 'transparent') {
    const c0 = hsl(baseHue, 0.35 + rnd() * 0.3, 0.12 + rnd() * 0.2);
    const c1 = hsl(baseHue + harmony, 0.35 + rnd() * 0.3, 0.55 + rnd() * 0.3);
    const angle = rnd() * Math.PI * 2;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const span = Math.abs(dx) * width + Math.abs(dy) * height;
    const origin = (dx < 0 ? -dx * width : 0) + (dy < 0 ? -dy * height : 0);
    const bands = 24;
    const colours: Rgb[] = [];
    for (let k = 0; k <= bands; k++) {
      const t = k / bands;
      colours.push([
        Math.round(c0[0] + (c1[0] - c0[0]) * t),
        Math.round(c0[1] + (c1[1] - c0[1]) * t),
        Math.round(c0[2] + (c1[2] - c0[2]) * t),
      ]);
    }
    const d = canvas.data;
    for (let y = 0; y < height; y++) {
      const rowBase = y * dy + origin;
      let i = y * width * 4;
      for (let x = 0; x < width; x++, i += 4) {
        const band = Math.floor(((x * dx + rowBase) / span) * bands);
        const c = colours[Math.min(bands, Math.max(0, band))]!;
        d[i] = c[0];
        d[i + 1] = c[1];
        d[i + 2] = c[2];
        d[i + 3] = 255;
      }
    }
  }

  // Composition: scattered shapes, concentric rings, or a horizon scene.
  const composition = mix32(seed ^ 0xabcdef) % 3;
  const total = 6 + Math.floor(rnd() * 9);
  const shapes = options.partial
    ? Math.max(1, Math.ceil((total * (options.partial.index + 1)) / (options.partial.total + 1)))
    : total;
  if (composition === 1) {
    const cx = width * (0.3 + rnd() * 0.4);
    const cy = height * (0.3 + rnd() * 0.4);
    for (let k = 0; k < shapes; k++) {
      const r = short * (0.55 - (k / total) * 0.5);
      canvas.ellipse(cx, cy, r, r, pick(), 200 + Math.floor(rnd() * 55), k % 2 === 0 ? 0.8 : 0);
    }
  } else if (composition === 2) {
    const horizon = height * (0.5 + rnd() * 0.25);
    const sun = pick();
    canvas.ellipse(width * (0.2 + rnd() * 0.6), horizon - short * 0.15, short * 0.14, short * 0.14, sun, 255);
    for (let k = 0; k < shapes; k++) {
      const peak = width * rnd();
      const base = short * (0.2 + rnd() * 0.35);
      const h = short * (0.1 + rnd() * 0.3);
      canvas.polygon(
        [
          [peak - base, horizon + 1],
          [peak, horizon - h],
          [peak + base, horizon + 1],
        ],
        pick(),
        180 + Math.floor(rnd() * 75),
      );
    }
    canvas.rect(0, horizon, width - 1, height - 1, pick(), 230);
  } else {
    for (let k = 0; k < shapes; k++) {
      const kind = Math.floor(rnd() * 4);
      const cx = width * rnd();
      const cy = height * rnd();
      const size = short * (0.08 + rnd() * 0.3);
      const colour = pick();
      const alpha = 150 + Math.floor(rnd() * 105);
      if (kind === 0) canvas.ellipse(cx, cy, size, size, colour, alpha);
      else if (kind === 1) canvas.rect(cx - size, cy - size * 0.6, cx + size, cy + size * 0.6, colour, alpha);
      else if (kind === 2)
        canvas.polygon(
          [
            [cx, cy - size],
            [cx + size, cy + size * 0.8],
            [cx - size, cy + size * 0.8],
          ],
          colour,
          alpha,
        );
      else canvas.ellipse(cx, cy, size, size * 0.7, colour, alpha, 0.6);
    }
  }

  drawMarks(canvas, options);
  return { width, height, data: canvas.data };
}

function drawMarks(canvas: Canvas, options: SandboxRenderOptions): void {
  const { width, height } = canvas;
  const short = Math.min(width, height);
  // Text about 1/40 of the short side high, never below one font pixel, never wider than the image.
  let scale = Math.max(1, Math.floor(short / 220));
  while (scale > 1 && textWidth(SANDBOX_MARK, scale) > width - 4 * scale) scale--;
  const pad = 2 * scale;
  const lineHeight = GLYPH_HEIGHT * scale;
  const barHeight = lineHeight + 2 * pad;
  const dark: Rgb = [16, 16, 24];
  const white: Rgb = [255, 255, 255];
  const amber: Rgb = [255, 196, 0];

  canvas.rect(0, 0, width - 1, Math.min(height, barHeight) - 1, dark, 200);
  let mark = SANDBOX_MARK;
  const extra = [options.label, options.partial ? `PARTIAL ${options.partial.index + 1}/${options.partial.total}` : '']
    .filter(Boolean)
    .map((s) => toFontText(s as string))
    .join(' - ');
  if (extra && textWidth(`${mark} - ${extra}`, scale) <= width - 2 * pad) mark = `${mark} - ${extra}`;
  canvas.text(mark, pad, pad, scale, amber);

  if (height >= barHeight * 3) {
    const maxChars = Math.max(1, Math.floor((width - 2 * pad + scale) / (GLYPH_ADVANCE * scale)));
    const headline = promptHeadline(options.prompt ?? '', maxChars);
    if (headline) {
      const top = height - barHeight;
      canvas.rect(0, top, width - 1, height - 1, dark, 200);
      canvas.text(headline, pad, top + pad, scale, white);
    }
  }
}
