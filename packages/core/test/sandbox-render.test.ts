import { describe, expect, it } from 'vitest';
import { GLYPH_ADVANCE, glyphRows, toFontText } from '../src/sandbox/font.js';
import { promptHeadline, renderSandboxImage, renderSandboxRaster, SANDBOX_MARK } from '../src/sandbox/render.js';
import { readImageSize, sniffImageType } from '../src/image/index.js';
import { decode, meanAbsDiff, sameBytes } from './image-helpers.js';

const AMBER = [255, 196, 0];
const WHITE = [255, 255, 255];

/** True when the raster shows `text` in `colour` at (x, y) with the given font scale. */
function showsText(
  raster: { width: number; data: Uint8Array },
  text: string,
  x: number,
  y: number,
  scale: number,
  colour: number[],
): boolean {
  for (let k = 0; k < text.length; k++) {
    const rows = glyphRows(text[k]!);
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++) {
        const on = (rows[row]! & (16 >> col)) !== 0;
        const px = x + (k * GLYPH_ADVANCE + col) * scale;
        const py = y + row * scale;
        const i = (py * raster.width + px) * 4;
        const isColour =
          raster.data[i] === colour[0] && raster.data[i + 1] === colour[1] && raster.data[i + 2] === colour[2];
        if (on !== isColour) return false;
      }
    }
  }
  return true;
}

describe('renderSandboxRaster', () => {
  it('marks the image "BRUSHWORK SANDBOX" and writes the first words of the prompt', () => {
    const raster = renderSandboxRaster({ prompt: 'A red fox in the snow, at dawn', width: 1024, height: 768 });
    const scale = Math.floor(768 / 220);
    const pad = 2 * scale;
    expect(showsText(raster, SANDBOX_MARK, pad, pad, scale, AMBER)).toBe(true);
    const barTop = 768 - (7 * scale + 2 * pad);
    expect(showsText(raster, 'A RED FOX IN THE SNOW, AT DAWN', pad, barTop + pad, scale, WHITE)).toBe(true);
  });

  it('shortens a long prompt to the words that fit', () => {
    const raster = renderSandboxRaster({
      prompt: 'one two three four five six seven eight nine ten',
      width: 160,
      height: 160,
    });
    const barTop = 160 - (7 + 4);
    expect(showsText(raster, 'ONE TWO THREE FOUR ...', 2, barTop + 2, 1, WHITE)).toBe(true);
    expect(promptHeadline('short words', 20)).toBe('SHORT WORDS');
    expect(promptHeadline('supercalifragilistic word', 10)).toBe('SUPERCA...');
  });

  it('is deterministic and varies with prompt, index and seed', () => {
    const base = { prompt: 'a teapot', width: 200, height: 120 };
    const a = renderSandboxRaster(base);
    expect(sameBytes(a.data, renderSandboxRaster(base).data)).toBe(true);
    expect(meanAbsDiff(a.data, renderSandboxRaster({ ...base, prompt: 'a kettle' }).data)).toBeGreaterThan(10);
    expect(meanAbsDiff(a.data, renderSandboxRaster({ ...base, index: 1 }).data)).toBeGreaterThan(10);
    expect(meanAbsDiff(a.data, renderSandboxRaster({ ...base, seed: 7 }).data)).toBeGreaterThan(10);
  });

  it('leaves the background transparent when asked', () => {
    const raster = renderSandboxRaster({ prompt: 'sticker', width: 128, height: 128, background: 'transparent' });
    let clear = 0;
    for (let i = 3; i < raster.data.length; i += 4) if (raster.data[i] === 0) clear++;
    expect(clear).toBeGreaterThan(0);
    const opaque = renderSandboxRaster({ prompt: 'sticker', width: 128, height: 128 });
    for (let i = 3; i < opaque.data.length; i += 4) expect(opaque.data[i]).toBe(255);
  });

  it('handles tiny and extreme sizes without throwing, and rejects nonsense', () => {
    for (const [w, h] of [
      [1, 1],
      [3, 500],
      [500, 3],
      [17, 17],
    ] as const) {
      expect(renderSandboxRaster({ prompt: 'x', width: w, height: h }).data.length).toBe(w * h * 4);
    }
    expect(() => renderSandboxRaster({ prompt: 'x', width: 0, height: 10 })).toThrow(/positive integers/);
    expect(() => renderSandboxRaster({ prompt: 'x', width: 10.5, height: 10 })).toThrow(/positive integers/);
    expect(() => renderSandboxRaster({ prompt: 'x', width: 100_000, height: 10 })).toThrow(/exceeds/);
  });

  it('partial renders build up to the final picture', () => {
    const base = { prompt: 'a garden', width: 128, height: 128 };
    const partial = renderSandboxRaster({ ...base, partial: { index: 0, total: 2 } });
    expect(sameBytes(partial.data, renderSandboxRaster(base).data)).toBe(false);
  });
});

describe('renderSandboxImage', () => {
  it('encodes png, jpeg and webp of the requested size', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const bytes = renderSandboxImage({ prompt: 'a boat', width: 320, height: 200, format });
      expect(sniffImageType(bytes)?.mimeType).toBe(`image/${format}`);
      expect(readImageSize(bytes)).toEqual({ width: 320, height: 200 });
      const image = await decode(bytes);
      expect([image.width, image.height]).toEqual([320, 200]);
    }
  });

  it('png and webp decode to exactly the rendered pixels; jpeg stays close', async () => {
    const options = { prompt: 'a lantern', width: 240, height: 160 };
    const raster = renderSandboxRaster(options);
    expect(sameBytes((await decode(renderSandboxImage({ ...options, format: 'png' }))).data, raster.data)).toBe(true);
    expect(sameBytes((await decode(renderSandboxImage({ ...options, format: 'webp' }))).data, raster.data)).toBe(true);
    expect(
      meanAbsDiff((await decode(renderSandboxImage({ ...options, format: 'jpeg' }))).data, raster.data),
    ).toBeLessThan(4);
  });

  it('renders jpeg opaque even when a transparent background is asked', async () => {
    const bytes = renderSandboxImage({ prompt: 'x', width: 64, height: 64, format: 'jpeg', background: 'transparent' });
    expect(sniffImageType(bytes)?.mimeType).toBe('image/jpeg');
  });
});

describe('font', () => {
  it('upper-cases, strips accents and replaces unknown characters', () => {
    expect(toFontText('Café déjà vu — 日本')).toBe('CAFE DEJA VU ? ??');
  });
});
