/**
 * Azure OpenAI. Two URL shapes:
 * - deployment (default): {endpoint}/openai/deployments/{deployment}/images/{op}?api-version=V, no
 *   `model` in the body (the deployment picks the model);
 * - v1: {endpoint}/openai/v1/images/{op}[?api-version=V], the deployment sent as `model`.
 * Auth: `api-key: KEY`, or `Authorization: Bearer TOKEN` from an injected Entra ID token source (the
 * client asks the source for a token per attempt and hands it to `withToken`).
 */
import { resolveFamily } from '../models/index.js';
import type { AzureProviderConfig, EditRequest, ImageRequest, ModelInfo, Problem } from '../types.js';
import type { Provider } from './provider.js';
import {
  type BuildContext,
  editParts,
  generateBody,
  jsonPost,
  multipartPost,
  trimBase,
  type WireRequest,
} from './encode.js';

/** The resource endpoint without trailing slashes or a pasted `/openai` or `/openai/v1` suffix. */
export function azureEndpoint(endpoint: string): string {
  return trimBase(endpoint).replace(/\/openai(\/v1)?$/i, '');
}

/** The auth header built with the request: `api-key`; none with a token source (`withToken` adds the bearer). */
function azureAuthHeaders(config: AzureProviderConfig): Record<string, string> {
  return config.apiKey && !config.tokenSource ? { 'api-key': config.apiKey } : {};
}

/** The request with an Entra ID access token as `Authorization: Bearer`. */
export function azureWithToken(wire: WireRequest, token: string): WireRequest {
  return { ...wire, headers: { ...wire.headers, authorization: `Bearer ${token}` } };
}

function isV1(config: AzureProviderConfig): boolean {
  return config.api === 'v1';
}

export function azureImagesUrl(config: AzureProviderConfig, operation: 'generations' | 'edits'): string {
  const endpoint = azureEndpoint(config.endpoint);
  if (isV1(config)) {
    const query = config.apiVersion ? `?api-version=${encodeURIComponent(config.apiVersion)}` : '';
    return `${endpoint}/openai/v1/images/${operation}${query}`;
  }
  const deployment = encodeURIComponent(config.deployment ?? '');
  return `${endpoint}/openai/deployments/${deployment}/images/${operation}?api-version=${encodeURIComponent(config.apiVersion ?? '')}`;
}

/** The `model` sent in the body: none on deployment URLs, the deployment (or the request's model) on v1. */
function wireModel(config: AzureProviderConfig, request: ImageRequest): string | undefined {
  return isV1(config) ? (config.deployment ?? request.model) : undefined;
}

export function buildAzureGenerate(
  config: AzureProviderConfig,
  request: ImageRequest,
  ctx: BuildContext = {},
): WireRequest {
  const body = generateBody(request, { model: wireModel(config, request), family: ctx.family });
  return jsonPost(azureImagesUrl(config, 'generations'), azureAuthHeaders(config), body, request.stream);
}

export function buildAzureEdit(config: AzureProviderConfig, request: EditRequest, ctx: BuildContext = {}): WireRequest {
  const parts = editParts(request, { model: wireModel(config, request), family: ctx.family });
  return multipartPost(azureImagesUrl(config, 'edits'), azureAuthHeaders(config), parts, ctx.boundary, request.stream);
}

export function azureConfigProblems(config: AzureProviderConfig): Problem[] {
  const problems: Problem[] = [];
  if (typeof config.endpoint !== 'string' || !/^https?:\/\//i.test(config.endpoint)) {
    problems.push({
      field: 'endpoint',
      value: config.endpoint,
      message: 'endpoint is required for Azure OpenAI, e.g. https://RESOURCE.openai.azure.com',
    });
  }
  if (config.api !== undefined && config.api !== 'deployment' && config.api !== 'v1') {
    problems.push({
      field: 'api',
      value: config.api,
      message: 'api must be deployment or v1',
      allowed: ['deployment', 'v1'],
    });
  }
  if (!isV1(config)) {
    if (!config.deployment) {
      problems.push({ field: 'deployment', message: 'deployment is required for Azure OpenAI deployment URLs.' });
    }
    if (!config.apiVersion) {
      problems.push({
        field: 'apiVersion',
        message:
          'apiVersion is required for Azure OpenAI deployment URLs, e.g. 2025-04-01-preview (GPT image models) or 2024-10-21.',
      });
    }
  }
  if (!config.apiKey && !config.tokenSource) {
    problems.push({
      field: 'apiKey',
      message: 'Azure OpenAI needs an apiKey, or a tokenSource for Microsoft Entra ID (keyless) auth.',
    });
  }
  return problems;
}

/** A missing v1 deployment is only known per request (the request's model may stand in). */
function v1ModelProblems(config: AzureProviderConfig, request: ImageRequest): Problem[] {
  if (isV1(config) && !config.deployment && !request.model) {
    return [{ field: 'model', message: 'Azure v1 URLs need a deployment name: set deployment or model.' }];
  }
  return [];
}

export function azureProvider(config: AzureProviderConfig): Provider {
  return {
    kind: 'azure',
    // The deployment picks the model (v1: the deployment is the model): no default is filled in.
    fillsDefaultModel: false,
    configProblems: () => azureConfigProblems(config),
    // Deployment URLs: the family comes from the request's model when given, else unknown (the deployment picks).
    familyFor: (request) => resolveFamily(isV1(config) ? (request.model ?? config.deployment) : request.model),
    resultModel: (request) =>
      (isV1(config) ? (config.deployment ?? request.model) : (request.model ?? config.deployment)) ?? '',
    requestProblems: (request) => v1ModelProblems(config, request),
    buildGenerate: (request, ctx) => buildAzureGenerate(config, request, ctx),
    buildEdit: (request, ctx) => buildAzureEdit(config, request, ctx),
    ...(config.tokenSource ? { tokenSource: config.tokenSource, withToken: azureWithToken } : {}),
    configuredModels: (): ModelInfo[] => {
      if (!config.deployment) return [];
      const family = resolveFamily(config.deployment);
      return [family ? { id: config.deployment, family: family.id } : { id: config.deployment }];
    },
  };
}
