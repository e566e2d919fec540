/** The model rules as data: one row per family, the variants, and what an edit's input files must be. */
import type { FamilyId, ImageMimeType, ModelFamily, OutputFormat, ResponseFormat } from '../types.js';

/** The model Brushwork uses when the caller names none. */
export const DEFAULT_MODEL = 'gpt-image-2';

const STANDARD_GPT_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;
const GPT_OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'jpeg', 'webp'];
const DALL_E_RESPONSE_FORMATS: readonly ResponseFormat[] = ['url', 'b64_json'];

/** DALL-E takes none of the GPT image options (background, moderation, output format, streaming). */
const NO_GPT_IMAGE_OPTIONS = {
  backgrounds: [],
  moderations: [],
  outputFormats: [],
  supportsOutputCompression: false,
  supportsStreaming: false,
  maxPartialImages: 0,
} as const satisfies Partial<ModelFamily>;

/** What every GPT image family shares; the rows differ by prefixes and sizes. */
const GPT_IMAGE_RULES = {
  maxPromptLength: 32000,
  maxN: 10,
  maxImagesPerCall: 10,
  qualities: ['low', 'medium', 'high', 'auto'],
  styles: [],
  responseFormats: [],
  backgrounds: ['transparent', 'opaque', 'auto'],
  moderations: ['low', 'auto'],
  outputFormats: GPT_OUTPUT_FORMATS,
  supportsOutputCompression: true,
  supportsStreaming: true,
  maxPartialImages: 3,
  supportsEdit: true,
  maxEditImages: 16,
  supportsInputFidelity: true,
  defaults: { size: 'auto', quality: 'auto', outputFormat: 'png' },
} as const satisfies Partial<ModelFamily>;

/**
 * The families, oldest first. `prefixes` are matched case-insensitively against the model id; the longest
 * matching prefix wins, and a prefix ending in a digit only matches when the id does not continue with
 * another digit (`gpt-image-1` matches `gpt-image-1.5` and `gpt-image-1-mini` but not `gpt-image-10`).
 *
 * Free size rule (GPT image 2): `maxWidth` × `maxHeight` is the landscape bound, applied to either
 * orientation: the long side may be up to `maxWidth` (3840) and the short side up to `maxHeight` (2160),
 * so 2160x3840 is as valid as 3840x2160.
 */
export const FAMILIES: readonly ModelFamily[] = Object.freeze([
  {
    id: 'dall-e-2',
    label: 'DALL-E 2',
    prefixes: ['dall-e-2'],
    maxPromptLength: 1000,
    maxN: 10,
    maxImagesPerCall: 10,
    sizes: { kind: 'list', values: ['256x256', '512x512', '1024x1024'] },
    qualities: ['standard'],
    styles: [],
    responseFormats: DALL_E_RESPONSE_FORMATS,
    ...NO_GPT_IMAGE_OPTIONS,
    supportsEdit: true,
    maxEditImages: 1,
    supportsInputFidelity: false,
    defaults: { size: '1024x1024', quality: 'standard', responseFormat: 'url', outputFormat: 'png' },
  },
  {
    id: 'dall-e-3',
    label: 'DALL-E 3',
    prefixes: ['dall-e-3'],
    maxPromptLength: 4000,
    // The API takes n=1 only; Brushwork fans n up to 10 out into one call per image (maxImagesPerCall).
    maxN: 10,
    maxImagesPerCall: 1,
    sizes: { kind: 'list', values: ['1024x1024', '1792x1024', '1024x1792'] },
    qualities: ['standard', 'hd'],
    styles: ['vivid', 'natural'],
    responseFormats: DALL_E_RESPONSE_FORMATS,
    ...NO_GPT_IMAGE_OPTIONS,
    supportsEdit: false,
    maxEditImages: 0,
    supportsInputFidelity: false,
    defaults: { size: '1024x1024', quality: 'standard', style: 'vivid', responseFormat: 'url', outputFormat: 'png' },
  },
  {
    id: 'gpt-image',
    label: 'GPT image',
    prefixes: ['gpt-image-1', 'chatgpt-image'],
    sizes: { kind: 'list', values: [...STANDARD_GPT_SIZES, 'auto'] },
    ...GPT_IMAGE_RULES,
  },
  {
    id: 'gpt-image-2',
    label: 'GPT image 2',
    // 'gpt-image-' catches every later GPT image model (gpt-image-2.6-flare, gpt-image-3, …): assume these rules.
    prefixes: ['gpt-image-2', 'gpt-image-'],
    sizes: {
      kind: 'free',
      multipleOf: 16,
      maxAspectRatio: 3,
      maxWidth: 3840,
      maxHeight: 2160,
      experimentalAbove: { width: 2560, height: 1440 },
      suggested: [...STANDARD_GPT_SIZES, '1536x864', '864x1536', '2560x1440', '1440x2560', '3840x2160', '2160x3840'],
      allowAuto: true,
    },
    ...GPT_IMAGE_RULES,
  },
] satisfies ModelFamily[]);

/**
 * Models that follow a family's rules with a few exceptions. Matched like family prefixes (longest wins
 * over the family prefixes too); `resolveFamily` returns the family row with `changes` applied.
 */
export interface FamilyVariant {
  prefix: string;
  family: FamilyId;
  changes: Partial<Omit<ModelFamily, 'id' | 'prefixes'>>;
}

export const FAMILY_VARIANTS: readonly FamilyVariant[] = Object.freeze([
  // input_fidelity: "unsupported for gpt-image-1-mini" (spec, InputFidelity).
  { prefix: 'gpt-image-1-mini', family: 'gpt-image', changes: { supportsInputFidelity: false } },
]);

/** Rules for the files an edit takes, per family (families without edit support have none). */
export interface EditInputRule {
  /** Accepted input image types, sniffed from the bytes. */
  imageTypes: readonly ImageMimeType[];
  /** Each input image must be smaller than this many bytes. */
  maxImageBytes: number;
  /** DALL-E 2 edits square images only. */
  squareOnly: boolean;
  /** The mask: always PNG, smaller than this, same size as the first image. */
  maxMaskBytes: number;
}

export const MB = 1024 * 1024;
const GPT_EDIT_INPUT: EditInputRule = {
  imageTypes: ['image/png', 'image/jpeg', 'image/webp'],
  maxImageBytes: 50 * MB,
  squareOnly: false,
  maxMaskBytes: 4 * MB,
};

export const EDIT_INPUT_RULES: Readonly<Partial<Record<FamilyId, EditInputRule>>> = Object.freeze({
  'dall-e-2': { imageTypes: ['image/png'], maxImageBytes: 4 * MB, squareOnly: true, maxMaskBytes: 4 * MB },
  'gpt-image': GPT_EDIT_INPUT,
  'gpt-image-2': GPT_EDIT_INPUT,
});
