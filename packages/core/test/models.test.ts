import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL,
  EDIT_INPUT_RULES,
  FAMILIES,
  allowedValues,
  describeFamily,
  describeSizes,
  familyById,
  listText,
  resolveFamily,
  retirementOf,
  supportsField,
} from '../src/models/index.js';
import { validateGenerate } from '../src/request/validate.js';
import type { FamilyId } from '../src/types.js';

describe('resolveFamily', () => {
  const cases: [string, FamilyId | undefined][] = [
    ['dall-e-2', 'dall-e-2'],
    ['DALL-E-2', 'dall-e-2'],
    ['dall-e-3', 'dall-e-3'],
    ['  dall-e-3  ', 'dall-e-3'],
    ['dall-e-3-2023-11-06', 'dall-e-3'],
    ['gpt-image-1', 'gpt-image'],
    ['gpt-image-1-mini', 'gpt-image'],
    ['gpt-image-1.5', 'gpt-image'],
    ['chatgpt-image-latest', 'gpt-image'],
    ['gpt-image-2', 'gpt-image-2'],
    ['gpt-image-2-2026-04-21', 'gpt-image-2'],
    ['gpt-image-2.5-flare', 'gpt-image-2'],
    ['gpt-image-2.6-flare', 'gpt-image-2'],
    ['GPT-Image-2.6-Sunburst', 'gpt-image-2'],
    ['gpt-image-3', 'gpt-image-2'],
    // 'gpt-image-1' must not claim a future gpt-image-10.
    ['gpt-image-10', 'gpt-image-2'],
    ['openai/gpt-image-2', 'gpt-image-2'],
    ['dall-e-20', undefined],
    ['my-azure-deployment', undefined],
    ['stable-diffusion-xl', undefined],
    ['gpt-4o', undefined],
    ['', undefined],
    ['   ', undefined],
  ];
  it.each(cases)('%j → %s', (model, family) => {
    expect(resolveFamily(model)?.id).toBe(family);
  });

  it('is undefined for no model', () => {
    expect(resolveFamily(undefined)).toBeUndefined();
  });

  it('models the gpt-image-1-mini input-fidelity exception as a variant of the GPT image row', () => {
    const mini = resolveFamily('gpt-image-1-mini')!;
    expect(mini.id).toBe('gpt-image');
    expect(mini.supportsInputFidelity).toBe(false);
    expect(mini.maxEditImages).toBe(16);
    expect(resolveFamily('gpt-image-1')!.supportsInputFidelity).toBe(true);
    expect(resolveFamily('gpt-image-1.5')!.supportsInputFidelity).toBe(true);
    expect(familyById('gpt-image').supportsInputFidelity).toBe(true);
    // Resolving twice gives the same object.
    expect(resolveFamily('gpt-image-1-mini-2025')).toBe(mini);
  });
});

describe('the capability table', () => {
  it('has one row per family id', () => {
    expect(FAMILIES.map((f) => f.id)).toEqual(['dall-e-2', 'dall-e-3', 'gpt-image', 'gpt-image-2']);
    for (const family of FAMILIES) expect(familyById(family.id)).toBe(family);
  });

  it('applies the reference rules to requests (prompt length, n per call, sizes, qualities, styles, edits)', () => {
    const ok = (model: string, extra: Record<string, unknown> = {}) =>
      validateGenerate({ prompt: 'p', model, ...extra }).ok;
    // Prompt length: 1000 / 4000 / 32000 characters.
    expect(ok('dall-e-2', { prompt: 'x'.repeat(1000) })).toBe(true);
    expect(ok('dall-e-2', { prompt: 'x'.repeat(1001) })).toBe(false);
    expect(ok('dall-e-3', { prompt: 'x'.repeat(4001) })).toBe(false);
    expect(ok('gpt-image-2', { prompt: 'x'.repeat(32000) })).toBe(true);
    // n up to 10 everywhere; DALL-E 3 makes one image per call (a warning says n is fanned out).
    expect(ok('gpt-image-1.5', { n: 10 })).toBe(true);
    const d3 = validateGenerate({ prompt: 'p', model: 'dall-e-3', n: 3 });
    expect(d3.ok && d3.warnings.join()).toMatch(/3 calls/);
    // Sizes: lists for DALL-E and GPT image, the free WxH rule for GPT image 2.
    expect(ok('dall-e-2', { size: '512x512' })).toBe(true);
    expect(ok('dall-e-3', { size: '512x512' })).toBe(false);
    expect(ok('gpt-image-1', { size: '1792x1024' })).toBe(false);
    expect(ok('gpt-image-2', { size: '2160x3840' })).toBe(true);
    expect(ok('gpt-image-2', { size: '1000x1000' })).toBe(false);
    expect(ok('gpt-image-2', { size: '3840x1024' })).toBe(false);
    // Qualities and styles by family; GPT-only fields refused on DALL-E.
    expect(ok('dall-e-3', { quality: 'hd', style: 'natural' })).toBe(true);
    expect(ok('dall-e-2', { quality: 'hd' })).toBe(false);
    expect(ok('gpt-image-2', { style: 'vivid' })).toBe(false);
    expect(ok('dall-e-3', { outputFormat: 'webp' })).toBe(false);
    expect(ok('gpt-image-2', { background: 'transparent', outputFormat: 'webp', moderation: 'low' })).toBe(true);
    // Edits: DALL-E 3 cannot edit; DALL-E 2 takes PNG only.
    expect(familyById('dall-e-3').supportsEdit).toBe(false);
    expect(EDIT_INPUT_RULES['dall-e-2']).toMatchObject({ imageTypes: ['image/png'], squareOnly: true });
  });

  it('warns above the experimental size the rule holds, and names that size', () => {
    const at = validateGenerate({ prompt: 'p', model: 'gpt-image-2', size: '2560x1440' });
    const above = validateGenerate({ prompt: 'p', model: 'gpt-image-2', size: '2576x1440' });
    expect(at.ok && at.warnings).toEqual([]);
    expect(above.ok && above.warnings.join()).toMatch(/above 2560x1440 pixels/);
    const base = familyById('gpt-image-2');
    if (base.sizes.kind !== 'free') throw new Error('free sizes expected');
    const smaller = { ...base, sizes: { ...base.sizes, experimentalAbove: { width: 1536, height: 1024 } } };
    const custom = validateGenerate({ prompt: 'p', model: 'gpt-image-2', size: '2048x1152' }, smaller);
    expect(custom.ok && custom.warnings.join()).toMatch(/above 1536x1024 pixels/);
    expect(describeSizes(smaller.sizes)).toContain('above 1536x1024 pixels is experimental');
  });

  it('has defaults each family itself accepts', () => {
    for (const family of FAMILIES) {
      const sizes = allowedValues(family, 'size');
      expect(sizes).toContain(family.defaults.size);
      if (family.defaults.quality) expect(family.qualities).toContain(family.defaults.quality);
      if (family.defaults.style) expect(family.styles).toContain(family.defaults.style);
      if (family.defaults.responseFormat) expect(family.responseFormats).toContain(family.defaults.responseFormat);
    }
  });

  it('suggests only sizes the free rule accepts', () => {
    const rule = familyById('gpt-image-2').sizes;
    if (rule.kind !== 'free') throw new Error('expected a free rule');
    for (const size of rule.suggested) {
      const [w, h] = size.split('x').map(Number) as [number, number];
      expect(w % 16, size).toBe(0);
      expect(h % 16, size).toBe(0);
      expect(Math.max(w, h) / Math.min(w, h), size).toBeLessThanOrEqual(3);
      expect(Math.max(w, h), size).toBeLessThanOrEqual(3840);
      expect(Math.min(w, h), size).toBeLessThanOrEqual(2160);
    }
  });
});

describe('retirementOf', () => {
  it.each(['dall-e-2', 'dall-e-3', 'gpt-image-1', 'DALL-E-3', 'dall-e-3-2023-11-06'])('%s is retired', (model) => {
    const retirement = retirementOf(model);
    expect(retirement?.status).toBe('retired');
    expect(retirement?.replacement).toBe('gpt-image-2');
    expect(retirement?.retiredOn).toMatch(/2026/);
  });

  it.each(['gpt-image-1-mini', 'gpt-image-1.5', 'chatgpt-image-latest'])('%s shuts down on 2026-12-01', (model) => {
    expect(retirementOf(model)).toMatchObject({
      model,
      status: 'deprecated',
      shutdownDate: '2026-12-01',
      replacement: 'gpt-image-2',
    });
  });

  it.each(['gpt-image-2', 'gpt-image-2.6-flare', 'my-deployment', 'gpt-image-1-turbo', ''])(
    '%j is current',
    (model) => {
      expect(retirementOf(model)).toBeUndefined();
    },
  );

  it('names the default model as the replacement', () => {
    expect(DEFAULT_MODEL).toBe('gpt-image-2');
    expect(resolveFamily(DEFAULT_MODEL)?.id).toBe('gpt-image-2');
    expect(retirementOf(DEFAULT_MODEL)).toBeUndefined();
  });
});

describe('text for UIs', () => {
  it('lists values', () => {
    expect(listText([])).toBe('');
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b'])).toBe('a or b');
    expect(listText(['a', 'b', 'c'], 'and')).toBe('a, b and c');
  });

  it('gives allowed values per field', () => {
    const d2 = familyById('dall-e-2');
    const d3 = familyById('dall-e-3');
    const gpt2 = familyById('gpt-image-2');
    expect(allowedValues(d2, 'size')).toEqual(['256x256', '512x512', '1024x1024']);
    expect(allowedValues(d3, 'style')).toEqual(['vivid', 'natural']);
    expect(allowedValues(gpt2, 'style')).toEqual([]);
    expect(allowedValues(gpt2, 'size')).toContain('auto');
    expect(allowedValues(gpt2, 'size')).toContain('3840x2160');
    expect(allowedValues(gpt2, 'partialImages')).toEqual(['0', '1', '2', '3']);
    expect(allowedValues(d3, 'partialImages')).toEqual([]);
    expect(allowedValues(d3, 'n')).toHaveLength(10);
    expect(allowedValues(d3, 'responseFormat')).toEqual(['url', 'b64_json']);
    expect(allowedValues(gpt2, 'responseFormat')).toEqual([]);
    expect(allowedValues(resolveFamily('gpt-image-1-mini')!, 'inputFidelity')).toEqual([]);
    expect(allowedValues(resolveFamily('gpt-image-1.5')!, 'inputFidelity')).toEqual(['high', 'low']);
    expect(supportsField(d2, 'outputCompression')).toBe(false);
    expect(supportsField(gpt2, 'outputCompression')).toBe(true);
    expect(supportsField(d3, 'stream')).toBe(false);
  });

  it('describes sizes and families', () => {
    expect(describeSizes(familyById('dall-e-2').sizes)).toBe('256x256, 512x512 or 1024x1024');
    const free = describeSizes(familyById('gpt-image-2').sizes);
    expect(free).toContain('multiples of 16');
    expect(free).toContain('3:1');
    expect(free).toContain('2560x1440');
    expect(free).toContain('or auto');

    const d3 = describeFamily(familyById('dall-e-3'), 'dall-e-3');
    expect(d3).toContain('dall-e-3 (DALL-E 3 rules):');
    expect(d3).toContain('- prompt: up to 4000 characters');
    expect(d3).toContain('1 per API call');
    expect(d3).toContain('- style: vivid or natural (default vivid)');
    expect(d3).toContain('- edit: not supported');
    expect(d3).not.toContain('outputFormat');

    const gpt = describeFamily(familyById('gpt-image'));
    expect(gpt).toContain('- quality: low, medium, high or auto');
    expect(gpt).toContain('- outputFormat: png, jpeg or webp (default png)');
    expect(gpt).toContain('1 to 16 PNG, JPEG or WebP images under 50 MB each');
    expect(gpt).not.toContain('responseFormat');
    expect(describeFamily(familyById('dall-e-2'))).toContain('one square PNG image under 4 MB');
  });
});
