import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  classifyResponse,
  firedFilters,
  parseRetryAfter,
  readBody,
  readRequestId,
  redactSecrets,
  shouldRetryHeader,
} from '../src/errors/index.js';
import { ImageError, TransportError } from '../src/errors/image-error.js';
import type { ProviderKind } from '../src/types.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');

function openaiError(message: string, type: string, code: string | null, param: string | null = null) {
  return JSON.stringify({ error: { message, type, param, code } });
}

function classify(
  status: number,
  body: string | Uint8Array,
  options: { headers?: Record<string, string>; model?: string; provider?: ProviderKind; secrets?: string[] } = {},
): ImageError {
  return classifyResponse({
    status,
    headers: options.headers ?? {},
    body,
    model: options.model,
    provider: options.provider ?? 'openai',
    now: () => NOW,
    secrets: options.secrets,
  });
}

describe('classifyResponse: OpenAI errors (reference §4)', () => {
  it('401 invalid_api_key → authentication, never echoing the key', () => {
    const body = openaiError(
      'Incorrect API key provided: sk-proj-abc***************************wxyz. You can find your API key at https://platform.openai.com/account/api-keys.',
      'invalid_request_error',
      'invalid_api_key',
    );
    const error = classify(401, body, { headers: { 'x-request-id': 'req_123' } });
    expect(error.kind).toBe('authentication');
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_123');
    expect(error.message).toContain('Check the API key');
    expect(error.message).toContain('request id req_123');
    expect(error.message).not.toContain('abc');
    expect(error.message).not.toContain('wxyz');
  });

  it('400 invalid_request_error → invalid_request with the param named as our field', () => {
    const error = classify(
      400,
      openaiError(
        "Invalid value: 'huge'. Supported values are: 'low', 'high'.",
        'invalid_request_error',
        null,
        'output_format',
      ),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.param).toBe('output_format');
    expect(error.type).toBe('invalid_request_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "OpenAI rejected the request (400, field outputFormat): Invalid value: 'huge'. Supported values are: 'low', 'high'.",
    );
  });

  it('400 content_policy_violation → content_policy', () => {
    const error = classify(
      400,
      openaiError(
        'Your request was rejected as a result of our safety system.',
        'invalid_request_error',
        'content_policy_violation',
      ),
    );
    expect(error.kind).toBe('content_policy');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^The prompt was refused by OpenAI's safety system \(content_policy_violation\)\./);
    expect(error.message).toContain('Rephrase the prompt');
  });

  it('400 moderation_blocked (GPT image) → content_policy with the moderation details', () => {
    const body = JSON.stringify({
      error: {
        message: 'Your request was rejected by the safety system.',
        type: 'image_generation_user_error',
        param: null,
        code: 'moderation_blocked',
        moderation_details: { categories: ['violence'] },
      },
    });
    const error = classify(400, body);
    expect(error.kind).toBe('content_policy');
    expect(error.code).toBe('moderation_blocked');
    expect(error.contentFilter).toEqual({ categories: ['violence'] });
  });

  it('400 billing_hard_limit_reached and 429 insufficient_quota → quota, not retryable', () => {
    const billing = classify(
      400,
      openaiError('Billing hard limit has been reached', 'invalid_request_error', 'billing_hard_limit_reached'),
    );
    expect(billing.kind).toBe('quota');
    expect(billing.retryable).toBe(false);
    const quota = classify(
      429,
      openaiError(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
      { headers: { 'retry-after': '20' } },
    );
    expect(quota.kind).toBe('quota');
    expect(quota.retryable).toBe(false);
    expect(quota.message).toContain('retrying will not help');
  });

  it('429 rate_limit_exceeded → rate_limit, retryable, says how long to wait', () => {
    const body = openaiError('Rate limit reached for images per minute.', 'requests', 'rate_limit_exceeded');
    const error = classify(429, body, { headers: { 'Retry-After': '20' } });
    expect(error.kind).toBe('rate_limit');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(20_000);
    expect(error.message).toMatch(
      /^OpenAI is rate limiting these requests \(429 rate_limit_exceeded\): wait 20 s before trying again\./,
    );

    const noHeader = classify(429, body);
    expect(noHeader.retryAfterMs).toBeUndefined();
    expect(noHeader.message).toContain('wait a few seconds');

    const fromMessage = classify(
      429,
      openaiError('Rate limit reached. Please try again in 1.5s.', 'requests', 'rate_limit_exceeded'),
    );
    expect(fromMessage.retryAfterMs).toBe(1500);
    expect(fromMessage.message).toContain('wait 1.5 s');
  });

  it('404 model_not_found for a retired model names the replacement', () => {
    const body = openaiError(
      'The model `dall-e-3` does not exist or you do not have access to it.',
      'invalid_request_error',
      'model_not_found',
    );
    const error = classify(404, body, { model: 'dall-e-3' });
    expect(error.kind).toBe('model_not_found');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'Model dall-e-3 is not available: it was retired on OpenAI (May 2026) and Azure OpenAI (February 2026). Use gpt-image-2 instead.',
    );
    // Without the model given, it is read from the message.
    expect(classify(404, body).message).toContain('Use gpt-image-2 instead');
    const deprecated = classify(404, body, { model: 'gpt-image-1.5' });
    expect(deprecated.message).toContain('shutdown 2026-12-01');
    expect(deprecated.message).toContain('Use gpt-image-2 instead');
  });

  it('404 model_not_found for an unknown model suggests checking the id', () => {
    const error = classify(
      404,
      openaiError('The model `gpt-image-9` does not exist.', 'invalid_request_error', 'model_not_found'),
      {
        model: 'gpt-image-9',
      },
    );
    expect(error.kind).toBe('model_not_found');
    expect(error.message).toContain('Model gpt-image-9 was not found');
    expect(error.message).toContain('use gpt-image-2');
  });

  it('403 → permission', () => {
    const error = classify(
      403,
      openaiError('Your organization must be verified to use the model `gpt-image-2`.', 'invalid_request_error', null),
    );
    expect(error.kind).toBe('permission');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('must be verified');
  });

  it('408 and 409 are retryable; 5xx → server, retryable', () => {
    expect(classify(408, '')).toMatchObject({ kind: 'timeout', retryable: true });
    expect(classify(409, '')).toMatchObject({ kind: 'server', retryable: true });
    for (const status of [500, 502, 503, 504]) {
      const error = classify(status, openaiError('The server had an error', 'server_error', null));
      expect(error.kind).toBe('server');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('The server had an error');
    }
  });

  it('other 4xx → invalid_request, not retryable', () => {
    expect(classify(413, 'Request Entity Too Large')).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(classify(422, JSON.stringify({ detail: 'prompt: field required' }))).toMatchObject({
      kind: 'invalid_request',
      message: 'OpenAI rejected the request (422): prompt: field required.',
    });
  });

  it('404 without a model code → invalid_request pointing at the base URL', () => {
    const error = classify(404, '<html><body><h1>404 Not Found</h1></body></html>', { provider: 'compatible' });
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('Check the base URL');
  });
});

describe('classifyResponse: Azure errors (reference §5)', () => {
  const filterResults = {
    hate: { filtered: false, severity: 'safe' },
    self_harm: { filtered: false, severity: 'safe' },
    sexual: { filtered: true, severity: 'high' },
    violence: { filtered: true, severity: 'medium' },
    jailbreak: { filtered: true, detected: true },
    profanity: { filtered: false, detected: false },
  };

  it.each(['inner_error', 'innererror'])('content_policy_violation with %s lists the filters that fired', (key) => {
    const body = JSON.stringify({
      error: {
        code: 'content_policy_violation',
        message: 'Your request was rejected as a result of our safety system.',
        type: 'invalid_request_error',
        param: null,
        [key]: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_results: filterResults,
          revised_prompt: 'a revised prompt',
        },
      },
    });
    const error = classify(400, body, { provider: 'azure', headers: { 'apim-request-id': 'apim-1' } });
    expect(error.kind).toBe('content_policy');
    expect(error.requestId).toBe('apim-1');
    expect(error.contentFilter).toEqual(filterResults);
    expect(error.message).toContain("refused by Azure OpenAI's safety system");
    expect(error.message).toContain('filters that fired: sexual (high), violence (medium), jailbreak (detected)');
  });

  it.each(['contentFilter', 'content_filter'])('code %s → content_policy', (code) => {
    const body = JSON.stringify({ error: { code, message: 'The response was filtered.' } });
    expect(classify(400, body, { provider: 'azure' }).kind).toBe('content_policy');
  });

  it('an inner ResponsibleAIPolicyViolation alone → content_policy', () => {
    const body = JSON.stringify({
      error: { code: 'BadRequest', message: 'x', innererror: { code: 'ResponsibleAIPolicyViolation' } },
    });
    expect(classify(400, body, { provider: 'azure' }).kind).toBe('content_policy');
  });

  it('404 DeploymentNotFound says to check the deployment name', () => {
    const body = JSON.stringify({
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      },
    });
    const error = classify(404, body, { provider: 'azure', model: 'my-images' });
    expect(error.kind).toBe('model_not_found');
    expect(error.code).toBe('DeploymentNotFound');
    expect(error.message).toContain('Azure OpenAI has no deployment named my-images');
    expect(error.message).toContain('Check the deployment name');
  });

  it('an Azure deployment named after a retired model names the replacement', () => {
    const body = JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'not found' } });
    expect(classify(404, body, { provider: 'azure', model: 'dall-e-3' }).message).toContain('Use gpt-image-2 instead');
  });

  it('Azure 401 shapes → authentication (error.code "401" and APIM statusCode)', () => {
    const a = classify(
      401,
      JSON.stringify({
        error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' },
      }),
      { provider: 'azure' },
    );
    expect(a.kind).toBe('authentication');
    expect(a.message).toContain('api-key');
    const b = classify(
      401,
      JSON.stringify({ statusCode: 401, message: 'Unauthorized. Access token is missing, invalid.' }),
      {
        provider: 'azure',
      },
    );
    expect(b.kind).toBe('authentication');
    expect(b.message).toContain('Access token is missing');
  });

  it('Azure 429 reads "retry after N seconds" when there is no header, and mentions the default quota', () => {
    const body = JSON.stringify({
      error: {
        code: '429',
        message:
          'Requests to the ImageGenerations_Create Operation under Azure OpenAI API version 2025-04-01-preview have exceeded call rate limit of your current pricing tier. Please retry after 6 seconds.',
      },
    });
    const error = classify(429, body, { provider: 'azure' });
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(6000);
    expect(error.message).toContain('wait 6 s');
    expect(error.message).toContain('6 requests per minute');
    expect(classify(429, body, { provider: 'azure', headers: { 'retry-after': '9' } }).retryAfterMs).toBe(9000);
  });

  it('Azure 404 "Resource not found" → invalid_request pointing at endpoint and api-version', () => {
    const error = classify(404, JSON.stringify({ error: { code: '404', message: 'Resource not found' } }), {
      provider: 'azure',
    });
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('api-version');
  });

  it('a 200 whose body is a failed operation with an error object is an error, not a crash', () => {
    const body = JSON.stringify({ status: 'failed', error: { code: 'contentFilter', message: 'filtered' } });
    expect(classify(200, body, { provider: 'azure' }).kind).toBe('content_policy');
    const other = JSON.stringify({ status: 'failed', error: { code: 'InternalError', message: 'boom' } });
    expect(classify(200, other, { provider: 'azure' })).toMatchObject({ kind: 'server', retryable: false });
  });
});

describe('classifyResponse: bodies that are not JSON errors', () => {
  it('an HTML 502 page → server, retryable, with a short tag-free excerpt', () => {
    const html = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${'<p>padding</p>'.repeat(500)}</body></html>`;
    const error = classify(502, html);
    expect(error.kind).toBe('server');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'OpenAI had a server error (502) (an HTML page: 502 Bad Gateway). This is usually temporary; try again shortly.',
    );
    expect(error.message).not.toMatch(/[<>]/);
  });

  it('HTML without a title is stripped of tags, scripts and styles, and shortened', () => {
    const html = `<html><script>var secret = 1;</script><body><div>Service <b>unavailable</b></div>${'<p>x</p>'.repeat(1000)}</body></html>`;
    const error = classify(503, html);
    expect(error.message).toContain('Service unavailable');
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toMatch(/[<>]/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('empty bodies', () => {
    expect(classify(500, '')).toMatchObject({
      kind: 'server',
      retryable: true,
      message: 'OpenAI had a server error (500). This is usually temporary; try again shortly.',
    });
    expect(classify(200, new Uint8Array())).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(classify(200, '').message).toBe('OpenAI answered 200 with an empty body instead of images.');
  });

  it('truncated JSON → bad_response on success statuses, server on 5xx', () => {
    const truncated = '{"created": 1700000000, "data": [{"b64_json": "iVBORw0KGgo';
    const ok = classify(200, truncated);
    expect(ok.kind).toBe('bad_response');
    expect(ok.message).toMatch(/^OpenAI answered 200 with malformed or truncated JSON instead of images: \{"created"/);
    expect(classify(500, '{"error": {"message": "Internal')).toMatchObject({ kind: 'server', retryable: true });
  });

  it('binary bodies are described, never dumped', () => {
    const bytes = new Uint8Array(2048).map((_, i) => (i * 37) % 256);
    const error = classify(502, bytes);
    expect(error.kind).toBe('server');
    expect(error.message).toContain('binary data: (2048 bytes of binary data)');
    expect(classify(200, bytes).kind).toBe('bad_response');
  });

  it('unexpected JSON on a success status → bad_response', () => {
    expect(classify(200, '{"hello": "world"}').message).toBe(
      'OpenAI answered 200 with unexpected JSON instead of images.',
    );
    expect(classify(200, '[1,2,3]').kind).toBe('bad_response');
  });

  it('reads Uint8Array JSON bodies', () => {
    const bytes = new TextEncoder().encode(openaiError('bad', 'invalid_request_error', 'invalid_api_key'));
    expect(classify(401, bytes).code).toBe('invalid_api_key');
  });

  it('never throws on odd input', () => {
    for (const body of [
      'null',
      '"text"',
      '{"error": null}',
      '{"error": 5}',
      '{"error": {"message": {"x": 1}}}',
      '\u0000\u0001',
    ]) {
      expect(() => classify(500, body)).not.toThrow();
      expect(classify(500, body).kind).toBe('server');
    }
    const weird = classifyResponse({ status: Number.NaN, headers: {}, body: 'x', provider: 'openai' });
    expect(weird).toBeInstanceOf(ImageError);
  });
});

describe('headers', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const now = () => NOW;
    expect(parseRetryAfter({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(parseRetryAfter({ 'retry-after-ms': '250.5', 'retry-after': '30' }, now)).toBe(250.5);
    expect(parseRetryAfter({ 'retry-after': '7' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'Retry-After': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': new Date(NOW + 12_000).toUTCString() }, now)).toBe(12_000);
    expect(parseRetryAfter({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'x', 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('x-should-retry overrides our judgement both ways', () => {
    expect(shouldRetryHeader({ 'x-should-retry': 'true' })).toBe(true);
    expect(shouldRetryHeader({ 'X-Should-Retry': 'false' })).toBe(false);
    expect(shouldRetryHeader({ 'x-should-retry': 'maybe' })).toBeUndefined();
    expect(
      classify(400, openaiError('x', 'invalid_request_error', null), { headers: { 'x-should-retry': 'true' } })
        .retryable,
    ).toBe(true);
    expect(classify(503, '', { headers: { 'x-should-retry': 'false' } }).retryable).toBe(false);
  });

  it('puts an HTTP-date retry-after into the error', () => {
    const error = classify(429, '', { headers: { 'retry-after': new Date(NOW + 30_000).toUTCString() } });
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toContain('wait 30 s');
  });

  it('reads the request id from x-request-id or apim-request-id', () => {
    expect(readRequestId({ 'x-request-id': 'a', 'apim-request-id': 'b' })).toBe('a');
    expect(readRequestId({ 'apim-request-id': 'b' })).toBe('b');
    expect(readRequestId({})).toBeUndefined();
  });
});

describe('redactSecrets', () => {
  it('removes keys, bearer tokens and api-key values', () => {
    const text = [
      'key sk-proj-AbCdEf0123456789_xyz',
      'masked sk-abc********wxyz',
      'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'api-key: 0123456789abcdef0123456789abcdef',
      '{"api_key": "hunter2hunter2"}',
      'https://x.openai.azure.com/?api-key=abcd1234&x=1',
      'Incorrect API key provided: my-local-key-42.',
    ].join('\n');
    const out = redactSecrets(text);
    for (const secret of [
      'AbCdEf0123456789',
      'abc****',
      'eyJhbGci',
      'c2lnbmF0dXJl',
      '0123456789abcdef',
      'hunter2',
      'abcd1234',
      'my-local-key-42',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('Bearer ***');
    expect(out).toContain('api-key: ***');
    expect(out).toContain('Incorrect API key provided: ***.');
    expect(out).toContain('&x=1');
  });

  it('removes known secrets verbatim', () => {
    expect(redactSecrets('the key was plainkey-9876 ok', ['plainkey-9876'])).toBe('the key was *** ok');
  });

  it('is applied to every message built from server text', () => {
    const body = JSON.stringify({
      error: { message: 'Bad header Authorization: Bearer abc.def.ghi and key sk-live-1234567890abcdef', code: null },
    });
    const error = classify(400, body, { secrets: ['mysecret-value'] });
    expect(error.message).not.toContain('abc.def.ghi');
    expect(error.message).not.toContain('sk-live-1234567890abcdef');
    const html = classify(502, '<html><title>proxy error for api-key=topsecret123</title></html>');
    expect(html.message).not.toContain('topsecret123');
    const known = classify(500, 'upstream said mysecret-value', { secrets: ['mysecret-value'] });
    expect(known.message).not.toContain('mysecret-value');
    expect(JSON.stringify(known)).not.toContain('mysecret-value');
  });
});

describe('firedFilters', () => {
  it('lists categories that were filtered or detected', () => {
    expect(firedFilters(undefined)).toEqual([]);
    expect(
      firedFilters({
        hate: { filtered: false, severity: 'low' },
        self_harm: { filtered: true, severity: 'medium' },
        profanity: { filtered: false, detected: true },
      }),
    ).toEqual(['self harm (medium)', 'profanity (detected)']);
  });
});

describe('readBody', () => {
  it('tells the body kinds apart', () => {
    expect(readBody('').kind).toBe('empty');
    expect(readBody('  \n').kind).toBe('empty');
    expect(readBody('{"a":1}')).toMatchObject({ kind: 'json', json: { a: 1 } });
    expect(readBody('{"a":').kind).toBe('malformed_json');
    expect(readBody('<html><title>Oops</title></html>')).toMatchObject({ kind: 'html', excerpt: 'Oops' });
    expect(readBody('upstream connect error')).toMatchObject({ kind: 'text', excerpt: 'upstream connect error' });
    expect(readBody(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])).kind).toBe('binary');
    expect(readBody('x'.repeat(5000)).excerpt.length).toBeLessThanOrEqual(200);
  });
});

describe('classifyFailure', () => {
  it('maps TransportError kinds', () => {
    expect(classifyFailure(new TransportError('timeout', 'Timeout awaiting response', 'ETIMEDOUT'))).toMatchObject({
      kind: 'timeout',
      retryable: true,
      code: 'ETIMEDOUT',
    });
    expect(classifyFailure(new TransportError('network', 'socket hang up', 'ECONNRESET'))).toMatchObject({
      kind: 'network',
      retryable: true,
    });
    expect(classifyFailure(new TransportError('cancelled', 'aborted'))).toMatchObject({
      kind: 'cancelled',
      retryable: false,
    });
    expect(classifyFailure(new TransportError('bad_response', 'response larger than 256 MiB'))).toMatchObject({
      kind: 'bad_response',
      retryable: false,
    });
  });

  it('AbortError → cancelled, TimeoutError → timeout (DOMException or plain)', () => {
    expect(classifyFailure(new DOMException('This operation was aborted', 'AbortError')).kind).toBe('cancelled');
    expect(classifyFailure(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind).toBe('cancelled');
    expect(classifyFailure(new DOMException('The operation timed out.', 'TimeoutError'))).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    const timedAbort = Object.assign(new Error('aborted'), {
      name: 'AbortError',
      cause: new DOMException('timed out', 'TimeoutError'),
    });
    expect(classifyFailure(timedAbort).kind).toBe('timeout');
  });

  it('socket errors → network, retryable; timeout codes → timeout', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
      const error = classifyFailure(Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }));
      expect(error.kind).toBe('network');
      expect(error.retryable).toBe(true);
      expect(error.code).toBe(code);
    }
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).message).toContain(
      'Check the base URL',
    );
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).kind).toBe('timeout');
  });

  it("reads codes from fetch's TypeError cause", () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyFailure(error)).toMatchObject({ kind: 'network', retryable: true, code: 'ECONNREFUSED' });
    expect(classifyFailure(new TypeError('fetch failed'))).toMatchObject({ kind: 'network', retryable: true });
  });

  it('anything else → network, not retryable, never throwing', () => {
    for (const thrown of [new Error('weird'), 'a string', 42, null, undefined, { odd: true }, Symbol('s')]) {
      const error = classifyFailure(thrown);
      expect(error).toBeInstanceOf(ImageError);
      expect(error.kind).toBe('network');
      expect(error.retryable).toBe(false);
    }
  });

  it('passes ImageErrors through and keeps secrets out of messages and serialisation', () => {
    const original = new ImageError({ kind: 'quota', message: 'q' });
    expect(classifyFailure(original)).toBe(original);
    const error = classifyFailure(
      Object.assign(new Error('request to https://api.openai.com failed, Authorization: Bearer sk-abcdef1234567890'), {
        code: 'ECONNRESET',
        options: { headers: { authorization: 'Bearer sk-abcdef1234567890' } },
      }),
    );
    expect(error.message).not.toContain('sk-abcdef1234567890');
    expect(JSON.stringify(error)).not.toContain('sk-abcdef');
    expect(inspect(error)).not.toContain('sk-abcdef');
  });
});

describe('redaction: redact first, cut after; prefixes, fragments and percent-encoded forms of known secrets', () => {
  // An Azure-style key (no sk- shape) and a token with characters that percent-encoding changes.
  const AZURE_KEY = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
  const TOKEN = 'tok+en/Secret=Value+0123456789ab';
  /** Every 8-character window of the secret that appears in the text (none may). */
  const fragments = (text: string, secret: string) => {
    const found: string[] = [];
    for (let i = 0; i + 8 <= secret.length; i++)
      if (text.includes(secret.slice(i, i + 8))) found.push(secret.slice(i, i + 8));
    return found;
  };
  const everything = (error: ImageError) => `${error.message} ${JSON.stringify(error)} ${inspect(error)}`;

  it('a key straddling the 400-character cut of the server message leaves no fragment', () => {
    for (let offset = 380; offset <= 400; offset += 4) {
      const message = `${'x'.repeat(offset)} ${AZURE_KEY} rest of the message`;
      const error = classifyResponse({
        status: 400,
        headers: {},
        body: JSON.stringify({ error: { message, code: 'bad' } }),
        provider: 'azure',
        secrets: [AZURE_KEY],
      });
      expect(fragments(everything(error), AZURE_KEY)).toEqual([]);
    }
  });

  it('a key straddling the 200-character excerpt of a body that is not JSON leaves no fragment', () => {
    const error = classifyResponse({
      status: 502,
      headers: {},
      body: `${'y'.repeat(185)} ${AZURE_KEY} more text`,
      provider: 'openai',
      secrets: [AZURE_KEY],
    });
    expect(fragments(everything(error), AZURE_KEY)).toEqual([]);
  });

  it('a key straddling the 300-character cut of a failure message leaves no fragment', () => {
    const error = classifyFailure(new Error(`${'z'.repeat(290)} ${AZURE_KEY}`), [AZURE_KEY]);
    expect(fragments(everything(error), AZURE_KEY)).toEqual([]);
  });

  it('masks a prefix of a known secret (a host quoting the start of the key)', () => {
    const text = redactSecrets(`Incorrect key ${AZURE_KEY.slice(0, 14)}… given`, [AZURE_KEY]);
    expect(fragments(text, AZURE_KEY)).toEqual([]);
    expect(text).toContain('***');
  });

  it('masks the percent-encoded form of a known secret', () => {
    const text = redactSecrets(`GET /x?api=${encodeURIComponent(TOKEN)}&y=1`, [TOKEN]);
    expect(text).not.toContain(encodeURIComponent(TOKEN).slice(0, 8));
    expect(fragments(decodeURIComponent(text), TOKEN)).toEqual([]);
  });

  it('masks sk- keys after a percent-encoded separator, but not words that end in sk-', () => {
    expect(redactSecrets('url?key%3Dsk-proj-ABCDEFGHIJKLMNOP')).toBe('url?key%3Dsk-***');
    expect(redactSecrets('Bearer%20sk-proj-ABCDEFGHIJKLMNOP')).not.toContain('ABCDEFGH');
    expect(redactSecrets('a desk-lamp and a task-list')).toBe('a desk-lamp and a task-list');
  });
});
