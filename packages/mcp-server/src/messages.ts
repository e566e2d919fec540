/**
 * Words for agents: ImageErrors and progress events turned into one actionable line each, in the tool's
 * snake_case field names (the core speaks camelCase; the tools take the wire's snake_case). Secrets are
 * scrubbed by the core's redactor wherever text leaves the server. No stack traces.
 */
import { ImageError, type Problem, type ProgressEvent, toWireNames, waitText } from '@brushwork/core';

function problemLine(problem: Problem): string {
  const field = toWireNames(problem.field);
  const message = toWireNames(problem.message);
  const allowed =
    problem.allowed && problem.allowed.length > 0 && !problem.allowed.every((value) => message.includes(value))
      ? ` (allowed: ${problem.allowed.join(', ')})`
      : '';
  return `- ${field}: ${message}${allowed}`;
}

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  sandbox: 'the sandbox',
};

const KEY_HINTS: Record<string, string> = {
  openai: 'check OPENAI_API_KEY (and OPENAI_ORG_ID / OPENAI_PROJECT_ID) in the MCP server configuration',
  azure:
    'check AZURE_OPENAI_ENDPOINT and the credential (AZURE_OPENAI_API_KEY, AZURE_OPENAI_AD_TOKEN, or AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET) in the MCP server configuration',
};

/** One message an agent (or its user) can act on. */
export function describeError(error: unknown, provider: string): string {
  if (!(error instanceof ImageError)) {
    if (error instanceof Error && error.name === 'AbortError') return 'Cancelled: the request was aborted.';
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return `Internal error in the Brushwork MCP server: ${first}`;
  }
  const who = PROVIDER_NAMES[provider] ?? provider;
  const message = toWireNames(error.message);
  const requestId = error.requestId ? ` (request id ${error.requestId})` : '';
  switch (error.kind) {
    case 'invalid_request': {
      if (error.problems && error.problems.length > 0) {
        return [
          'Invalid arguments; nothing was sent. Fix these and call again:',
          ...error.problems.map(problemLine),
        ].join('\n');
      }
      const param = error.param ? ` Field: ${toWireNames(error.param)}.` : '';
      return `${who} rejected the request: ${message}${param}${requestId}`;
    }
    case 'authentication':
      // Entra ID token endpoint errors name the setting to fix (param) in their message.
      if (error.param) return `Authentication failed: ${error.message} Retrying will not help.`;
      return `Authentication failed: ${who} rejected the API key (${error.status ?? 401}). ${KEY_HINTS[provider] ?? 'check the API key in the MCP server configuration'}. Retrying will not help.`;
    case 'permission':
      return `Permission denied by ${who}: ${message}${requestId}. The key or project may not have access to this model.`;
    case 'model_not_found':
      return `Model not available: ${message}. Call list_models to see the models this key can use.`;
    case 'content_policy':
      return `Refused by the safety system: ${message} Rephrase the prompt (or change the input images) and try again; retrying the same request will be refused again.${requestId}`;
    case 'rate_limit':
      return error.retryAfterMs !== undefined
        ? `Rate limited by ${who} (retries used up): wait ${waitText(error.retryAfterMs)} and try again, or ask for fewer images.`
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
      return `Waiting ${waitText(event.delayMs)} before retrying call ${event.call + 1}: ${event.reason}`;
    case 'partial_image':
      return `Partial image ${event.partialIndex + 1} received for image ${event.index + 1}`;
    case 'download':
      return `Downloading image ${event.index + 1}`;
    case 'image':
      return `Image ${event.index + 1} received`;
  }
}
