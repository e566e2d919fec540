/**
 * The offline sandbox: OpenAI-shaped requests to SANDBOX_BASE_URL, answered in-process by
 * `sandboxTransport` (the client uses it automatically for this provider). No key, no network.
 */
import { DEFAULT_MODEL, resolveFamily } from '../models/families.js';
import { SANDBOX_BASE_URL } from '../sandbox/index.js';
import type { EditRequest, ImageRequest } from '../types.js';
import type { Provider } from './provider.js';
import {
  type BuildContext,
  editParts,
  generateBody,
  jsonGet,
  jsonPost,
  multipartPost,
  type WireRequest,
} from './encode.js';

export function buildSandboxGenerate(request: ImageRequest, ctx: BuildContext = {}): WireRequest {
  const body = generateBody(request, { model: request.model ?? DEFAULT_MODEL, family: ctx.family });
  return jsonPost(`${SANDBOX_BASE_URL}/images/generations`, {}, body, request.stream);
}

export function buildSandboxEdit(request: EditRequest, ctx: BuildContext = {}): WireRequest {
  const parts = editParts(request, { model: request.model ?? DEFAULT_MODEL, family: ctx.family });
  return multipartPost(`${SANDBOX_BASE_URL}/images/edits`, {}, parts, ctx.boundary, request.stream);
}

export function sandboxProvider(): Provider {
  return {
    kind: 'sandbox',
    defaultModel: DEFAULT_MODEL,
    configProblems: () => [],
    familyFor: (request) => resolveFamily(request.model ?? DEFAULT_MODEL),
    resultModel: (request) => request.model ?? DEFAULT_MODEL,
    buildGenerate: (request, ctx) => buildSandboxGenerate(request, ctx),
    buildEdit: (request, ctx) => buildSandboxEdit(request, ctx),
    buildListModels: () => jsonGet(`${SANDBOX_BASE_URL}/models`, {}),
  };
}
