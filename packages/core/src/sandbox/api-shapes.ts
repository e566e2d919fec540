/**
 * The sandbox's side of the OpenAI Images wire format: snake_case parameters to the core's
 * camelCase request, problems to the API's error JSON, usage figures and DALL-E 3's revised prompt.
 * Pure helpers for transport.ts.
 */
import { toWireName, toWireNames } from '../request/field-names.js';
import { EDIT_FIELDS, GENERATE_FIELDS } from '../request/schema.js';
import type { Problem } from '../types.js';

/** Wire parameter → ImageRequest field, for every request field. */
export const GENERATE_PARAMS: Readonly<Record<string, string>> = Object.fromEntries(
  GENERATE_FIELDS.map((field) => [toWireName(field), field]),
);

/** Wire parameter → EditRequest field: the edit fields but the files (multipart files) and style (not on edits). */
export const EDIT_PARAMS: Readonly<Record<string, string>> = Object.fromEntries(
  EDIT_FIELDS.filter((field) => field !== 'images' && field !== 'mask' && field !== 'style').map((field) => [
    toWireName(field),
    field,
  ]),
);

export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function apiError(
  message: string,
  param: string | null = null,
  code: string | null = null,
  type = 'invalid_request_error',
): ApiErrorBody {
  return { error: { message, type, param, code } };
}

/** The API's `param` for a problem's field ("outputCompression" → "output_compression", "images[0]" → "image"). */
export function wireParam(field: string): string | null {
  if (field === 'request') return null;
  if (field.startsWith('images')) return 'image';
  return toWireName(field.split(/[.[]/)[0] ?? field);
}

/** The API's 400 for a request that failed validation: every problem in the message, the first names `param`. */
export function validationError(problems: Problem[]): ApiErrorBody {
  const first = problems[0];
  const message = problems.length === 0 ? 'Invalid request.' : problems.map((p) => toWireNames(p.message)).join('; ');
  // Messages start with the field name as the API spells it, so they are not capitalised.
  return apiError(
    message.endsWith('.') ? message : `${message}.`,
    first ? wireParam(first.field) : null,
    'invalid_value',
  );
}

export interface UsageBody {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
}

/** Output tokens of one 1024x1024 image by quality (the published GPT image figures). */
const OUTPUT_TOKENS: Record<string, number> = { low: 272, medium: 1056, high: 4160 };

export function textTokens(prompt: string): number {
  return Math.max(1, Math.ceil(prompt.length / 4));
}

/** Tokens for an input image of the given size: a base plus a share per 512-pixel tile. */
export function imageTokens(width: number, height: number): number {
  return 65 + 129 * Math.ceil(width / 512) * Math.ceil(height / 512);
}

export function usageFor(options: {
  prompt: string;
  quality: string;
  width: number;
  height: number;
  images: number;
  partialImages: number;
  inputImageTokens?: number;
}): UsageBody {
  const text = textTokens(options.prompt);
  const image = options.inputImageTokens ?? 0;
  const perImage = Math.round(
    ((OUTPUT_TOKENS[options.quality] ?? 1056) * options.width * options.height) / (1024 * 1024),
  );
  const output = options.images * (perImage + 100 * options.partialImages);
  return {
    input_tokens: text + image,
    output_tokens: output,
    total_tokens: text + image + output,
    input_tokens_details: { text_tokens: text, image_tokens: image },
  };
}

/** DALL-E 3's prompt rewrite, made deterministic: the same prompt and style give the same text. */
export function revisePrompt(prompt: string, style: string | undefined): string {
  const core = prompt
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[.!\s]+$/, '');
  const lead =
    style === 'natural' ? 'A natural, true-to-life image of' : 'A vivid, richly detailed and dramatic illustration of';
  const body = core.length > 0 ? core.charAt(0).toLowerCase() + core.slice(1) : 'an abstract scene';
  const finish =
    style === 'natural'
      ? 'Soft daylight, realistic colours and a calm, balanced composition.'
      : 'Bold colours, strong contrast and a striking, carefully balanced composition.';
  return `${lead} ${body}. ${finish}`;
}
