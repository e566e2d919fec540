/** Families in words and value lists: for pickers, tool descriptions and error texts. Pure. */
import { imageTypeName } from '../image/sniff.js';
import type { ModelFamily, SizeRule } from '../types.js';
import { EDIT_INPUT_RULES, MB } from './families.js';

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
    rule.experimentalAbove !== undefined ? ` (above ${sizeText(rule.experimentalAbove)} pixels is experimental)` : '';
  return (
    `any WIDTHxHEIGHT with both sides multiples of ${rule.multipleOf}, aspect ratio at most ${rule.maxAspectRatio}:1, ` +
    `long side at most ${rule.maxWidth} and short side at most ${rule.maxHeight}${experimental}` +
    `${rule.allowAuto ? ', or auto' : ''}; e.g. ${listText(rule.suggested.slice(0, 5))}`
  );
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
    const types = input ? listText(input.imageTypes.map(imageTypeName)) : 'image';
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

/** "2560x1440". */
export function sizeText(size: { width: number; height: number }): string {
  return `${size.width}x${size.height}`;
}
