/**
 * Azure OpenAI's legacy asynchronous DALL-E 2 (api-version 2023-06-01-preview … 2023-10-01-preview):
 * POST {endpoint}/openai/images/generations:submit?api-version=V → 202 + operation-location; poll GET
 * that URL (honouring retry-after) until status is succeeded (result.data[].url) or failed/canceled.
 */
import { ImageError } from '../errors/image-error.js';
import { familyById } from '../models/families.js';
import type { AzureLegacyProviderConfig, ImageRequest, Problem } from '../types.js';
import { azureAuthHeaders, azureEndpoint, azureEndpointProblems } from './azure.js';
import type { Provider } from './provider.js';
import { type BuildContext, jsonGet, jsonPost, type WireRequest } from './encode.js';

export const DEFAULT_MAX_POLL_MS = 5 * 60_000;

export function buildAzureLegacySubmit(
  config: AzureLegacyProviderConfig,
  request: ImageRequest,
  ctx: BuildContext = {},
): WireRequest {
  const url = `${azureEndpoint(config.endpoint)}/openai/images/generations:submit?api-version=${encodeURIComponent(config.apiVersion)}`;
  const body: Record<string, unknown> = { prompt: request.prompt };
  if (request.n !== undefined) body.n = request.n;
  if (request.size !== undefined) body.size = request.size;
  if (request.user !== undefined) body.user = request.user;
  return jsonPost(url, azureAuthHeaders(config, ctx), body);
}

export function buildAzureLegacyPoll(
  config: AzureLegacyProviderConfig,
  url: string,
  ctx: BuildContext = {},
): WireRequest {
  return jsonGet(url, azureAuthHeaders(config, ctx));
}

export type OperationState =
  | { status: 'pending'; raw: string }
  | { status: 'succeeded'; result: unknown }
  | { status: 'failed' | 'canceled'; error: ImageError };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an operation status body (already parsed JSON). Unknown states count as pending. */
export function readOperation(json: unknown, requestId?: string): OperationState {
  if (!isRecord(json) || typeof json.status !== 'string') {
    throw new ImageError({
      kind: 'bad_response',
      message: 'The Azure image operation answered without a status.',
      requestId,
    });
  }
  const status = json.status.toLowerCase();
  if (status === 'succeeded') return { status: 'succeeded', result: json.result };
  if (status === 'failed' || status === 'canceled' || status === 'cancelled') {
    const error = isRecord(json.error) ? json.error : {};
    const code = typeof error.code === 'string' ? error.code : undefined;
    const detail = typeof error.message === 'string' ? `: ${error.message}` : '';
    const policy = code === 'contentFilter' || code === 'content_policy_violation' || code === 'content_filter';
    return {
      status: status === 'failed' ? 'failed' : 'canceled',
      error: new ImageError({
        kind: policy ? 'content_policy' : status === 'failed' ? 'server' : 'cancelled',
        message: policy
          ? `The prompt was refused by Azure's content filter${detail}. Rephrase the prompt.`
          : `The Azure image operation ${status === 'failed' ? 'failed' : 'was canceled'}${detail}.`,
        code,
        requestId,
        retryable: false,
      }),
    };
  }
  return { status: 'pending', raw: json.status };
}

export function azureLegacyConfigProblems(config: AzureLegacyProviderConfig): Problem[] {
  const problems: Problem[] = azureEndpointProblems(config.endpoint);
  if (!config.apiVersion) {
    problems.push({
      field: 'apiVersion',
      message: 'apiVersion is required for the legacy Azure DALL-E 2 API, e.g. 2023-06-01-preview.',
    });
  }
  if (!config.apiKey && !config.getToken) {
    problems.push({ field: 'apiKey', message: 'Azure OpenAI needs an apiKey or a getToken function (Entra ID).' });
  }
  return problems;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function azureLegacyProvider(config: AzureLegacyProviderConfig): Provider {
  const provider: Provider = {
    kind: 'azure-legacy',
    defaultModel: 'dall-e-2',
    configProblems: () => azureLegacyConfigProblems(config),
    familyFor: () => familyById('dall-e-2'),
    resultModel: () => 'dall-e-2',
    buildGenerate: (request, ctx) => buildAzureLegacySubmit(config, request, ctx),
    configuredModels: () => [{ id: 'dall-e-2', family: 'dall-e-2' }],
    operation: {
      buildPoll: (url, ctx) => buildAzureLegacyPoll(config, url, ctx),
      maxPollMs: config.maxPollMs ?? DEFAULT_MAX_POLL_MS,
      isTrustedUrl: (url) => {
        const origin = originOf(url);
        return origin !== undefined && origin === originOf(azureEndpoint(config.endpoint));
      },
    },
  };
  const getToken = config.getToken;
  if (getToken) provider.token = (signal) => getToken(signal);
  return provider;
}
