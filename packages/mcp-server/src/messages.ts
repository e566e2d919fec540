/**
 * Words for agents: ImageErrors and progress events turned into one actionable line each, in the tool's
 * snake_case field names, with every configured secret scrubbed. No stack traces.
 */
import { ImageError, type Problem, type ProgressEvent } from '@brushwork/core';

/** The core speaks camelCase request fields; the tools take snake_case arguments. */
const FIELD_NAMES: Record<string, string> = {
  outputFormat: 'output_format',
  outputCompression: 'output_compression',
  partialImages: 'partial_images',
  inputFidelity: 'input_fidelity',
  responseFormat: 'response_format',
};

export function toToolFieldNames(text: string): string {
  return text.replace(/\b(outputFormat|outputCompression|partialImages|inputFidelity|responseFormat)\b/g, (name) => {
    return FIELD_NAMES[name] ?? name;
  });
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  // Anything that still looks like an OpenAI key (sk-…) is scrubbed too.
  return out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]');
}

function problemLine(problem: Problem): string {
  const field = toToolFieldNames(problem.field);
  const message = toToolFieldNames(problem.message);
  const allowed =
    problem.allowed && problem.allowed.length > 0 && !problem.allowed.every((value) => message.includes(value))
      ? ` (allowed: ${problem.allowed.join(', ')})`
      : '';
  return `- ${field}: ${message}${allowed}`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 ? String(Math.ceil(s)) : String(Math.round(s * 10) / 10);
}

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  compatible: 'the OpenAI-compatible host',
  azure: 'Azure OpenAI',
  'azure-legacy': 'Azure OpenAI',
  sandbox: 'the sandbox',
};

const KEY_HINTS: Record<string, string> = {
  openai: 'check OPENAI_API_KEY (and OPENAI_ORG_ID / OPENAI_PROJECT_ID) in the MCP server configuration',
  azure: 'check AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT in the MCP server configuration',
};

/** One message an agent (or its user) can act on. */
export function describeError(error: unknown, provider: string): string {
  if (!(error instanceof ImageError)) {
    if (error instanceof Error && error.name === 'AbortError') return 'Cancelled: the request was aborted.';
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return `Internal error in the Brushwork MCP server: ${first}`;
  }
  const who = PROVIDER_NAMES[provider] ?? provider;
  const message = toToolFieldNames(error.message);
  const requestId = error.requestId ? ` (request id ${error.requestId})` : '';
  switch (error.kind) {
    case 'invalid_request': {
      if (error.problems && error.problems.length > 0) {
        return [
          'Invalid arguments; nothing was sent. Fix these and call again:',
          ...error.problems.map(problemLine),
        ].join('\n');
      }
      const param = error.param ? ` Field: ${toToolFieldNames(error.param)}.` : '';
      return `${who} rejected the request: ${message}${param}${requestId}`;
    }
    case 'authentication':
      return `Authentication failed: ${who} rejected the API key (${error.status ?? 401}). ${KEY_HINTS[provider] ?? 'check the API key in the MCP server configuration'}. Retrying will not help.`;
    case 'permission':
      return `Permission denied by ${who}: ${message}${requestId}. The key or project may not have access to this model.`;
    case 'model_not_found':
      return `Model not available: ${message}. Call list_models to see the models this key can use.`;
    case 'content_policy':
      return `Refused by the safety system: ${message} Rephrase the prompt (or change the input images) and try again; retrying the same request will be refused again.${requestId}`;
    case 'rate_limit':
      return error.retryAfterMs !== undefined
        ? `Rate limited by ${who} (retries used up): wait ${seconds(error.retryAfterMs)} s and try again, or ask for fewer images.`
        : `Rate limited by ${who} (retries used up): wait about a minute and try again, or ask for fewer images.`;
    case 'quota':
      return `Quota or billing limit reached at ${who}: ${message} This will not pass by waiting a few seconds; the account's billing or quota must change.`;
    case 'timeout':
      return `Timed out waiting for ${who}: ${message} Large or high-quality images can take minutes; try again, or ask for a smaller size or lower quality.`;
    case 'network':
      return `Network error reaching ${who}: ${message} Try again shortly.`;
    case 'server':
      return `${who} had a server error: ${message}${requestId} Try again in a minute.`;
    case 'bad_response':
      return `${who} sent an answer Brushwork could not read: ${message}${requestId}`;
    case 'cancelled':
      return 'Cancelled: the request was aborted.';
  }
}

/** A progress line for a core event; undefined for events not worth a notification. */
export function describeProgress(event: ProgressEvent, provider: string): string | undefined {
  const who = PROVIDER_NAMES[provider] ?? provider;
  switch (event.type) {
    case 'request':
      return event.attempt > 1
        ? `Requesting from ${who} again (call ${event.call + 1}, attempt ${event.attempt})`
        : `Requesting from ${who} (call ${event.call + 1})`;
    case 'retry':
      return `Waiting ${seconds(event.delayMs)} s before retrying call ${event.call + 1}: ${event.reason}`;
    case 'partial_image':
      return `Partial image ${event.partialIndex + 1} received for image ${event.index + 1}`;
    case 'poll':
      return `Waiting for ${who}: status ${event.status}, checking again in ${seconds(event.delayMs)} s`;
    case 'download':
      return `Downloading image ${event.index + 1}`;
    case 'image':
      return `Image ${event.index + 1} received`;
  }
}
