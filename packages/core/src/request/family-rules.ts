/** The family's rules (models/) applied to a request of the right shape: sizes, enums, GPT-only fields. */
import { FAMILIES } from '../models/families.js';
import { describeSizes, type FamilyField, listText, sizeText, supportsField } from '../models/describe.js';
import type { ModelFamily, Problem } from '../types.js';
import { add, type Context, has } from './context.js';
import { codePoints, excerpt, show } from './message-text.js';

export const SIZE_PATTERN = /^(\d{1,6})x(\d{1,6})$/;

export function checkFamily(ctx: Context, family: ModelFamily): void {
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
  const experimental = rule.experimentalAbove;
  if (
    experimental !== undefined &&
    width * height > experimental.width * experimental.height &&
    !ctx.problems.some((p) => p.field === 'size')
  ) {
    ctx.warnings.push(
      `size ${size} is above ${sizeText(experimental)} pixels, which is experimental for ${name}: results may vary and take longer`,
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
