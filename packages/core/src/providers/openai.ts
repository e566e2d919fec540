/** OpenAI (api.openai.com or a proxy with the same auth headers). */
import { DEFAULT_MODEL, resolveFamily } from '../models/families.js';
import type { EditRequest, ImageRequest, OpenAIProviderConfig, Problem } from '../types.js';
import type { Provider } from './provider.js';
import {
  type BuildContext,
  editParts,
  generateBody,
  jsonGet,
  jsonPost,
  multipartPost,
  trimBase,
  type WireRequest,
} from './encode.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export function openaiHeaders(config: OpenAIProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}` };
  if (config.organization) headers['openai-organization'] = config.organization;
  if (config.project) headers['openai-project'] = config.project;
  return headers;
}

function base(config: OpenAIProviderConfig): string {
  return trimBase(config.baseUrl || OPENAI_BASE_URL);
}

export function buildOpenAIGenerate(
  config: OpenAIProviderConfig,
  request: ImageRequest,
  ctx: BuildContext = {},
): WireRequest {
  const model = request.model ?? DEFAULT_MODEL;
  const body = generateBody(request, { model, family: ctx.family });
  return jsonPost(`${base(config)}/images/generations`, openaiHeaders(config), body, request.stream);
}

export function buildOpenAIEdit(
  config: OpenAIProviderConfig,
  request: EditRequest,
  ctx: BuildContext = {},
): WireRequest {
  const model = request.model ?? DEFAULT_MODEL;
  const parts = editParts(request, { model, family: ctx.family });
  return multipartPost(`${base(config)}/images/edits`, openaiHeaders(config), parts, ctx.boundary, request.stream);
}

export function buildOpenAIListModels(config: OpenAIProviderConfig): WireRequest {
  return jsonGet(`${base(config)}/models`, openaiHeaders(config));
}

export function openaiConfigProblems(config: OpenAIProviderConfig): Problem[] {
  const problems: Problem[] = [];
  if (typeof config.apiKey !== 'string' || config.apiKey.trim() === '') {
    problems.push({ field: 'apiKey', message: 'apiKey is required for OpenAI: set an API key (sk-...).' });
  }
  if (config.baseUrl !== undefined && !/^https?:\/\//i.test(config.baseUrl)) {
    problems.push({ field: 'baseUrl', value: config.baseUrl, message: 'baseUrl must start with http:// or https://.' });
  }
  return problems;
}

export function openaiProvider(config: OpenAIProviderConfig): Provider {
  return {
    kind: 'openai',
    defaultModel: DEFAULT_MODEL,
    configProblems: () => openaiConfigProblems(config),
    familyFor: (request) => resolveFamily(request.model ?? DEFAULT_MODEL),
    resultModel: (request) => request.model ?? DEFAULT_MODEL,
    buildGenerate: (request, ctx) => buildOpenAIGenerate(config, request, ctx),
    buildEdit: (request, ctx) => buildOpenAIEdit(config, request, ctx),
    buildListModels: () => buildOpenAIListModels(config),
  };
}
