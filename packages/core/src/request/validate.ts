/**
 * Request validation: a zod schema for the shape (types, enums, API-wide ranges, unknown fields) and the
 * family's rules (models.ts) on top. Every problem is reported at once, each naming the field, the value
 * and what would be accepted. Pure, no I/O.
 *
 * n and fan-out: a family's `maxN` bounds n, not `maxImagesPerCall`. DALL-E 3 takes n=1 per API call, but
 * Brushwork accepts n up to 10 for it and makes one call per image (the client fans out; the wire always
 * gets n=1). A warning says so.
 */
import * as z from 'zod';
import { ImageError } from '../errors/image-error.js';
import { EDIT_INPUT_RULES, FAMILIES, describeSizes, listText, resolveFamily, supportsField } from '../models/families.js';
import type { FamilyField } from '../models/families.js';
import type { EditRequest, ImageMimeType, ImageRequest, InputImage, ModelFamily, Problem } from '../types.js';

export type ValidationOutcome<T> = { ok: true; request: T; warnings: string[] } | { ok: false; problems: Problem[] };

/** No model takes a longer prompt than this; anything longer is rejected before any family check. */
const LONGEST_PROMPT = Math.max(...FAMILIES.map((family) => family.maxPromptLength));
/** API-wide bounds (OpenAPI spec: n 1–10, partial_images 0–3, up to 16 edit images). */
const MAX_N = 10;
const MAX_PARTIAL_IMAGES = 3;
const MAX_EDIT_IMAGES = 16;
const MB = 1024 * 1024;

// ───────────────────────────── schemas (shape only) ─────────────────────────────

const requestFields = {
  prompt: z.string().max(LONGEST_PROMPT * 4),
  model: z.string().min(1).max(256).optional(),
  n: z.number().int().min(1).max(MAX_N).optional(),
  size: z.string().max(64).optional(),
  quality: z.string().max(64).optional(),
  style: z.string().max(64).optional(),
  responseFormat: z.enum(['url', 'b64_json']).optional(),
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  moderation: z.enum(['low', 'auto']).optional(),
  outputFormat: z.enum(['png', 'jpeg', 'webp']).optional(),
  outputCompression: z.number().int().min(0).max(100).optional(),
  user: z.string().max(1024).optional(),
  stream: z.boolean().optional(),
  partialImages: z.number().int().min(0).max(MAX_PARTIAL_IMAGES).optional(),
};

/** Both end up in a multipart part's headers: no control characters, quotes or line breaks may pass. */
const inputImageSchema = z.strictObject({
  bytes: z.instanceof(Uint8Array),
  filename: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\u0000-\u001f\u007f"\\]+$/, { message: 'must not contain control characters, quotes or backslashes' })
    .optional(),
  mimeType: z
    .string()
    .min(1)
    .max(127)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, {
      message: 'must be a media type such as image/png',
    })
    .optional(),
});

/** The shape of an ImageRequest (types, enums, API-wide ranges; no family rules). */
export const imageRequestSchema = z.strictObject(requestFields);

/** The shape of an EditRequest. Image counts and file rules are checked by `validateEdit`. */
export const editRequestSchema = z.strictObject({
  ...requestFields,
  images: z.array(inputImageSchema),
  mask: inputImageSchema.optional(),
  inputFidelity: z.enum(['high', 'low']).optional(),
});

const GENERATE_FIELDS = Object.keys(imageRequestSchema.shape);
const EDIT_FIELDS = Object.keys(editRequestSchema.shape);

// ───────────────────────────── public API ─────────────────────────────

/**
 * Validates a generation request. `family` defaults to the one resolved from `input.model`; with no family
 * (unknown model, Azure deployment without a known model) only the shape is checked.
 * Optional fields given as null are treated as absent.
 */
export function validateGenerate(input: unknown, family?: ModelFamily): ValidationOutcome<ImageRequest> {
  return run(input, family, false) as ValidationOutcome<ImageRequest>;
}

/** Validates an edit request: everything `validateGenerate` checks, plus images, mask and inputFidelity. */
export function validateEdit(input: unknown, family?: ModelFamily): ValidationOutcome<EditRequest> {
  return run(input, family, true) as ValidationOutcome<EditRequest>;
}

/** The error for a request that failed validation: kind invalid_request, every problem in the message. */
export function invalidRequestError(problems: Problem[]): ImageError {
  const message =
    problems.length === 0 ? 'Invalid request.' : `Invalid request: ${problems.map((p) => p.message).join('; ')}`;
  return new ImageError({ kind: 'invalid_request', message, problems, retryable: false });
}

// ───────────────────────────── implementation ─────────────────────────────

interface Context {
  raw: Record<string, unknown>;
  /** Fields (first path segment) that failed the shape check: no further checks on them. */
  bad: Set<string>;
  problems: Problem[];
  warnings: string[];
  family?: ModelFamily;
  /** How messages name the model: the id asked for, else the family label. */
  name: string;
  edit: boolean;
}

function run(input: unknown, explicitFamily: ModelFamily | undefined, edit: boolean): ValidationOutcome<unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      problems: [
        {
          field: 'request',
          value: describeType(input),
          message: `the request must be an object with at least a prompt, got ${describeType(input)}`,
        },
      ],
    };
  }
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== null && value !== undefined) raw[key] = value;

  const schema = edit ? editRequestSchema : imageRequestSchema;
  const parsed = schema.safeParse(raw);
  const model = typeof raw.model === 'string' ? raw.model : undefined;
  const family = explicitFamily ?? resolveFamily(model);
  const ctx: Context = {
    raw,
    bad: new Set(),
    problems: [],
    warnings: [],
    family,
    name: model?.trim() || family?.label || 'this model',
    edit,
  };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.problems.push(...issueToProblems(issue, raw, edit));
    for (const issue of parsed.error.issues) if (issue.path.length > 0) ctx.bad.add(String(issue.path[0]));
  }

  checkPrompt(ctx);
  checkSizeShape(ctx);
  if (family) checkFamily(ctx, family);
  if (edit) checkEditInputs(ctx);

  if (ctx.problems.length > 0 || !parsed.success) return { ok: false, problems: ctx.problems };
  const request = { ...parsed.data } as ImageRequest;
  if (request.partialImages !== undefined && request.stream !== true) {
    ctx.warnings.push(`partialImages ${request.partialImages} was dropped: it only applies with stream: true`);
    delete request.partialImages;
  }
  return { ok: true, request, warnings: ctx.warnings };
}

/** A field is checked by the rules below only when present and of the right shape. */
function has(ctx: Context, field: string): boolean {
  return ctx.raw[field] !== undefined && !ctx.bad.has(field);
}

function add(ctx: Context, problem: Problem): void {
  ctx.problems.push(problem);
  ctx.bad.add(problem.field.split(/[.[]/)[0] ?? problem.field);
}

/** White space and invisible format characters (zero-width spaces, bidi controls): a prompt of only these is empty. */
const INVISIBLE = /[\p{White_Space}\p{Cf}]/gu;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkPrompt(ctx: Context): void {
  if (!has(ctx, 'prompt')) return;
  const prompt = ctx.raw.prompt as string;
  if (prompt.replace(INVISIBLE, '').length === 0) {
    add(ctx, { field: 'prompt', value: prompt, message: 'prompt is empty; describe the image you want' });
  } else if (UNPAIRED_SURROGATE.test(prompt)) {
    add(ctx, {
      field: 'prompt',
      value: excerpt(prompt),
      message: 'prompt contains broken Unicode (an unpaired UTF-16 surrogate); fix the text encoding',
    });
  } else if (prompt.includes('\u0000')) {
    add(ctx, {
      field: 'prompt',
      value: excerpt(prompt),
      message: 'prompt contains a NUL character (\\u0000); remove it',
    });
  }
}

const SIZE_PATTERN = /^(\d{1,6})x(\d{1,6})$/;

function checkSizeShape(ctx: Context): void {
  if (!has(ctx, 'size')) return;
  const size = ctx.raw.size as string;
  if (size === 'auto' || SIZE_PATTERN.test(size)) return;
  add(ctx, {
    field: 'size',
    value: size,
    message: `size ${show(size)} is not a size; write WIDTHxHEIGHT (for example 1024x1024) or auto`,
  });
}

function checkFamily(ctx: Context, family: ModelFamily): void {
  const { name } = ctx;

  if (has(ctx, 'prompt')) {
    const length = codePoints(ctx.raw.prompt as string);
    if (length > family.maxPromptLength) {
      add(ctx, {
        field: 'prompt',
        value: excerpt(ctx.raw.prompt as string),
        message: `prompt is ${length} characters long; ${name} accepts at most ${family.maxPromptLength}`,
      });
    }
  }

  if (has(ctx, 'n')) {
    const n = ctx.raw.n as number;
    if (n > family.maxN) {
      add(ctx, { field: 'n', value: n, message: `n ${n} is too many for ${name}; use 1 to ${family.maxN}` });
    } else if (n > family.maxImagesPerCall) {
      const calls = Math.ceil(n / family.maxImagesPerCall);
      ctx.warnings.push(
        `${name} makes at most ${family.maxImagesPerCall} image${family.maxImagesPerCall === 1 ? '' : 's'} per call: n=${n} is sent as ${calls} calls`,
      );
    }
  }

  if (has(ctx, 'size')) checkSize(ctx, family, ctx.raw.size as string);

  enumField(ctx, family, 'quality', family.qualities);
  enumField(ctx, family, 'style', family.styles);
  enumField(ctx, family, 'responseFormat', family.responseFormats, 'GPT image models always return base64 images');
  enumField(ctx, family, 'background', family.backgrounds);
  enumField(ctx, family, 'moderation', family.moderations);
  enumField(ctx, family, 'outputFormat', family.outputFormats, 'DALL-E models return PNG');

  const outputFormat = has(ctx, 'outputFormat') ? (ctx.raw.outputFormat as string) : family.defaults.outputFormat;
  if (has(ctx, 'background') && ctx.raw.background === 'transparent' && supportsField(family, 'background')) {
    if (outputFormat !== 'png' && outputFormat !== 'webp' && !ctx.bad.has('outputFormat')) {
      add(ctx, {
        field: 'background',
        value: 'transparent',
        message: `background transparent needs outputFormat png or webp, not ${outputFormat}`,
        allowed: ['png', 'webp'],
      });
    }
  }

  if (has(ctx, 'outputCompression')) {
    const value = ctx.raw.outputCompression as number;
    if (!family.supportsOutputCompression) {
      add(ctx, unsupported('outputCompression', value, family, name));
    } else if (
      outputFormat !== 'jpeg' &&
      outputFormat !== 'webp' &&
      value !== 100 && // 100 is the default: a no-op the spec's own examples send with png
      !ctx.bad.has('outputFormat')
    ) {
      add(ctx, {
        field: 'outputCompression',
        value,
        message: `outputCompression only applies to jpeg or webp output, not ${outputFormat}; set outputFormat to jpeg or webp, or remove outputCompression`,
        allowed: ['jpeg', 'webp'],
      });
    }
  }

  if (has(ctx, 'stream') && ctx.raw.stream === true && !family.supportsStreaming) {
    add(ctx, unsupported('stream', true, family, name));
  }
  if (has(ctx, 'partialImages')) {
    const value = ctx.raw.partialImages as number;
    if (!family.supportsStreaming) add(ctx, unsupported('partialImages', value, family, name));
    else if (value > family.maxPartialImages) {
      add(ctx, {
        field: 'partialImages',
        value,
        message: `partialImages ${value} is too many for ${name}; use 0 to ${family.maxPartialImages}`,
      });
    }
  }

  if (ctx.edit) {
    if (!family.supportsEdit) {
      const editors = FAMILIES.filter((f) => f.supportsEdit).map((f) => f.label);
      add(ctx, {
        field: 'model',
        value: ctx.raw.model,
        message: `${name} cannot edit images; use a ${listText(editors)} model such as gpt-image-2`,
      });
    }
    if (has(ctx, 'inputFidelity') && !family.supportsInputFidelity) {
      add(ctx, unsupported('inputFidelity', ctx.raw.inputFidelity, family, name));
    }
  }
}

function checkSize(ctx: Context, family: ModelFamily, size: string): void {
  const rule = family.sizes;
  const { name } = ctx;
  if (rule.kind === 'list') {
    if (!rule.values.includes(size)) {
      add(ctx, {
        field: 'size',
        value: size,
        message: `size ${size} is not available for ${name}; use ${listText(rule.values)}`,
        allowed: rule.values,
      });
    }
    return;
  }
  const allowed = [...rule.suggested, ...(rule.allowAuto ? ['auto'] : [])];
  if (size === 'auto') {
    if (!rule.allowAuto)
      add(ctx, { field: 'size', value: size, message: `size auto is not available for ${name}`, allowed });
    return;
  }
  const match = SIZE_PATTERN.exec(size);
  if (!match) return; // reported by checkSizeShape
  const width = Number(match[1]);
  const height = Number(match[2]);
  const problem = (message: string) => add(ctx, { field: 'size', value: size, message, allowed });
  if (width === 0 || height === 0) {
    problem(`size ${size} has a zero side; ${name} takes ${describeSizes(rule)}`);
    return;
  }
  const notMultiple = [...new Set([width, height].filter((side) => side % rule.multipleOf !== 0))];
  if (notMultiple.length > 0) {
    const round = (side: number) => Math.max(rule.multipleOf, Math.round(side / rule.multipleOf) * rule.multipleOf);
    problem(
      `size ${size} is not available for ${name}: width and height must be multiples of ${rule.multipleOf} ` +
        `(${listText(notMultiple.map(String), 'and')} ${notMultiple.length === 1 ? 'is' : 'are'} not); ` +
        `the nearest is ${round(width)}x${round(height)}`,
    );
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long / short > rule.maxAspectRatio) {
    const ratio = Math.round((long / short) * 100) / 100;
    problem(
      `size ${size} is not available for ${name}: its aspect ratio is ${ratio}:1, at most ${rule.maxAspectRatio}:1 is allowed`,
    );
  }
  if (long > rule.maxWidth || short > rule.maxHeight) {
    problem(
      `size ${size} is too large for ${name}: the long side may be at most ${rule.maxWidth} and the short side at most ${rule.maxHeight} (up to ${rule.maxWidth}x${rule.maxHeight} or ${rule.maxHeight}x${rule.maxWidth})`,
    );
  }
  if (
    rule.experimentalAbovePixels !== undefined &&
    width * height > rule.experimentalAbovePixels &&
    !ctx.problems.some((p) => p.field === 'size')
  ) {
    ctx.warnings.push(
      `size ${size} is above 2560x1440 pixels, which is experimental for ${name}: results may vary and take longer`,
    );
  }
}

function enumField(
  ctx: Context,
  family: ModelFamily,
  field: FamilyField,
  values: readonly string[],
  why?: string,
): void {
  if (!has(ctx, field)) return;
  const value = ctx.raw[field];
  if (values.length === 0) {
    add(ctx, unsupported(field, value, family, ctx.name, why));
  } else if (!values.includes(value as string)) {
    add(ctx, {
      field,
      value,
      message: `${field} ${show(value)} is not available for ${ctx.name}; use ${listText(values)}`,
      allowed: values,
    });
  }
}

function unsupported(field: FamilyField, value: unknown, family: ModelFamily, name: string, why?: string): Problem {
  // A variant (gpt-image-1-mini) lacks what its own family row has: naming that family would confuse.
  const takers = FAMILIES.filter((f) => supportsField(f, field)).map((f) => f.label);
  const own = takers.includes(family.label);
  const who = takers.length > 0 && !own ? `; only ${listText(takers, 'and')} models take it` : '';
  return {
    field,
    value,
    message: `${field} is not supported by ${name}${why ? ` (${why})` : who}; remove it`,
    allowed: [],
  };
}

// ───────────────────────────── edit inputs ─────────────────────────────

function checkEditInputs(ctx: Context): void {
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
          message: `${field} is ${type ? typeName(type) : 'not a recognised image'}; ${name} edits ${listText(rule.imageTypes.map(typeName))} images`,
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
        message: `mask is ${type ? typeName(type) : 'not a recognised image'}; the mask must be a PNG with transparent areas where to edit`,
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

/** Image type from magic bytes (PNG, JPEG, WebP). */
function sniff(bytes: Uint8Array): ImageMimeType | undefined {
  const at = (i: number) => bytes[i] ?? -1;
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  const ascii = (from: number, text: string) => [...text].every((c, i) => at(from + i) === c.charCodeAt(0));
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  return undefined;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || sniff(bytes) !== 'image/png') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function typeName(type: ImageMimeType): string {
  return { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' }[type];
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

// ───────────────────────────── zod issues → problems ─────────────────────────────

type Issue = z.core.$ZodIssue;

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  Uint8Array: 'bytes (a Uint8Array or Buffer)',
};

function issueToProblems(issue: Issue, raw: Record<string, unknown>, edit: boolean): Problem[] {
  const field = fieldName(issue.path);
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = edit ? EDIT_FIELDS : GENERATE_FIELDS;
      return issue.keys.map((key) => {
        const where = field ? `${field}.${key}` : key;
        const suggestion = suggestField(key, field ? ['bytes', 'filename', 'mimeType'] : known);
        return {
          field: where,
          value: excerpt(valueAt(raw, [...issue.path, key])),
          message: suggestion
            ? `unknown field ${where}; did you mean ${suggestion}?`
            : `unknown field ${where}; known fields are ${listText(field ? ['bytes', 'filename', 'mimeType'] : known, 'and')}`,
          allowed: field ? ['bytes', 'filename', 'mimeType'] : known,
        };
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [{ field, message: `${field} is required${field === 'prompt' ? '; describe the image you want' : ''}` }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const hint =
        typeof value === 'string' &&
        value.trim() !== '' &&
        !Number.isNaN(Number(value)) &&
        /number|int/.test(issue.expected)
          ? ` (write ${value.trim()} without quotes)`
          : typeof value === 'string' && /^(true|false)$/.test(value) && issue.expected === 'boolean'
            ? ` (write ${value} without quotes)`
            : '';
      return [
        {
          field,
          value: excerpt(value),
          message: `${field} must be ${expected}, got ${describeType(value)}${hint}`,
        },
      ];
    }
    case 'invalid_value':
      return [
        {
          field,
          value: excerpt(value),
          message: `${field} ${show(value)} is not allowed; use ${listText(issue.values.map(String))}`,
          allowed: issue.values.map(String),
        },
      ];
    case 'too_big':
    case 'too_small': {
      const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
      if (issue.origin === 'string') {
        const length = typeof value === 'string' ? value.length : 0;
        if (field === 'prompt') {
          return [
            {
              field,
              value: excerpt(value),
              message: `prompt is ${length} characters long; no model accepts more than ${LONGEST_PROMPT}`,
            },
          ];
        }
        return [
          {
            field,
            value: excerpt(value),
            message:
              issue.code === 'too_big'
                ? `${field} is ${length} characters long; at most ${bound} are allowed`
                : `${field} is empty`,
          },
        ];
      }
      const range = NUMBER_RANGES[field];
      return [
        {
          field,
          value,
          message: range
            ? `${field} ${show(value)} is out of range; use ${range}`
            : `${field} ${show(value)} must be ${issue.code === 'too_big' ? 'at most' : 'at least'} ${bound}`,
        },
      ];
    }
    default:
      return [{ field: field || 'request', value: excerpt(value), message: `${field || 'request'}: ${issue.message}` }];
  }
}

const NUMBER_RANGES: Record<string, string> = {
  n: `1 to ${MAX_N}`,
  outputCompression: '0 to 100',
  partialImages: `0 to ${MAX_PARTIAL_IMAGES}`,
};

/** output_format → outputFormat, Quality → quality. */
function suggestField(key: string, known: readonly string[]): string | undefined {
  const camel = key.replace(/[_-]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
  const lower = camel.toLowerCase();
  return known.find((k) => k.toLowerCase() === lower);
}

// ───────────────────────────── small text helpers ─────────────────────────────

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(excerpt(value))}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Values in messages: short simple strings bare, everything else JSON (shortened). */
function show(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:+-]{1,64}$/.test(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(excerpt(value)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Long strings are cut so that problems never carry a whole prompt. */
function excerpt(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 80) return `${value.slice(0, 77)}…`;
  return value;
}
