/**
 * Tool and field descriptions for the configured model, rendered from the core's model table (no rule
 * is restated here: values come from allowedValues / describeSizes / supportsField).
 */
import {
  allowedValues,
  DEFAULT_MODEL,
  describeSizes,
  type FamilyField,
  listText,
  type ModelFamily,
  resolveFamily,
  supportsField,
} from '@brushwork/core';
import type { ServerConfig } from './config.js';

export interface ModelContext {
  /** What the tools call the configured model (an id, or an Azure deployment). */
  model: string;
  /** Sent as the request's model when the caller names none (undefined on Azure deployment URLs). */
  requestModel?: string;
  family?: ModelFamily;
}

export function modelContext(config: ServerConfig): ModelContext {
  if (config.provider.kind === 'azure' && config.provider.api !== 'v1' && config.provider.deployment) {
    const deployment = config.provider.deployment;
    const family = resolveFamily(config.model) ?? resolveFamily(deployment);
    return { model: config.model ? `${config.model} (deployment ${deployment})` : deployment, family };
  }
  const model = config.model ?? DEFAULT_MODEL;
  return { model, requestModel: model, family: resolveFamily(model) };
}

function valuesLine(family: ModelFamily, field: FamilyField, label: string, model: string, fallback?: string): string {
  if (!supportsField(family, field)) return `Not supported by ${model}: leave it out.`;
  return `${label} for ${model}: ${listText(allowedValues(family, field))}${fallback ? ` (default ${fallback})` : ''}.`;
}

const UNKNOWN = "The configured model is not in Brushwork's table, so the API judges this value.";

export interface FieldDescriptions {
  prompt: string;
  model: string;
  n: string;
  size: string;
  quality: string;
  style: string;
  background: string;
  output_format: string;
  output_compression: string;
  moderation: string;
  partial_images: string;
  input_fidelity: string;
  filename: string;
}

export function fieldDescriptions(context: ModelContext): FieldDescriptions {
  const { family, model } = context;
  const otherModels =
    'Other models have other rules: they are checked before any call, and list_models shows what the key can use.';
  const filename =
    'Optional file name (no directory, e.g. "red-fox"); the real extension is added, and -1, -2… when there are several images. Default: time + prompt slug + index. Existing files are never overwritten.';
  if (!family) {
    return {
      prompt: 'What the image should show.',
      model: `Model id. Default: ${model}. ${otherModels}`,
      n: 'How many images, 1 to 10 (default 1).',
      size: `WIDTHxHEIGHT such as 1024x1024, or auto. ${UNKNOWN}`,
      quality: `Quality, e.g. low, medium, high, auto (GPT image) or standard, hd (DALL-E 3). ${UNKNOWN}`,
      style: `vivid or natural (DALL-E 3 only). ${UNKNOWN}`,
      background: 'transparent, opaque or auto (GPT image models; transparent needs png or webp).',
      output_format: 'png, jpeg or webp (GPT image models).',
      output_compression: '0 to 100, only with jpeg or webp output (GPT image models).',
      moderation: 'low or auto (GPT image models).',
      partial_images: 'Stream this many partial images (0 to 3) as progress; GPT image models only.',
      input_fidelity: 'high or low: how closely to keep the input images (GPT image models).',
      filename,
    };
  }
  return {
    prompt: `What the image should show. Up to ${family.maxPromptLength} characters for ${model}.`,
    model: `Model id. Default: ${model} (${family.label}). ${otherModels}`,
    n:
      family.maxImagesPerCall < family.maxN
        ? `How many images, 1 to ${family.maxN} (default 1); ${model} makes ${family.maxImagesPerCall} per API call, so more mean more calls.`
        : `How many images, 1 to ${family.maxN} (default 1).`,
    size: `Size for ${model}: ${describeSizes(family.sizes)}. Default ${family.defaults.size}.`,
    quality: valuesLine(family, 'quality', 'Quality', model, family.defaults.quality),
    style: valuesLine(family, 'style', 'Style', model, family.defaults.style),
    background: supportsField(family, 'background')
      ? `${valuesLine(family, 'background', 'Background', model, 'auto')} transparent needs output_format png or webp.`
      : valuesLine(family, 'background', 'Background', model),
    output_format: valuesLine(family, 'outputFormat', 'File format', model, family.defaults.outputFormat),
    output_compression: supportsField(family, 'outputCompression')
      ? `0 to 100 (percent), only with output_format jpeg or webp, for ${model}.`
      : `Not supported by ${model}: leave it out.`,
    moderation: valuesLine(family, 'moderation', 'Moderation', model, 'auto'),
    partial_images: supportsField(family, 'partialImages')
      ? `Stream 0 to ${family.maxPartialImages} partial images as progress notifications while ${model} draws (costs extra tokens; needs a progress token).`
      : `Not supported by ${model}: leave it out.`,
    input_fidelity: valuesLine(family, 'inputFidelity', 'Input fidelity', model),
    filename,
  };
}

export function sandboxLine(config: ServerConfig): string | undefined {
  return config.sandboxReason ? `SANDBOX MODE: ${config.sandboxReason}` : undefined;
}

export function generateDescription(config: ServerConfig, context: ModelContext): string {
  const lines = [
    `Generate images from a text prompt with ${context.model}${context.family ? ` (${context.family.label})` : ''} via ${providerLabel(config)}.`,
    `Each image is saved in full resolution under ${config.outputDir} and returned as a small inline preview plus a resource_link (brushwork://images/…) to the file; the text block lists revised prompts, sizes and paths.`,
    'Only prompt is required; leave other fields out to use the model defaults. Field descriptions say what the configured model accepts.',
  ];
  const sandbox = sandboxLine(config);
  if (sandbox) lines.push(sandbox);
  return lines.join('\n');
}

export function editDescription(config: ServerConfig, context: ModelContext): string {
  const family = context.family;
  const what = !family
    ? 'GPT image models edit up to 16 images, DALL-E 2 one square PNG.'
    : family.supportsEdit
      ? family.maxEditImages === 1
        ? `${context.model} edits one image per call.`
        : `${context.model} takes 1 to ${family.maxEditImages} input images.`
      : `${context.model} cannot edit images: pass model (e.g. gpt-image-2) to edit.`;
  const dirs = [config.outputDir, ...config.inputDirs].join(', ');
  const lines = [
    `Edit or combine existing images with a prompt, optionally limited to a mask (PNG, transparent where to change, same size as the first image). ${what}`,
    `images and mask are file paths (or brushwork://images/… URIs from earlier results) inside: ${dirs}. Results are saved and returned like generate_image.`,
  ];
  const sandbox = sandboxLine(config);
  if (sandbox) lines.push(sandbox);
  return lines.join('\n');
}

export function providerLabel(config: ServerConfig): string {
  switch (config.provider.kind) {
    case 'openai':
      return config.provider.baseUrl ? `the OpenAI-compatible API at ${config.provider.baseUrl}` : 'OpenAI';
    case 'azure':
      return `Azure OpenAI (${config.provider.endpoint})`;
    case 'sandbox':
      return 'the offline sandbox (placeholder images, no API key configured)';
  }
}
