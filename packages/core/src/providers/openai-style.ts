/**
 * The OpenAI Images API as OpenAI itself and the offline sandbox serve it: one factory, two
 * configurations that differ only by base URL, auth headers and what the configuration must hold.
 */
import { resolveFamily } from '../models/index.js';
import { SANDBOX_BASE_URL, sandboxTransport } from '../sandbox/index.js';
import type { OpenAIProviderConfig, Problem, ProviderKind, Transport } from '../types.js';
import { editParts, generateBody, jsonGet, jsonPost, multipartPost, trimBase } from './encode.js';
import type { Provider } from './provider.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

interface OpenAIStyleHost {
  kind: ProviderKind;
  baseUrl: string;
  headers: Record<string, string>;
  configProblems: () => Problem[];
  /** A host that answers in process (the sandbox) brings its own transport. */
  transport?: Transport;
}

/** A provider for any host that speaks the OpenAI Images API at `baseUrl`. */
function openAIStyleProvider(host: OpenAIStyleHost): Provider {
  const base = trimBase(host.baseUrl);
  const provider: Provider = {
    kind: host.kind,
    fillsDefaultModel: true,
    configProblems: host.configProblems,
    familyFor: (request) => resolveFamily(request.model),
    resultModel: (request) => request.model ?? '',
    buildGenerate: (request, ctx = {}) =>
      jsonPost(
        `${base}/images/generations`,
        host.headers,
        generateBody(request, { model: request.model, family: ctx.family }),
        request.stream,
      ),
    buildEdit: (request, ctx = {}) =>
      multipartPost(
        `${base}/images/edits`,
        host.headers,
        editParts(request, { model: request.model, family: ctx.family }),
        ctx.boundary,
        request.stream,
      ),
    buildListModels: () => jsonGet(`${base}/models`, host.headers),
  };
  if (host.transport) provider.transport = host.transport;
  return provider;
}

function openaiHeaders(config: OpenAIProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}` };
  if (config.organization) headers['openai-organization'] = config.organization;
  if (config.project) headers['openai-project'] = config.project;
  return headers;
}

function openaiConfigProblems(config: OpenAIProviderConfig): Problem[] {
  const problems: Problem[] = [];
  if (typeof config.apiKey !== 'string' || config.apiKey.trim() === '') {
    problems.push({ field: 'apiKey', message: 'apiKey is required for OpenAI: set an API key (sk-...).' });
  }
  if (config.baseUrl !== undefined && !/^https?:\/\//i.test(config.baseUrl)) {
    problems.push({ field: 'baseUrl', value: config.baseUrl, message: 'baseUrl must start with http:// or https://.' });
  }
  return problems;
}

/** OpenAI (api.openai.com, or a proxy or compatible host with the same auth headers at `baseUrl`). */
export function openaiProvider(config: OpenAIProviderConfig): Provider {
  return openAIStyleProvider({
    kind: 'openai',
    baseUrl: config.baseUrl || OPENAI_BASE_URL,
    headers: openaiHeaders(config),
    configProblems: () => openaiConfigProblems(config),
  });
}

/** The offline sandbox: OpenAI-shaped requests answered in process by `sandboxTransport`. No key, no network. */
export function sandboxProvider(): Provider {
  return openAIStyleProvider({
    kind: 'sandbox',
    baseUrl: SANDBOX_BASE_URL,
    headers: {},
    configProblems: () => [],
    transport: sandboxTransport,
  });
}
