import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FALLBACK_SLUG,
  imageFileName,
  MAX_SLUG_LENGTH,
  normalizeExtension,
  slugify,
  timestampForFileName,
} from '../src/image/file-name.js';

const date = new Date(Date.UTC(2026, 7, 1, 14, 23, 5));

describe('imageFileName', () => {
  it('joins UTC time, a slug of the prompt and the 1-based position', () => {
    expect(imageFileName({ prompt: 'A red fox, in the snow!', index: 0, extension: 'png', date })).toBe(
      '20260801-142305-a-red-fox-in-the-snow-1.png',
    );
    expect(imageFileName({ prompt: 'A red fox', index: 2, extension: 'webp', date })).toBe(
      '20260801-142305-a-red-fox-3.webp',
    );
  });

  it('uses jpg for jpeg and tolerates a leading dot', () => {
    expect(imageFileName({ prompt: 'x', index: 0, extension: '.JPEG', date })).toBe('20260801-142305-x-1.jpg');
  });

  it('falls back to "image" when the prompt has nothing sluggable', () => {
    expect(imageFileName({ prompt: '日本の猫 🐱', index: 0, extension: 'png', date })).toBe(
      `20260801-142305-${FALLBACK_SLUG}-1.png`,
    );
    expect(imageFileName({ prompt: '', index: 0, extension: 'png', date })).toBe('20260801-142305-image-1.png');
  });

  it('stays safe with a bad index or an invalid date', () => {
    expect(imageFileName({ prompt: 'cat', index: -3, extension: 'png', date })).toBe('20260801-142305-cat-1.png');
    expect(imageFileName({ prompt: 'cat', index: 0, extension: 'png', date: new Date(Number.NaN) })).toBe(
      'undated-cat-1.png',
    );
  });

  it('is always a single safe path segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat(20), fc.string(), (prompt, index, ext) => {
        const name = imageFileName({ prompt, index, extension: ext, date });
        expect(name).toMatch(/^[0-9]{8}-[0-9]{6}-[a-z0-9-]+-[0-9]+\.[a-z0-9]+$/);
        expect(name.length).toBeLessThanOrEqual(16 + MAX_SLUG_LENGTH + 1 + 3 + 9);
      }),
      { numRuns: 200 },
    );
  });
});

describe('slugify', () => {
  it('folds accents and collapses separators', () => {
    expect(slugify('Crème brûlée — à la "française"')).toBe('creme-brulee-a-la-francaise');
    expect(slugify('  --Hello__World--  ')).toBe('hello-world');
  });

  it('cuts at a word boundary within the bound', () => {
    const slug = slugify('one two three four five six seven eight nine ten eleven twelve', 20);
    expect(slug).toBe('one-two-three-four');
  });

  it('cuts a single overlong word hard', () => {
    expect(slugify('a'.repeat(100), 10)).toBe('a'.repeat(10));
    expect(slugify(`ab ${'c'.repeat(100)}`, 10)).toBe('ab-ccccccc');
  });

  it('never exceeds the bound nor starts or ends with a dash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const slug = slugify(text, max);
        expect(slug.length).toBeLessThanOrEqual(max);
        expect(slug).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*)?$/);
      }),
    );
  });
});

describe('helpers', () => {
  it('formats time in UTC', () => {
    expect(timestampForFileName(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('20260102-030405');
  });
  it('normalises extensions', () => {
    expect(normalizeExtension('PNG')).toBe('png');
    expect(normalizeExtension('../x')).toBe('x');
    expect(normalizeExtension('')).toBe('bin');
  });
});
