/**
 * The ImageError for a response that did not carry images: any status, any body (OpenAI or Azure JSON,
 * HTML from a proxy, empty, truncated, binary). An ordered table of rules, the first that matches
 * decides the kind and the advice. Never throws, never lets a credential into a message. Pure.
 */
import { DEFAULT_MODEL, retirementOf } from '../models/index.js';
import { fromWireName } from '../request/field-names.js';
import type { ProviderKind } from '../types.js';
import { oneLine, shorten, waitText } from '../util/text.js';
import { AUTH_CODES, CONTENT_POLICY_CODES, MODEL_CODES, QUOTA_CODES } from './codes.js';
import { describeBody, firedFilters, type ReadBody, readBody, readWireError, type WireError } from './error-body.js';
import { parseRetryAfter, readRequestId, shouldRetryHeader } from './http-headers.js';
import { ImageError, type ImageErrorKind } from './image-error.js';
import { redactSecrets } from './redact.js';

export interface ResponseToClassify {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** The model asked for (Azure: the deployment name), to name in messages. */
  model?: string;
  provider: ProviderKind;
  /** Clock for HTTP-date Retry-After headers. Default Date.now. */
  now?: () => number;
  /** Known credentials (API key, token) to blank out of any text taken from the response. */
  secrets?: readonly string[];
}

/** Upstream error text is redacted, then cut to this many characters. */
const SERVER_TEXT_CHARS = 400;

/** What every rule may look at: the response, read once. */
interface Facts {
  status: number;
  host: string;
  azure: boolean;
  body: ReadBody;
  wire?: WireError;
  code?: string;
  /** `code` lower-cased. */
  lcode?: string;
  /** The server's own message, redacted then cut. */
  serverText?: string;
  /** ": server text" or " (an HTML page: excerpt)" or "". */
  said: string;
  /** "429" or "429 rate_limit_exceeded". */
  statusText: string;
  model?: string;
  retryAfterMs?: number;
}

interface Verdict {
  kind: ImageErrorKind;
  message: string;
  retryable?: boolean;
  /** Overrides the header's advice (a wait read from the message). */
  retryAfterMs?: number;
}

interface Rule {
  matches(f: Facts): boolean;
  verdict(f: Facts): Verdict;
}

function hostName(provider: ProviderKind): string {
  switch (provider) {
    case 'openai':
      return 'OpenAI';
    case 'azure':
      return 'Azure OpenAI';
    case 'sandbox':
      return 'The sandbox';
    default:
      return 'The image API';
  }
}

/** "Please retry after 6 seconds" / "try again in 1.5s" / "in 20ms" in a rate-limit message. */
function retryAfterFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = /(?:retry after|try again in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  return /^m/i.test(match[2] ?? '') ? value : value * 1000;
}

/** "The model `dall-e-3` does not exist" → dall-e-3. */
function modelFromMessage(message: string | undefined): string | undefined {
  return message ? /model [`'"]?([A-Za-z0-9._:/-]+)[`'"]?/i.exec(message)?.[1] : undefined;
}

function isContentPolicy(f: Facts): boolean {
  const inner = f.wire?.innerCode?.toLowerCase();
  return (
    (f.lcode !== undefined && CONTENT_POLICY_CODES.has(f.lcode)) ||
    (inner !== undefined && CONTENT_POLICY_CODES.has(inner)) ||
    (f.status === 400 &&
      f.wire?.type === 'image_generation_user_error' &&
      /safety|moderation/i.test(f.wire.message ?? ''))
  );
}

function modelNotFoundMessage(f: Facts): string {
  const named = f.model ?? modelFromMessage(f.wire?.message);
  const retired = named ? retirementOf(named) : undefined;
  if (retired) {
    return (
      `Model ${named} is not available${retired.status === 'retired' ? `: it was retired on ${retired.retiredOn}` : ` (${retired.retiredOn})`}. ` +
      `Use ${retired.replacement} instead.`
    );
  }
  if (f.lcode === 'deploymentnotfound' || (f.azure && !f.lcode?.startsWith('model'))) {
    return (
      `Azure OpenAI has no deployment named ${named ?? '(none given)'} (${f.statusText}). ` +
      'Check the deployment name in your Azure OpenAI resource, and that the deployment has finished.'
    );
  }
  return (
    `Model ${named ?? '(none given)'} was not found or your key cannot use it (${f.statusText})${f.said}. ` +
    `Check the model id, or use ${DEFAULT_MODEL}.`
  );
}

const serverSaid = (f: Facts) => (f.serverText ? ` The server said: ${f.serverText}` : '');

/** The rules, in order: the first that matches decides. */
const RULES: readonly Rule[] = [
  {
    matches: (f) => f.lcode !== undefined && QUOTA_CODES.has(f.lcode),
    verdict: (f) => ({
      kind: 'quota',
      message:
        `${f.host} says your quota or billing limit is used up (${f.statusText})${f.said}. ` +
        'Add credit or raise the limit in your account; retrying will not help.',
    }),
  },
  {
    matches: isContentPolicy,
    verdict: (f) => {
      const fired = firedFilters(f.wire?.contentFilter);
      return {
        kind: 'content_policy',
        message:
          `The prompt was refused by ${f.host === 'The image API' ? "the host's" : `${f.host}'s`} safety system (${f.code ?? f.status})` +
          `${fired.length > 0 ? `; filters that fired: ${fired.join(', ')}` : ''}. ` +
          `Rephrase the prompt and try again.${serverSaid(f)}`,
      };
    },
  },
  {
    matches: (f) => f.status === 401 || (f.lcode !== undefined && AUTH_CODES.has(f.lcode)),
    verdict: (f) => ({
      kind: 'authentication',
      message:
        `${f.host} rejected the credentials (${f.statusText})${f.said}. ` +
        (f.azure ? 'Check the api-key and that it belongs to this Azure OpenAI resource.' : 'Check the API key.'),
    }),
  },
  {
    matches: (f) => f.status === 403,
    verdict: (f) => ({
      kind: 'permission',
      message:
        `${f.host} refused access (${f.statusText})${f.said}. ` +
        'Your key, project or organization may not have access to this model (some image models need a verified organization).',
    }),
  },
  {
    matches: (f) =>
      (f.lcode !== undefined && MODEL_CODES.has(f.lcode)) ||
      (f.status === 404 && f.wire !== undefined && /model|deployment/i.test(f.wire.message ?? '')),
    verdict: (f) => ({ kind: 'model_not_found', message: modelNotFoundMessage(f) }),
  },
  {
    matches: (f) => f.status === 429,
    verdict: (f) => {
      const retryAfterMs = f.retryAfterMs ?? retryAfterFromMessage(f.wire?.message);
      return {
        kind: 'rate_limit',
        retryable: true,
        retryAfterMs,
        message:
          `${f.host} is rate limiting these requests (${f.statusText}): ` +
          (retryAfterMs !== undefined && retryAfterMs > 0
            ? `wait ${waitText(retryAfterMs)} before trying again`
            : 'wait a few seconds before trying again') +
          (f.azure ? ' (Azure image deployments allow 6 requests per minute by default)' : '') +
          `.${serverSaid(f)}`,
      };
    },
  },
  {
    matches: (f) => f.status === 408,
    verdict: (f) => ({
      kind: 'timeout',
      retryable: true,
      message: `${f.host} timed out handling the request (408)${f.said}. It can be tried again.`,
    }),
  },
  {
    matches: (f) => f.status === 409,
    verdict: (f) => ({
      kind: 'server',
      retryable: true,
      message: `${f.host} reported a conflict (409)${f.said}. It can be tried again.`,
    }),
  },
  {
    matches: (f) => f.status >= 500,
    verdict: (f) => ({
      kind: 'server',
      retryable: true,
      message: `${f.host} had a server error (${f.statusText})${f.said}. This is usually temporary; try again shortly.`,
    }),
  },
  {
    matches: (f) => f.status === 404,
    verdict: (f) => ({
      kind: 'invalid_request',
      message:
        `${f.host} answered 404 Not Found${f.said}. ` +
        (f.azure
          ? 'Check the endpoint, the deployment name and the api-version.'
          : 'Check the base URL (it should end in /v1 for OpenAI-style hosts).'),
    }),
  },
  {
    matches: (f) => f.status >= 400,
    verdict: (f) => {
      const param = f.wire?.param;
      const field = param ? fromWireName(param) : undefined;
      return {
        kind: 'invalid_request',
        message: `${f.host} rejected the request (${f.statusText}${field ? `, field ${field}` : ''})${f.said}.`,
      };
    },
  },
  {
    // A success status carrying an error object.
    matches: (f) => f.wire?.message !== undefined,
    verdict: (f) => ({ kind: 'server', message: `${f.host} reported an error (${f.code ?? f.status})${f.said}.` }),
  },
  {
    matches: () => true,
    verdict: (f) => ({
      kind: 'bad_response',
      message:
        `${f.host} answered ${f.status} with ${describeBody(f.body.kind)} instead of images` +
        `${f.body.excerpt && f.body.kind !== 'json' ? `: ${f.body.excerpt}` : ''}.`,
    }),
  },
];

/**
 * The ImageError for a response that did not carry images: any status, any body (OpenAI or Azure JSON,
 * HTML from a proxy, empty, truncated, binary). Never throws.
 */
export function classifyResponse(response: ResponseToClassify): ImageError {
  try {
    return classify(response);
  } catch (cause) {
    // Defensive: a bug here must not hide the original failure.
    return new ImageError({
      kind: 'bad_response',
      message: `${hostName(response.provider)} answered ${response.status} and the answer could not be read.`,
      status: response.status,
      retryable: false,
      cause,
    });
  }
}

function readFacts(r: ResponseToClassify): Facts {
  const status = Number.isInteger(r.status) ? r.status : 0;
  const body = readBody(r.body, r.secrets);
  const wire = body.kind === 'json' ? readWireError(body.json) : undefined;
  const code = wire?.code;
  // Redact first, cut after: a cut can never leave part of a secret behind.
  const serverText = wire?.message
    ? shorten(oneLine(redactSecrets(wire.message, r.secrets)), SERVER_TEXT_CHARS)
    : undefined;
  return {
    status,
    host: hostName(r.provider),
    azure: r.provider === 'azure',
    body,
    wire,
    code,
    lcode: code?.toLowerCase(),
    serverText,
    said: serverText ? `: ${serverText}` : body.excerpt ? ` (${describeBody(body.kind)}: ${body.excerpt})` : '',
    statusText: code && code !== String(status) ? `${status} ${code}` : String(status),
    model: r.model?.trim() || undefined,
    retryAfterMs: parseRetryAfter(r.headers, r.now ?? Date.now),
  };
}

function classify(r: ResponseToClassify): ImageError {
  const facts = readFacts(r);
  const rule = RULES.find((candidate) => candidate.matches(facts)) as Rule;
  const verdict = rule.verdict(facts);
  const requestId = readRequestId(r.headers);
  const retryable = shouldRetryHeader(r.headers) ?? verdict.retryable ?? false;
  // Server text usually ends in a full stop already: no "..".
  let message = verdict.message.replace(/([.!?])\.(?=\s|$)/g, '$1');
  if (requestId) message += ` (request id ${requestId})`;
  return new ImageError({
    kind: verdict.kind,
    message: redactSecrets(message, r.secrets),
    status: facts.status,
    code: facts.code,
    param: facts.wire?.param,
    type: facts.wire?.type,
    requestId,
    retryable,
    retryAfterMs: verdict.kind === 'rate_limit' ? verdict.retryAfterMs : facts.retryAfterMs,
    contentFilter: verdict.kind === 'content_policy' ? facts.wire?.contentFilter : undefined,
  });
}
