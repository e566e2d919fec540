/**
 * Image model rules as data: one row per model family, resolved from a free-form model id by prefix.
 * A new family is a new row here; nothing else in the core branches on a model id. Pure, no I/O.
 */
import type {
  FamilyId,
  ImageMimeType,
  ModelFamily,
  ModelRetirement,
  OutputFormat,
  ResponseFormat,
  SizeRule,
} from '../types.js';

/** The model Brushwork uses when the caller names none. */
export const DEFAULT_MODEL = 'gpt-image-2';

const STANDARD_GPT_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;
const GPT_OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'jpeg', 'webp'];
const DALL_E_RESPONSE_FORMATS: readonly ResponseFormat[] = ['url', 'b64_json'];

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
    backgrounds: [],
    moderations: [],
    outputFormats: [],
    supportsOutputCompression: false,
    supportsStreaming: false,
    maxPartialImages: 0,
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
    backgrounds: [],
    moderations: [],
    outputFormats: [],
    supportsOutputCompression: false,
    supportsStreaming: false,
    maxPartialImages: 0,
    supportsEdit: false,
    maxEditImages: 0,
    supportsInputFidelity: false,
    defaults: { size: '1024x1024', quality: 'standard', style: 'vivid', responseFormat: 'url', outputFormat: 'png' },
  },
  {
    id: 'gpt-image',
    label: 'GPT image',
    prefixes: ['gpt-image-1', 'chatgpt-image'],
    maxPromptLength: 32000,
    maxN: 10,
    maxImagesPerCall: 10,
    sizes: { kind: 'list', values: [...STANDARD_GPT_SIZES, 'auto'] },
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
  },
  {
    id: 'gpt-image-2',
    label: 'GPT image 2',
    // 'gpt-image-' catches every later GPT image model (gpt-image-2.6-flare, gpt-image-3, …): assume these rules.
    prefixes: ['gpt-image-2', 'gpt-image-'],
    maxPromptLength: 32000,
    maxN: 10,
    maxImagesPerCall: 10,
    sizes: {
      kind: 'free',
      multipleOf: 16,
      maxAspectRatio: 3,
      maxWidth: 3840,
      maxHeight: 2160,
      experimentalAbovePixels: 2560 * 1440,
      suggested: [...STANDARD_GPT_SIZES, '1536x864', '864x1536', '2560x1440', '1440x2560', '3840x2160', '2160x3840'],
      allowAuto: true,
    },
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

const MB = 1024 * 1024;
const IMAGE_TYPE_NAMES: Record<ImageMimeType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
};
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

// ───────────────────────────── lookup ─────────────────────────────

const BY_ID = new Map<FamilyId, ModelFamily>(FAMILIES.map((family) => [family.id, family]));

/** The family row for an id. Throws on an id that is not a FamilyId (a programming error). */
export function familyById(id: FamilyId): ModelFamily {
  const family = BY_ID.get(id);
  if (!family) throw new Error(`Unknown model family ${String(id)}`);
  return family;
}

interface PrefixEntry {
  prefix: string;
  family: ModelFamily;
}

const PREFIXES: readonly PrefixEntry[] = [
  ...FAMILIES.flatMap((family) => family.prefixes.map((prefix) => ({ prefix: prefix.toLowerCase(), family }))),
  ...FAMILY_VARIANTS.map((variant) => ({
    prefix: variant.prefix.toLowerCase(),
    family: Object.freeze({ ...familyById(variant.family), ...variant.changes }) as ModelFamily,
  })),
].sort((a, b) => b.prefix.length - a.prefix.length);

function matchesPrefix(id: string, prefix: string): boolean {
  if (!id.startsWith(prefix)) return false;
  const next = id.charAt(prefix.length);
  // 'gpt-image-1' must not claim 'gpt-image-10'.
  return !(/\d$/.test(prefix) && /\d/.test(next));
}

/** Lower-cased, trimmed, without a host's "vendor/" namespace ("openai/gpt-image-2" → "gpt-image-2"). */
export function normalizeModelId(model: string): string {
  const id = model.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/**
 * The family whose rules apply to a model id: prefix match, longest wins, case-insensitive. Unknown ids
 * (and Azure deployment names) give undefined: the request then gets only shape checks and the server judges.
 */
export function resolveFamily(model?: string): ModelFamily | undefined {
  if (typeof model !== 'string') return undefined;
  const id = normalizeModelId(model);
  if (!id) return undefined;
  return PREFIXES.find((entry) => matchesPrefix(id, entry.prefix))?.family;
}

// ───────────────────────────── retirements ─────────────────────────────

export interface RetirementInfo extends ModelRetirement {
  /** 'retired': calls fail now. 'deprecated': still served until `shutdownDate`. */
  status: 'retired' | 'deprecated';
  /** ISO date of the announced shutdown, for deprecated models. */
  shutdownDate?: string;
}

export const RETIREMENTS: readonly RetirementInfo[] = Object.freeze([
  { model: 'dall-e-2', status: 'retired', retiredOn: 'OpenAI (May 2026)', replacement: DEFAULT_MODEL },
  {
    model: 'dall-e-3',
    status: 'retired',
    retiredOn: 'OpenAI (May 2026) and Azure OpenAI (February 2026)',
    replacement: DEFAULT_MODEL,
  },
  { model: 'gpt-image-1', status: 'retired', retiredOn: 'OpenAI (October 2026)', replacement: DEFAULT_MODEL },
  ...['gpt-image-1-mini', 'gpt-image-1.5', 'chatgpt-image-latest'].map(
    (model): RetirementInfo => ({
      model,
      status: 'deprecated',
      retiredOn: 'OpenAI (shutdown 2026-12-01)',
      shutdownDate: '2026-12-01',
      replacement: DEFAULT_MODEL,
    }),
  ),
] satisfies RetirementInfo[]);

/**
 * The retirement (or announced shutdown) of a model id: exact match, or the id followed by a snapshot date
 * (`dall-e-3-2023-11-06`). `gpt-image-1` does not cover `gpt-image-1.5` or `gpt-image-1-mini`.
 */
export function retirementOf(model: string): RetirementInfo | undefined {
  if (typeof model !== 'string') return undefined;
  const id = normalizeModelId(model);
  return RETIREMENTS.find(
    (entry) =>
      id === entry.model || (id.startsWith(entry.model) && /^-\d{4}-\d{2}-\d{2}$/.test(id.slice(entry.model.length))),
  );
}

// ───────────────────────────── text for UIs and tool descriptions ─────────────────────────────

/** "a", "a or b", "a, b or c". */
export function listText(values: readonly string[], conjunction = 'or'): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values[values.length - 1]}`;
}

/** Request fields whose accepted values depend on the family. */
export type FamilyField =
  | 'n'
  | 'size'
  | 'quality'
  | 'style'
  | 'responseFormat'
  | 'background'
  | 'moderation'
  | 'outputFormat'
  | 'outputCompression'
  | 'stream'
  | 'partialImages'
  | 'inputFidelity';

/** Whether a family takes a field at all. */
export function supportsField(family: ModelFamily, field: FamilyField): boolean {
  switch (field) {
    case 'n':
    case 'size':
      return true;
    case 'quality':
      return family.qualities.length > 0;
    case 'style':
      return family.styles.length > 0;
    case 'responseFormat':
      return family.responseFormats.length > 0;
    case 'background':
      return family.backgrounds.length > 0;
    case 'moderation':
      return family.moderations.length > 0;
    case 'outputFormat':
      return family.outputFormats.length > 0;
    case 'outputCompression':
      return family.supportsOutputCompression;
    case 'stream':
    case 'partialImages':
      return family.supportsStreaming;
    case 'inputFidelity':
      return family.supportsInputFidelity;
  }
}

/**
 * The values a family accepts for a field, as strings for pickers; [] when the family does not take the
 * field. For a free size rule: the suggested sizes (plus auto); any WxH within `describeSizes` also passes.
 * For outputCompression: ['0', '100'] (the bounds). n and partialImages: every allowed number.
 */
export function allowedValues(family: ModelFamily, field: FamilyField): readonly string[] {
  if (!supportsField(family, field)) return [];
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  switch (field) {
    case 'n':
      return range(1, family.maxN);
    case 'size':
      return family.sizes.kind === 'list'
        ? family.sizes.values
        : [...family.sizes.suggested, ...(family.sizes.allowAuto ? ['auto'] : [])];
    case 'quality':
      return family.qualities;
    case 'style':
      return family.styles;
    case 'responseFormat':
      return family.responseFormats;
    case 'background':
      return family.backgrounds;
    case 'moderation':
      return family.moderations;
    case 'outputFormat':
      return family.outputFormats;
    case 'outputCompression':
      return ['0', '100'];
    case 'stream':
      return ['true', 'false'];
    case 'partialImages':
      return range(0, family.maxPartialImages);
    case 'inputFidelity':
      return ['high', 'low'];
  }
}

/** The size rule in words: "256x256, 512x512 or 1024x1024" or the free WxH rule. */
export function describeSizes(rule: SizeRule): string {
  if (rule.kind === 'list') return listText(rule.values);
  const experimental =
    rule.experimentalAbovePixels !== undefined
      ? ` (above ${experimentalLimitText(rule.experimentalAbovePixels)} pixels is experimental)`
      : '';
  return (
    `any WIDTHxHEIGHT with both sides multiples of ${rule.multipleOf}, aspect ratio at most ${rule.maxAspectRatio}:1, ` +
    `long side at most ${rule.maxWidth} and short side at most ${rule.maxHeight}${experimental}` +
    `${rule.allowAuto ? ', or auto' : ''}; e.g. ${listText(rule.suggested.slice(0, 5))}`
  );
}

function experimentalLimitText(pixels: number): string {
  return pixels === 2560 * 1440 ? '2560x1440' : String(pixels);
}

/**
 * Everything a family takes, one line per field, for tool descriptions and UI hints. `model` names the
 * model in the heading (defaults to the family label).
 */
export function describeFamily(family: ModelFamily, model?: string): string {
  const lines = [
    `${model ?? family.label}${model ? ` (${family.label} rules)` : ''}:`,
    `- prompt: up to ${family.maxPromptLength} characters`,
    family.maxImagesPerCall < family.maxN
      ? `- n: 1 to ${family.maxN} (${family.maxImagesPerCall} per API call; more are made as separate calls)`
      : `- n: 1 to ${family.maxN}`,
    `- size: ${describeSizes(family.sizes)} (default ${family.defaults.size})`,
  ];
  const enumLine = (field: FamilyField, values: readonly string[], fallback?: string) => {
    if (values.length > 0) lines.push(`- ${field}: ${listText(values)}${fallback ? ` (default ${fallback})` : ''}`);
  };
  enumLine('quality', family.qualities, family.defaults.quality);
  enumLine('style', family.styles, family.defaults.style);
  enumLine('responseFormat', family.responseFormats, family.defaults.responseFormat);
  enumLine('background', family.backgrounds, family.backgrounds.length ? 'auto' : undefined);
  enumLine('moderation', family.moderations, family.moderations.length ? 'auto' : undefined);
  enumLine(
    'outputFormat',
    family.outputFormats,
    family.outputFormats.length ? family.defaults.outputFormat : undefined,
  );
  if (family.supportsOutputCompression) lines.push('- outputCompression: 0 to 100, only with jpeg or webp output');
  if (family.backgrounds.includes('transparent')) lines.push('- background transparent needs outputFormat png or webp');
  if (family.supportsStreaming) lines.push(`- stream: true or false; partialImages: 0 to ${family.maxPartialImages}`);
  if (family.supportsEdit) {
    const input = EDIT_INPUT_RULES[family.id];
    const types = input ? listText(input.imageTypes.map((t) => IMAGE_TYPE_NAMES[t])) : 'image';
    lines.push(
      family.maxEditImages === 1
        ? `- edit: one ${input?.squareOnly ? 'square ' : ''}${types} image${input ? ` under ${input.maxImageBytes / MB} MB` : ''}, optional PNG mask`
        : `- edit: 1 to ${family.maxEditImages} ${types} images${input ? ` under ${input.maxImageBytes / MB} MB each` : ''}, optional PNG mask`,
    );
    if (family.supportsInputFidelity) lines.push('- inputFidelity (edit): high or low');
  } else {
    lines.push('- edit: not supported');
  }
  return lines.join('\n');
}
