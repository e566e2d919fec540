/**
 * ImageError → what n8n shows: a NodeOperationError for bad input (caught before any HTTP call), a
 * NodeApiError for what the provider answered, each with the item index and a description that says
 * what to change. Also the JSON of a Continue On Fail error item.
 */
import { ImageError, type Problem, waitText } from '@brushwork/core';
import { type IDataObject, type INode, type JsonObject, NodeApiError, NodeOperationError } from 'n8n-workflow';

/** The node's names for the core's request fields. */
const FIELD_NAMES: Record<string, string> = {
  prompt: 'Prompt',
  model: 'Model',
  n: 'Number of Images',
  size: 'Size',
  quality: 'Quality',
  style: 'Style',
  background: 'Background',
  moderation: 'Moderation',
  outputFormat: 'Output Format',
  outputCompression: 'Output Compression',
  inputFidelity: 'Input Fidelity',
  responseFormat: 'Response Format',
  images: 'Image Properties',
  mask: 'Mask Property',
  user: 'User (option)',
  deployment: 'Deployment',
  endpoint: 'Endpoint (credential)',
  baseUrl: 'Base URL (credential)',
  apiVersion: 'API Version (credential)',
  apiKey: 'API Key (credential)',
};

export function fieldName(field: string): string {
  const root = field.split(/[.[]/)[0] ?? field;
  return FIELD_NAMES[root] ?? field;
}

function problemLine(problem: Problem): string {
  const allowed =
    problem.allowed && problem.allowed.length > 0 && !problem.allowed.every((value) => problem.message.includes(value))
      ? ` Allowed: ${problem.allowed.join(', ')}.`
      : '';
  return `${fieldName(problem.field)}: ${problem.message}.${allowed}`.replace(/\.\./g, '.');
}

type Failure = NonNullable<ConstructorParameters<typeof NodeOperationError>[2]>['failure'] & {};

function failureOf(error: ImageError): Failure | undefined {
  switch (error.kind) {
    case 'rate_limit':
      return error.retryAfterMs !== undefined
        ? { cause: 'rate-limited', retryAfterMs: error.retryAfterMs }
        : { cause: 'rate-limited' };
    case 'quota':
      return { cause: 'quota-exhausted' };
    case 'server':
    case 'timeout':
    case 'network':
      return { cause: 'temporarily-unavailable' };
    case 'authentication':
    case 'permission':
      return { cause: 'credential-invalid' };
    case 'model_not_found':
    case 'invalid_request':
      return { cause: 'configuration-invalid' };
    default:
      return undefined;
  }
}

export interface ErrorContext {
  /** Retries the node was allowed (the Max Retries option). */
  maxRetries: number;
}

/** What to do about an error, in the node's words. */
export function describeError(error: ImageError, context: ErrorContext): string {
  switch (error.kind) {
    case 'invalid_request':
      if (error.problems && error.problems.length > 0) return error.problems.map(problemLine).join('\n');
      return error.param
        ? `The provider rejected the field ${fieldName(error.param)}. Check its value.`
        : 'The provider rejected the request. Check the fields.';
    case 'content_policy': {
      const filters = error.contentFilter ? Object.keys(error.contentFilter) : [];
      return (
        'Refused by the provider’s safety system: this prompt (or input image) was judged unsafe. ' +
        'Rephrase the prompt; retrying it unchanged will be refused again.' +
        (filters.length > 0 ? ` Filters: ${filters.join(', ')}.` : '')
      );
    }
    case 'rate_limit': {
      const wait = error.retryAfterMs !== undefined ? ` The server asks to wait ${waitText(error.retryAfterMs)}.` : '';
      return (
        `Rate limited by the provider, still after ${context.maxRetries} retries.${wait} ` +
        'Lower the Concurrency option, raise Max Retries, or run again later.'
      );
    }
    case 'quota':
      return 'The account’s quota or billing limit is used up; retrying will not help. Check billing and limits with the provider.';
    case 'authentication':
      return 'The provider rejected the credential. Check the API key (and for Azure the endpoint) in the credential.';
    case 'permission':
      return 'The credential is valid but may not use this model, organization or project. Check its permissions.';
    case 'model_not_found':
      return 'The model (or Azure deployment) does not exist for this credential. Pick one from the Model list, or check the deployment name.';
    case 'timeout':
      return 'No answer within the Timeout option. Large or high-quality images can take minutes: raise Timeout (seconds).';
    case 'network':
      return 'Could not reach the provider. Check the Base URL / Endpoint in the credential and the network.';
    case 'server':
      return `The provider had a server error${error.status ? ` (${error.status})` : ''}, still after ${context.maxRetries} retries. Try again later.`;
    case 'bad_response':
      if (isExpiredDownload(error)) {
        return 'The image’s download URL had expired before it was fetched (OpenAI URLs last 60 minutes). Run the node again.';
      }
      return (
        `The provider’s answer${error.status ? ` (HTTP ${error.status})` : ''} was not a readable image result. ` +
        'If it happens once, run again; if it repeats, check the Base URL / Endpoint in the credential.'
      );
    case 'cancelled':
      return 'The execution was cancelled.';
  }
}

/** A URL result whose download was refused the way expired signed URLs are. */
function isExpiredDownload(error: ImageError): boolean {
  return error.code === 'url_expired' || (/expired/i.test(error.message) && /download/i.test(error.message));
}

function asImageError(error: unknown): ImageError | undefined {
  if (error instanceof ImageError) return error;
  if (error && typeof error === 'object' && (error as { name?: unknown }).name === 'ImageError') {
    return error as ImageError;
  }
  return undefined;
}

/** The error n8n shows (and stops on) when Continue On Fail is off. */
export function toNodeError(
  node: INode,
  error: unknown,
  itemIndex: number,
  context: ErrorContext,
): NodeApiError | NodeOperationError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) {
    if (error.context) error.context.itemIndex = itemIndex;
    return error;
  }
  const imageError = asImageError(error);
  if (!imageError) {
    const message = error instanceof Error ? error.message : String(error);
    return new NodeOperationError(node, message, { itemIndex });
  }
  const description = describeError(imageError, context);
  const failure = failureOf(imageError);
  if (imageError.kind === 'invalid_request' && imageError.status === undefined) {
    return new NodeOperationError(node, imageError.message, {
      itemIndex,
      description,
      ...(failure ? { failure } : {}),
    });
  }
  return new NodeApiError(node, imageError.toJSON() as JsonObject, {
    message: imageError.message,
    description,
    itemIndex,
    ...(imageError.status !== undefined ? { httpCode: String(imageError.status) } : {}),
    ...(failure ? { failure } : {}),
  });
}

/** The JSON of a Continue On Fail error item. */
export function errorItemJson(error: unknown, context: ErrorContext): IDataObject {
  const imageError = asImageError(error);
  if (!imageError) {
    const message = error instanceof Error ? error.message : String(error);
    const description =
      error && typeof error === 'object' && typeof (error as { description?: unknown }).description === 'string'
        ? (error as { description: string }).description
        : undefined;
    return { error: message, kind: 'node', ...(description ? { description } : {}) };
  }
  const json: IDataObject = {
    error: imageError.message,
    kind: imageError.kind,
    description: describeError(imageError, context),
  };
  if (imageError.status !== undefined) json.status = imageError.status;
  if (imageError.code !== undefined) json.code = imageError.code;
  if (imageError.param !== undefined) json.param = imageError.param;
  if (imageError.requestId !== undefined) json.requestId = imageError.requestId;
  if (imageError.retryAfterMs !== undefined) json.retryAfterMs = imageError.retryAfterMs;
  if (imageError.problems) {
    json.problems = imageError.problems.map((problem) => ({
      field: problem.field,
      fieldName: fieldName(problem.field),
      message: problem.message,
      ...(problem.allowed ? { allowed: [...problem.allowed] } : {}),
    }));
  }
  if (imageError.contentFilter) json.contentFilter = imageError.contentFilter as IDataObject;
  if (imageError.indexes) json.indexes = imageError.indexes;
  return json;
}
