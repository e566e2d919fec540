import { describe, expect, it } from 'vitest';
import { ImageError } from '../src/errors/image-error.js';
import { familyById, resolveFamily } from '../src/models/index.js';
import { editRequestSchema, imageRequestSchema } from '../src/request/schema.js';
import { invalidRequestError, validateEdit, validateGenerate } from '../src/request/validate.js';
import type { Problem } from '../src/types.js';

function problemsOf(input: unknown): Problem[] {
  const outcome = validateGenerate(input);
  if (outcome.ok) throw new Error(`expected problems, got ok: ${JSON.stringify(outcome.request)}`);
  return outcome.problems;
}

function messages(input: unknown): string[] {
  return problemsOf(input).map((p) => p.message);
}

function accepts(input: Record<string, unknown>) {
  const outcome = validateGenerate(input);
  if (!outcome.ok) throw new Error(`expected ok, got: ${outcome.problems.map((p) => p.message).join('; ')}`);
  return outcome;
}

const P = 'a lighthouse at dusk';

describe('sizes per family', () => {
  const table: [model: string, size: string, ok: boolean][] = [
    ['dall-e-2', '256x256', true],
    ['dall-e-2', '512x512', true],
    ['dall-e-2', '1024x1024', true],
    ['dall-e-2', '1792x1024', false],
    ['dall-e-2', 'auto', false],
    ['dall-e-3', '1024x1024', true],
    ['dall-e-3', '1792x1024', true],
    ['dall-e-3', '1024x1792', true],
    ['dall-e-3', '512x512', false],
    ['dall-e-3', 'auto', false],
    ['gpt-image-1', '1024x1024', true],
    ['gpt-image-1.5', '1536x1024', true],
    ['gpt-image-1-mini', '1024x1536', true],
    ['chatgpt-image-latest', 'auto', true],
    ['gpt-image-1', '1792x1024', false],
    ['gpt-image-1', '2048x2048', false],
    ['gpt-image-2', 'auto', true],
    ['gpt-image-2', '1024x1024', true],
    ['gpt-image-2', '1536x864', true],
    ['gpt-image-2', '3840x2160', true],
    ['gpt-image-2', '2160x3840', true],
    ['gpt-image-2', '3840x1280', true],
    ['gpt-image-2', '1000x1000', false],
    ['gpt-image-2', '4000x1000', false],
    ['gpt-image-2', '1024x4096', false],
    ['gpt-image-2', '3856x2160', false],
    ['gpt-image-2', '2176x2176', false],
    ['gpt-image-2', '0x1024', false],
    ['gpt-image-2.6-flare', '1600x912', true],
    ['gpt-image-3', '1000x1000', false],
  ];
  it.each(table)('%s size %s → ok %s', (model, size, ok) => {
    const outcome = validateGenerate({ prompt: P, model, size });
    expect(outcome.ok).toBe(ok);
    if (!outcome.ok) {
      for (const problem of outcome.problems) {
        expect(problem.field).toBe('size');
        expect(problem.message).toContain(`size ${size}`);
        expect(problem.allowed?.length).toBeGreaterThan(0);
      }
    }
  });

  it('names the model, the value and the allowed sizes', () => {
    expect(messages({ prompt: P, model: 'dall-e-2', size: '1792x1024' })).toEqual([
      'size 1792x1024 is not available for dall-e-2; use 256x256, 512x512 or 1024x1024',
    ]);
    expect(problemsOf({ prompt: P, model: 'dall-e-2', size: '1792x1024' })[0]).toMatchObject({
      field: 'size',
      value: '1792x1024',
      allowed: ['256x256', '512x512', '1024x1024'],
    });
  });

  it('explains each broken free-size rule', () => {
    expect(messages({ prompt: P, model: 'gpt-image-2', size: '1000x1000' })).toEqual([
      'size 1000x1000 is not available for gpt-image-2: width and height must be multiples of 16 (1000 is not); the nearest is 1008x1008',
    ]);
    expect(messages({ prompt: P, model: 'gpt-image-2', size: '1024x4096' })).toEqual([
      'size 1024x4096 is not available for gpt-image-2: its aspect ratio is 4:1, at most 3:1 is allowed',
      'size 1024x4096 is too large for gpt-image-2: the long side may be at most 3840 and the short side at most 2160 (up to 3840x2160 or 2160x3840)',
    ]);
    const big = messages({ prompt: P, model: 'gpt-image-2', size: '4000x1000' });
    expect(big).toHaveLength(3);
    expect(big[0]).toContain('multiples of 16 (1000 is not)');
    expect(big[1]).toContain('aspect ratio is 4:1');
    expect(big[2]).toContain('too large');
  });

  it('warns about experimental sizes but accepts them', () => {
    const outcome = accepts({ prompt: P, model: 'gpt-image-2', size: '3840x2160' });
    expect(outcome.warnings).toEqual([
      'size 3840x2160 is above 2560x1440 pixels, which is experimental for gpt-image-2: results may vary and take longer',
    ]);
    expect(accepts({ prompt: P, model: 'gpt-image-2', size: '2560x1440' }).warnings).toEqual([]);
  });

  it('rejects sizes that are not WxH for every model, known or not', () => {
    for (const model of ['gpt-image-2', 'my-deployment', undefined]) {
      expect(messages({ prompt: P, model, size: 'large' })).toEqual([
        'size large is not a size; write WIDTHxHEIGHT (for example 1024x1024) or auto',
      ]);
    }
    expect(validateGenerate({ prompt: P, model: 'some-host-model', size: '1000x1000' }).ok).toBe(true);
  });
});

describe('qualities, styles and GPT-only fields per family', () => {
  const table: [model: string, field: string, value: unknown, ok: boolean][] = [
    ['dall-e-2', 'quality', 'standard', true],
    ['dall-e-2', 'quality', 'hd', false],
    ['dall-e-3', 'quality', 'standard', true],
    ['dall-e-3', 'quality', 'hd', true],
    ['dall-e-3', 'quality', 'high', false],
    ['gpt-image-1', 'quality', 'low', true],
    ['gpt-image-2', 'quality', 'medium', true],
    ['gpt-image-2', 'quality', 'high', true],
    ['gpt-image-2', 'quality', 'auto', true],
    ['gpt-image-2', 'quality', 'hd', false],
    ['gpt-image-2', 'quality', 'standard', false],
    ['dall-e-3', 'style', 'vivid', true],
    ['dall-e-3', 'style', 'natural', true],
    ['dall-e-3', 'style', 'anime', false],
    ['dall-e-2', 'style', 'vivid', false],
    ['gpt-image-2', 'style', 'natural', false],
    ['dall-e-2', 'responseFormat', 'url', true],
    ['dall-e-3', 'responseFormat', 'b64_json', true],
    ['gpt-image-1', 'responseFormat', 'b64_json', false],
    ['gpt-image-2', 'responseFormat', 'url', false],
    ['gpt-image-2', 'background', 'transparent', true],
    ['gpt-image-1', 'background', 'opaque', true],
    ['dall-e-3', 'background', 'auto', false],
    ['gpt-image-2', 'moderation', 'low', true],
    ['dall-e-2', 'moderation', 'low', false],
    ['gpt-image-2', 'outputFormat', 'webp', true],
    ['gpt-image-1.5', 'outputFormat', 'jpeg', true],
    ['dall-e-3', 'outputFormat', 'png', false],
    ['gpt-image-2', 'stream', true, true],
    ['gpt-image-2', 'stream', false, true],
    ['dall-e-3', 'stream', true, false],
    ['dall-e-3', 'stream', false, true],
    ['gpt-image-2', 'user', 'user-1234', true],
    ['dall-e-2', 'user', 'user-1234', true],
  ];
  it.each(table)('%s %s=%j → ok %s', (model, field, value, ok) => {
    const outcome = validateGenerate({ prompt: P, model, [field]: value });
    expect(outcome.ok).toBe(ok);
    if (!outcome.ok) {
      expect(outcome.problems).toHaveLength(1);
      expect(outcome.problems[0]!.field).toBe(field);
      expect(outcome.problems[0]!.message).toContain(field);
      expect(outcome.problems[0]!.message).toContain(model);
    }
  });

  it('says what is allowed, or that the field is not taken at all', () => {
    expect(messages({ prompt: P, model: 'dall-e-3', quality: 'high' })).toEqual([
      'quality high is not available for dall-e-3; use standard or hd',
    ]);
    expect(messages({ prompt: P, model: 'gpt-image-2', style: 'vivid' })).toEqual([
      'style is not supported by gpt-image-2; only DALL-E 3 models take it; remove it',
    ]);
    expect(messages({ prompt: P, model: 'gpt-image-2', responseFormat: 'url' })).toEqual([
      'responseFormat is not supported by gpt-image-2 (GPT image models always return base64 images); remove it',
    ]);
    expect(messages({ prompt: P, model: 'dall-e-2', moderation: 'low' })).toEqual([
      'moderation is not supported by dall-e-2; only GPT image and GPT image 2 models take it; remove it',
    ]);
  });

  it('needs png or webp for a transparent background', () => {
    expect(messages({ prompt: P, model: 'gpt-image-2', background: 'transparent', outputFormat: 'jpeg' })).toEqual([
      'background transparent needs outputFormat png or webp, not jpeg',
    ]);
    expect(
      validateGenerate({ prompt: P, model: 'gpt-image-2', background: 'transparent', outputFormat: 'webp' }).ok,
    ).toBe(true);
    // png is the default output format.
    expect(validateGenerate({ prompt: P, model: 'gpt-image-2', background: 'transparent' }).ok).toBe(true);
  });

  it('takes outputCompression 0–100 only with jpeg or webp', () => {
    expect(validateGenerate({ prompt: P, model: 'gpt-image-2', outputFormat: 'jpeg', outputCompression: 0 }).ok).toBe(
      true,
    );
    expect(validateGenerate({ prompt: P, model: 'gpt-image-2', outputFormat: 'webp', outputCompression: 100 }).ok).toBe(
      true,
    );
    // 100 is the default: the spec's own example sends it with png.
    expect(validateGenerate({ prompt: P, model: 'gpt-image-2', outputFormat: 'png', outputCompression: 100 }).ok).toBe(
      true,
    );
    expect(messages({ prompt: P, model: 'gpt-image-2', outputCompression: 50 })).toEqual([
      'outputCompression only applies to jpeg or webp output, not png; set outputFormat to jpeg or webp, or remove outputCompression',
    ]);
    expect(messages({ prompt: P, model: 'gpt-image-2', outputFormat: 'jpeg', outputCompression: 101 })).toEqual([
      'outputCompression 101 is out of range; use 0 to 100',
    ]);
    expect(messages({ prompt: P, model: 'gpt-image-2', outputFormat: 'jpeg', outputCompression: 50.5 })).toEqual([
      'outputCompression must be a whole number, got the number 50.5',
    ]);
    expect(problemsOf({ prompt: P, model: 'dall-e-3', outputCompression: 50 })[0]?.field).toBe('outputCompression');
  });

  it('takes partialImages 0–3 on GPT image models and drops it (with a warning) without stream', () => {
    expect(accepts({ prompt: P, model: 'gpt-image-2', stream: true, partialImages: 3 }).request.partialImages).toBe(3);
    const dropped = accepts({ prompt: P, model: 'gpt-image-2', partialImages: 2 });
    expect(dropped.request.partialImages).toBeUndefined();
    expect(dropped.warnings).toEqual(['partialImages 2 was dropped: it only applies with stream: true']);
    expect(messages({ prompt: P, model: 'gpt-image-2', stream: true, partialImages: 4 })).toEqual([
      'partialImages 4 is out of range; use 0 to 3',
    ]);
    expect(messages({ prompt: P, model: 'dall-e-2', stream: true, partialImages: 1 })).toEqual([
      'stream is not supported by dall-e-2; only GPT image and GPT image 2 models take it; remove it',
      'partialImages is not supported by dall-e-2; only GPT image and GPT image 2 models take it; remove it',
    ]);
  });
});

describe('prompt', () => {
  it('is required, a string and not blank', () => {
    expect(messages({ model: 'gpt-image-2' })).toEqual(['prompt is required; describe the image you want']);
    expect(messages({ prompt: null })).toEqual(['prompt is required; describe the image you want']);
    expect(messages({ prompt: '   \n' })).toEqual(['prompt is empty; describe the image you want']);
    expect(messages({ prompt: 42 })).toEqual(['prompt must be a string, got the number 42']);
  });

  it('counts a prompt of only invisible format characters as empty', () => {
    for (const prompt of ['\u200B\u200B', '\u202E', '\u2066\u2069', '\uFEFF \u00A0']) {
      expect(messages({ prompt })).toEqual(['prompt is empty; describe the image you want']);
    }
    expect(accepts({ prompt: 'a fox \u200B in snow' }).ok).toBe(true);
  });

  it('rejects broken Unicode (unpaired surrogates) but keeps real astral characters', () => {
    expect(messages({ prompt: '\uD800' })).toEqual([
      'prompt contains broken Unicode (an unpaired UTF-16 surrogate); fix the text encoding',
    ]);
    expect(problemsOf({ prompt: 'a red fox \uDC00 in the snow' })[0]?.field).toBe('prompt');
    expect(accepts({ prompt: 'a red fox 🦊 in the snow' }).ok).toBe(true);
  });

  it('rejects NUL bytes', () => {
    expect(messages({ prompt: 'a cat\u0000' })).toEqual(['prompt contains a NUL character (\\u0000); remove it']);
  });

  const lengths: [model: string, max: number][] = [
    ['dall-e-2', 1000],
    ['dall-e-3', 4000],
    ['gpt-image-1', 32000],
    ['gpt-image-2', 32000],
  ];
  it.each(lengths)('%s takes up to %i characters', (model, max) => {
    expect(validateGenerate({ prompt: 'x'.repeat(max), model }).ok).toBe(true);
    const problems = problemsOf({ prompt: 'x'.repeat(max + 1), model });
    expect(problems.map((p) => p.message)).toEqual([
      `prompt is ${max + 1} characters long; ${model} accepts at most ${max}`,
    ]);
    // The problem never carries the whole prompt.
    expect(String(problems[0]!.value).length).toBeLessThan(100);
  });

  it('counts code points, not UTF-16 units', () => {
    // 1000 emoji are 2000 UTF-16 units but 1000 characters.
    expect(validateGenerate({ prompt: '🎨'.repeat(1000), model: 'dall-e-2' }).ok).toBe(true);
    expect(messages({ prompt: '🎨'.repeat(1001), model: 'dall-e-2' })).toEqual([
      'prompt is 1001 characters long; dall-e-2 accepts at most 1000',
    ]);
  });

  it('rejects huge prompts even for unknown models', () => {
    const problems = problemsOf({ prompt: 'x'.repeat(200_000), model: 'some-host-model' });
    expect(problems.map((p) => p.message)).toEqual([
      'prompt is 200000 characters long; no model accepts more than 32000',
    ]);
    expect(JSON.stringify(problems).length).toBeLessThan(500);
    expect(validateGenerate({ prompt: 'x'.repeat(40_000), model: 'some-host-model' }).ok).toBe(true);
  });
});

describe('n and fan-out', () => {
  it('takes 1..10 for every family', () => {
    for (const model of ['dall-e-2', 'dall-e-3', 'gpt-image-1', 'gpt-image-2', 'unknown-model']) {
      expect(validateGenerate({ prompt: P, model, n: 1 }).ok).toBe(true);
      expect(validateGenerate({ prompt: P, model, n: 10 }).ok).toBe(true);
      expect(messages({ prompt: P, model, n: 0 })).toEqual(['n 0 is out of range; use 1 to 10']);
      expect(messages({ prompt: P, model, n: 11 })).toEqual(['n 11 is out of range; use 1 to 10']);
    }
  });

  it('accepts n > 1 for dall-e-3 and warns that it becomes one call per image', () => {
    const outcome = accepts({ prompt: P, model: 'dall-e-3', n: 3 });
    expect(outcome.request.n).toBe(3);
    expect(outcome.warnings).toEqual(['dall-e-3 makes at most 1 image per call: n=3 is sent as 3 calls']);
    expect(accepts({ prompt: P, model: 'gpt-image-2', n: 3 }).warnings).toEqual([]);
  });

  it('says what type was expected', () => {
    expect(messages({ prompt: P, n: '3' })).toEqual([
      'n must be a number, got the string "3" (write 3 without quotes)',
    ]);
    expect(messages({ prompt: P, n: 2.5 })).toEqual(['n must be a whole number, got the number 2.5']);
    expect(messages({ prompt: P, n: Number.NaN })).toEqual(['n must be a number, got NaN']);
    expect(messages({ prompt: P, stream: 'true' })).toEqual([
      'stream must be true or false, got the string "true" (write true without quotes)',
    ]);
    expect(messages({ prompt: P, size: 1024 })).toEqual(['size must be a string, got the number 1024']);
  });
});

describe('shape', () => {
  it('rejects a request that is not an object', () => {
    for (const input of [null, undefined, 'a cat', 42, ['a cat']]) {
      const problems = problemsOf(input);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.field).toBe('request');
      expect(problems[0]!.message).toMatch(/^the request must be an object with at least a prompt, got /);
    }
  });

  it('names unknown fields and suggests the camelCase name', () => {
    expect(messages({ prompt: P, output_format: 'png', colour: 'red' })).toEqual([
      'unknown field output_format; did you mean outputFormat?',
      expect.stringMatching(/^unknown field colour; known fields are prompt, model, n, size, .* and partialImages$/),
    ]);
  });

  it('rejects wrong enum values for every model, known or not', () => {
    expect(messages({ prompt: P, model: 'unknown', responseFormat: 'base64' })).toEqual([
      'responseFormat base64 is not allowed; use url or b64_json',
    ]);
    expect(messages({ prompt: P, outputFormat: 'gif' })).toEqual([
      'outputFormat gif is not allowed; use png, jpeg or webp',
    ]);
  });

  it('treats null optional fields as absent', () => {
    const outcome = accepts({ prompt: P, model: 'gpt-image-2', size: null, n: null, style: undefined });
    expect(outcome.request).toEqual({ prompt: P, model: 'gpt-image-2' });
  });

  it('gives every problem at once', () => {
    const problems = problemsOf({
      prompt: '',
      model: 'dall-e-3',
      n: 20,
      size: '256x256',
      quality: 'low',
      style: 'anime',
      background: 'transparent',
      extra: true,
    });
    expect(problems.map((p) => p.field)).toEqual(['n', 'extra', 'prompt', 'size', 'quality', 'style', 'background']);
  });

  it('only checks the shape for unknown models', () => {
    const outcome = accepts({
      prompt: P,
      model: 'flux-pro',
      size: '1000x700',
      quality: 'ultra',
      style: 'anime',
      responseFormat: 'url',
      background: 'transparent',
      outputFormat: 'jpeg',
      outputCompression: 80,
      stream: true,
      partialImages: 2,
    });
    expect(outcome.request.quality).toBe('ultra');
    expect(outcome.warnings).toEqual([]);
  });

  it('applies an explicitly given family even without a model (Azure deployments)', () => {
    const outcome = validateGenerate({ prompt: P, size: '512x512' }, familyById('dall-e-3'));
    expect(outcome.ok ? [] : outcome.problems.map((p) => p.message)).toEqual([
      'size 512x512 is not available for DALL-E 3; use 1024x1024, 1792x1024 or 1024x1792',
    ]);
    // Without a model or a family there are no family rules.
    expect(validateGenerate({ prompt: P, size: '512x512', style: 'vivid' }).ok).toBe(true);
    // An explicit family wins over the one the model id resolves to.
    expect(validateGenerate({ prompt: P, model: 'my-deployment', style: 'vivid' }, familyById('dall-e-3')).ok).toBe(
      true,
    );
  });

  it('returns the request without changing it', () => {
    const input = { prompt: P, model: 'gpt-image-2', n: 2, size: '1024x1024', quality: 'high', user: 'u-1' };
    expect(accepts(input).request).toEqual(input);
  });

  it('exports the zod schemas', () => {
    expect(imageRequestSchema.safeParse({ prompt: P }).success).toBe(true);
    expect(imageRequestSchema.safeParse({ prompt: P, nope: 1 }).success).toBe(false);
    expect(editRequestSchema.safeParse({ prompt: P, images: [{ bytes: new Uint8Array([1]) }] }).success).toBe(true);
  });
});

// ───────────────────────────── edits ─────────────────────────────

function png(width: number, height: number, extra = 0): Uint8Array {
  const bytes = new Uint8Array(33 + extra);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}
const jpeg = () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const webp = () => new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ');

function editMessages(input: unknown): string[] {
  const outcome = validateEdit(input);
  if (outcome.ok) throw new Error('expected problems');
  return outcome.problems.map((p) => p.message);
}

describe('validateEdit', () => {
  it('accepts a DALL-E 2 edit of one square PNG under 4 MB with a matching mask', () => {
    const outcome = validateEdit({
      prompt: P,
      model: 'dall-e-2',
      images: [{ bytes: png(512, 512), filename: 'in.png' }],
      mask: { bytes: png(512, 512) },
      size: '512x512',
      responseFormat: 'b64_json',
    });
    expect(outcome.ok).toBe(true);
  });

  it('refuses file names and media types that would break out of their multipart header', () => {
    const problems = (image: Record<string, unknown>) => {
      const outcome = validateEdit({ prompt: P, model: 'gpt-image-2', images: [{ bytes: png(64, 64), ...image }] });
      return outcome.ok ? [] : outcome.problems;
    };
    expect(problems({ mimeType: 'image/png\r\nX-Injected: 1' }).map((p) => p.field)).toEqual(['images[0].mimeType']);
    expect(problems({ mimeType: 'image/png' })).toEqual([]);
    expect(problems({ filename: 'a\u0000.png' }).map((p) => p.field)).toEqual(['images[0].filename']);
    expect(problems({ filename: 'a"b.png' }).map((p) => p.field)).toEqual(['images[0].filename']);
    expect(problems({ filename: 'fox (final) – ünïcode.png' })).toEqual([]);
  });

  it('enforces DALL-E 2 input rules', () => {
    expect(editMessages({ prompt: P, model: 'dall-e-2', images: [{ bytes: jpeg() }] })).toEqual([
      'images[0] is JPEG; dall-e-2 edits PNG images',
    ]);
    expect(editMessages({ prompt: P, model: 'dall-e-2', images: [{ bytes: png(800, 600) }] })).toEqual([
      'images[0] is 800x600; dall-e-2 edits square images only',
    ]);
    expect(editMessages({ prompt: P, model: 'dall-e-2', images: [{ bytes: png(64, 64, 4 * 1024 * 1024) }] })).toEqual([
      'images[0] is 4.0 MB; dall-e-2 takes images under 4 MB',
    ]);
    expect(
      editMessages({ prompt: P, model: 'dall-e-2', images: [{ bytes: png(64, 64) }, { bytes: png(64, 64) }] }),
    ).toEqual(['images has 2 images; dall-e-2 edits exactly one image']);
  });

  it('takes 1 to 16 PNG, JPEG or WebP images on GPT image models', () => {
    const images = [png(100, 50), jpeg(), webp()].map((bytes) => ({ bytes }));
    expect(validateEdit({ prompt: P, model: 'gpt-image-2', images }).ok).toBe(true);
    const sixteen = Array.from({ length: 16 }, () => ({ bytes: jpeg() }));
    expect(validateEdit({ prompt: P, model: 'gpt-image-1.5', images: sixteen }).ok).toBe(true);
    expect(editMessages({ prompt: P, model: 'gpt-image-1.5', images: [...sixteen, { bytes: jpeg() }] })).toEqual([
      'images has 17 images; gpt-image-1.5 takes at most 16',
    ]);
    expect(
      editMessages({ prompt: P, model: 'gpt-image-2', images: [{ bytes: new TextEncoder().encode('GIF89a....') }] }),
    ).toEqual(['images[0] is not a recognised image; gpt-image-2 edits PNG, JPEG or WebP images']);
  });

  it('rejects no images, empty images and images that are not bytes', () => {
    expect(editMessages({ prompt: P, model: 'gpt-image-2', images: [] })).toEqual([
      'images is empty; give at least one image to edit',
    ]);
    expect(editMessages({ prompt: P, model: 'gpt-image-2' })).toEqual(['images is required']);
    expect(editMessages({ prompt: P, images: [{ bytes: new Uint8Array() }] })).toEqual([
      'images[0] is empty (0 bytes)',
    ]);
    expect(editMessages({ prompt: P, images: [{ bytes: 'aGVsbG8=' }] })).toEqual([
      'images[0].bytes must be bytes (a Uint8Array or Buffer), got the string "aGVsbG8="',
    ]);
    expect(editMessages({ prompt: P, images: [{ bytes: jpeg(), name: 'x.jpg' }] })).toEqual([
      'unknown field images[0].name; known fields are bytes, filename and mimeType',
    ]);
  });

  it('checks the mask: PNG, same size as the first image', () => {
    expect(
      editMessages({ prompt: P, model: 'gpt-image-2', images: [{ bytes: png(64, 64) }], mask: { bytes: jpeg() } }),
    ).toEqual(['mask is JPEG; the mask must be a PNG with transparent areas where to edit']);
    expect(
      editMessages({ prompt: P, model: 'gpt-image-2', images: [{ bytes: png(64, 64) }], mask: { bytes: png(32, 32) } }),
    ).toEqual(['mask is 32x32 but images[0] is 64x64; they must be the same size']);
  });

  it('refuses models that cannot edit', () => {
    expect(editMessages({ prompt: P, model: 'dall-e-3', images: [{ bytes: png(64, 64) }] })).toEqual([
      'dall-e-3 cannot edit images; use a DALL-E 2, GPT image or GPT image 2 model such as gpt-image-2',
    ]);
  });

  it('takes inputFidelity except on gpt-image-1-mini and DALL-E 2', () => {
    const base = { prompt: P, images: [{ bytes: png(64, 64) }], inputFidelity: 'high' };
    expect(validateEdit({ ...base, model: 'gpt-image-1.5' }).ok).toBe(true);
    expect(validateEdit({ ...base, model: 'gpt-image-2' }).ok).toBe(true);
    expect(editMessages({ ...base, model: 'gpt-image-1-mini' })).toEqual([
      'inputFidelity is not supported by gpt-image-1-mini; remove it',
    ]);
    expect(editMessages({ ...base, model: 'dall-e-2' })).toEqual([
      'inputFidelity is not supported by dall-e-2; only GPT image and GPT image 2 models take it; remove it',
    ]);
    expect(editMessages({ ...base, model: 'gpt-image-2', inputFidelity: 'max' })).toEqual([
      'inputFidelity max is not allowed; use high or low',
    ]);
  });

  it('applies the generation rules to edits too', () => {
    expect(
      editMessages({ prompt: 'x'.repeat(1001), model: 'dall-e-2', images: [{ bytes: png(64, 64) }], size: 'auto' }),
    ).toEqual([
      'prompt is 1001 characters long; dall-e-2 accepts at most 1000',
      'size auto is not available for dall-e-2; use 256x256, 512x512 or 1024x1024',
    ]);
    expect(validateGenerate({ prompt: P, images: [] }).ok).toBe(false);
  });

  it('resolves gpt-image-1-mini to the variant row', () => {
    expect(resolveFamily('gpt-image-1-mini')?.supportsInputFidelity).toBe(false);
  });
});

describe('invalidRequestError', () => {
  it('lists every problem in one invalid_request error', () => {
    const outcome = validateGenerate({ prompt: P, model: 'dall-e-2', size: '1792x1024', quality: 'hd' });
    if (outcome.ok) throw new Error('expected problems');
    const error = invalidRequestError(outcome.problems);
    expect(error).toBeInstanceOf(ImageError);
    expect(error.kind).toBe('invalid_request');
    expect(error.retryable).toBe(false);
    expect(error.problems).toEqual(outcome.problems);
    expect(error.message).toBe(
      'Invalid request: size 1792x1024 is not available for dall-e-2; use 256x256, 512x512 or 1024x1024; quality hd is not available for dall-e-2; use standard',
    );
  });
});
