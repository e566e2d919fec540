/**
 * Turns the node's parameters for one item into the core's ImageRequest. The core validates the values
 * against the model's family; the one rule read here is the family's own table entry: ask for inline
 * bytes (b64_json) where the family can send them.
 */
import { resolveFamily, type ImageRequest } from '@brushwork/core';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { CUSTOM_SIZE, type Operation } from './fields';

/**
 * Read options for the model-dependent fields. n8n's schema check after each read looks for the field's
 * first displayed definition, evaluating every definition's display conditions (the model regexes of
 * fields.ts, run by n8n's slow safe-regex engine): about 15 ms per item for a dozen reads, which capped
 * throughput at the default concurrency. The check only acts on `validateType` fields, resource mappers and
 * collections, and the node declares none of those here: the core validates the values instead.
 */
export const FAST = { skipValidation: true } as const;

/** The node's options collection. */
export interface NodeOptions {
  timeout?: number;
  maxRetries?: number;
  concurrency?: number;
  user?: string;
  /** USD; 0 or absent: no cap. */
  maxCostPerItem?: number;
  maxCostPerExecution?: number;
  /** Price overrides: JSON text, or the object n8n's JSON field may hand over. */
  prices?: unknown;
}

export function readOptions(context: IExecuteFunctions, itemIndex: number): NodeOptions {
  return context.getNodeParameter('options', itemIndex, {}) as NodeOptions;
}

/** The model id of the resource locator ('' when none). */
export function readModel(context: IExecuteFunctions, itemIndex: number): string {
  const value = context.getNodeParameter('model', itemIndex, '', { extractValue: true, ...FAST }) as unknown;
  if (value && typeof value === 'object' && 'value' in value) return String((value as IDataObject).value ?? '').trim();
  return typeof value === 'string' ? value.trim() : String(value ?? '');
}

function text(context: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
  const value = context.getNodeParameter(name, itemIndex, '', FAST) as unknown;
  if (value === undefined || value === null) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function numberParameter(context: IExecuteFunctions, name: string, itemIndex: number): number | undefined {
  const value = context.getNodeParameter(name, itemIndex, '', FAST) as unknown;
  if (value === '' || value === undefined || value === null) return undefined;
  return typeof value === 'number' ? value : Number(value);
}

/**
 * The request for one item. Values are passed as given (strings stay strings, numbers numbers): the
 * core validates them against the model's family and names the field when one is wrong.
 */
export function readImageRequest(context: IExecuteFunctions, itemIndex: number, operation: Operation): ImageRequest {
  const model = readModel(context, itemIndex);
  const request: ImageRequest = {
    prompt: context.getNodeParameter('prompt', itemIndex, '') as string,
  };
  if (model) request.model = model;
  const n = numberParameter(context, 'n', itemIndex);
  if (n !== undefined) request.n = n;
  let size = text(context, 'size', itemIndex);
  if (size === CUSTOM_SIZE) size = text(context, 'customSize', itemIndex);
  if (size !== undefined) request.size = size;
  const quality = text(context, 'quality', itemIndex);
  if (quality !== undefined) request.quality = quality;
  if (operation === 'generate') {
    const style = text(context, 'style', itemIndex);
    if (style !== undefined) request.style = style;
    const moderation = text(context, 'moderation', itemIndex);
    if (moderation !== undefined) request.moderation = moderation as ImageRequest['moderation'];
  }
  const background = text(context, 'background', itemIndex);
  if (background !== undefined) request.background = background as ImageRequest['background'];
  const outputFormat = text(context, 'outputFormat', itemIndex);
  if (outputFormat !== undefined) {
    request.outputFormat = outputFormat as ImageRequest['outputFormat'];
    if (outputFormat === 'jpeg' || outputFormat === 'webp') {
      const compression = numberParameter(context, 'outputCompression', itemIndex);
      if (compression !== undefined) request.outputCompression = compression;
    }
  }
  // Ask for the image bytes inline where the model can send them: no second download, no expiring URL.
  const family = resolveFamily(request.model);
  if (family?.responseFormats.includes('b64_json')) request.responseFormat = 'b64_json';
  const user = readOptions(context, itemIndex).user;
  if (typeof user === 'string' && user.trim() !== '') request.user = user.trim();
  return request;
}
