/** Any OpenAI-compatible host: base URL, optional key, extra headers. */
import { DEFAULT_MODEL, resolveFamily } from '../models/families.js';
import type { CompatibleProviderConfig, EditRequest, ImageRequest, Problem } from '../types.js';
import type { Provider } from './provider.js';
import {
  type BuildContext,
  editParts,
  generateBody,
  jsonGet,
  jsonPost,
  lowerCaseHeaders,
  multipartPost,
  trimBase,
  type WireRequest,
} from './encode.js';

/** Extra headers first (a host may use its own auth header), then the key as a bearer token. */
export function compatibleHeaders(config: CompatibleProviderConfig): Record<string, string> {
  const headers = lowerCaseHeaders(config.headers);
  delete headers['content-type'];
  delete headers['content-length'];
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  return headers;
}

export function buildCompatibleGenerate(
  config: CompatibleProviderConfig,
  request: ImageRequest,
  ctx: BuildContext = {},
): WireRequest {
  const model = request.model ?? DEFAULT_MODEL;
  const body = generateBody(request, { model, family: ctx.family });
  return jsonPost(`${trimBase(config.baseUrl)}/images/generations`, compatibleHeaders(config), body, request.stream);
}

export function buildCompatibleEdit(
  config: CompatibleProviderConfig,
  request: EditRequest,
  ctx: BuildContext = {},
): WireRequest {
  const model = request.model ?? DEFAULT_MODEL;
  const parts = editParts(request, { model, family: ctx.family });
  return multipartPost(
    `${trimBase(config.baseUrl)}/images/edits`,
    compatibleHeaders(config),
    parts,
    ctx.boundary,
    request.stream,
  );
}

export function buildCompatibleListModels(config: CompatibleProviderConfig): WireRequest {
  return jsonGet(`${trimBase(config.baseUrl)}/models`, compatibleHeaders(config));
}

export function compatibleConfigProblems(config: CompatibleProviderConfig): Problem[] {
  if (typeof config.baseUrl !== 'string' || !/^https?:\/\//i.test(config.baseUrl)) {
    return [
      {
        field: 'baseUrl',
        value: config.baseUrl,
        message: 'baseUrl is required for an OpenAI-compatible host and must start with http:// or https://.',
      },
    ];
  }
  return [];
}

export function compatibleProvider(config: CompatibleProviderConfig): Provider {
  return {
    kind: 'compatible',
    defaultModel: DEFAULT_MODEL,
    configProblems: () => compatibleConfigProblems(config),
    familyFor: (request) => resolveFamily(request.model ?? DEFAULT_MODEL),
    resultModel: (request) => request.model ?? DEFAULT_MODEL,
    buildGenerate: (request, ctx) => buildCompatibleGenerate(config, request, ctx),
    buildEdit: (request, ctx) => buildCompatibleEdit(config, request, ctx),
    buildListModels: () => buildCompatibleListModels(config),
  };
}
