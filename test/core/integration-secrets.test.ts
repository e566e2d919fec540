// The API key (and Entra ID token) never appears in an error's message, JSON, util.inspect output,
// String(), stack, cause chain as inspected, or the progress events, whatever the upstream answers,
// even when a misbehaving host echoes the key back.
import { inspect } from 'node:util';
import type { ImageError, ProgressEvent, ProviderConfig, Transport } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, type FaultSpec, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, KEY, SECRET, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** A key the fake refuses (does not start with sk-test), with the same secret part. */
const WRONG_KEY = `sk-live-${SECRET}-fedcba9876543210`;

function everyRendering(error: ImageError, events: ProgressEvent[]): string[] {
  return [
    error.message,
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error),
    inspect(error, { showHidden: true, depth: 10 }),
    inspect({ wrapped: error }, { depth: 10 }),
    JSON.stringify(events.filter((e) => e.type === 'retry')),
  ];
}

function expectNoSecret(error: ImageError, events: ProgressEvent[], secrets: string[] = [KEY, SECRET]): void {
  for (const text of everyRendering(error, events)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

const echo = (text: string) =>
  JSON.stringify({ error: { message: text, type: 'invalid_request_error', param: null, code: 'echo' } });

interface Scenario {
  name: string;
  fault?: FaultSpec | FaultSpec[];
  provider?: () => ProviderConfig;
  request?: Record<string, unknown>;
  options?: { timeoutMs?: number; maxRetries?: number; maxDownloadBytes?: number };
  abort?: boolean;
}

const openai = (apiKey = KEY): ProviderConfig => ({ kind: 'openai', apiKey, baseUrl: fake.openaiBaseUrl });
const azure = (): ProviderConfig => ({
  kind: 'azure',
  endpoint: fake.azureEndpoint,
  deployment: 'gpt-image-2',
  apiVersion: '2025-04-01-preview',
  apiKey: KEY,
});

const SCENARIOS: Scenario[] = [
  { name: 'a refused key (401 with the masked key)', provider: () => openai(WRONG_KEY) },
  {
    name: 'a host echoing the key in a JSON error',
    fault: { kind: 'status', status: 400, body: echo(`bad key ${KEY}`) },
  },
  {
    name: 'a host echoing the Authorization header',
    fault: { kind: 'status', status: 403, body: echo(`Authorization: Bearer ${KEY} is not allowed`) },
  },
  {
    name: 'a host echoing the key in an HTML error page',
    fault: {
      kind: 'status',
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: `<html><head><title>Proxy error for ${KEY}</title></head><body>${KEY}</body></html>`,
      times: 3,
    },
  },
  {
    name: 'a host echoing the key in plain text',
    fault: {
      kind: 'status',
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: `upstream said ${KEY}`,
      times: 3,
    },
  },
  {
    name: 'a host echoing the key in a 200 body that is not JSON',
    fault: { kind: 'status', status: 200, body: `{"oops": "${KEY}"` },
  },
  { name: 'a 429 exhausted', fault: { kind: 'rate_limit', retryAfter: 1, times: 3 } },
  { name: 'an HTML 502', fault: { kind: 'html_502', times: 3 } },
  { name: 'a connection reset', fault: { kind: 'reset', times: 3 } },
  { name: 'a dropped body', fault: { kind: 'truncated', times: 3 } },
  { name: 'malformed JSON', fault: { kind: 'malformed_json' } },
  { name: 'a hang (timeout)', fault: { kind: 'hang', times: 1 }, options: { timeoutMs: 150, maxRetries: 0 } },
  { name: 'a cancellation', fault: { kind: 'hang' }, abort: true },
  { name: 'a safety refusal', request: { prompt: 'something forbidden' } },
  {
    name: 'an expired download URL',
    fault: { kind: 'expired_url' },
    request: { prompt: 'a fox', model: 'dall-e-2', size: '256x256', responseFormat: 'url' },
  },
  {
    name: 'Azure echoing the api-key',
    provider: azure,
    fault: {
      kind: 'status',
      status: 401,
      body: JSON.stringify({ error: { code: '401', message: `api-key: ${KEY}` } }),
    },
  },
  { name: 'an Azure safety refusal', provider: azure, request: { prompt: 'forbidden' } },
  { name: 'an invalid request (before any network call)', request: { prompt: 'a fox', size: 'huge' } },
];

async function run(scenario: Scenario, transport: Transport): Promise<{ error: ImageError; events: ProgressEvent[] }> {
  if (scenario.fault) fake.inject(scenario.fault);
  const h = harness(scenario.provider?.() ?? openai(), transport, scenario.options ?? {});
  const controller = new AbortController();
  const pending = imageError(
    h.client.generate(
      (scenario.request ?? { prompt: 'a fox', model: 'gpt-image-2' }) as { prompt: string },
      h.call(controller.signal),
    ),
  );
  if (scenario.abort) {
    while (fake.log.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
  }
  return { error: await pending, events: h.events };
}

describe.each(TRANSPORTS)('no credential in any error over the $name transport', ({ make }) => {
  it.each(SCENARIOS)('$name', async (scenario) => {
    const { error, events } = await run(scenario, make());
    expectNoSecret(error, events);
    // Not vacuous: the scenario reached the upstream (and its fault was applied), except bad input.
    if (error.kind === 'invalid_request' && error.problems) expect(fake.log).toHaveLength(0);
    else expect(fake.log.length).toBeGreaterThan(0);
    const faults = [scenario.fault ?? []].flat().map((fault) => fault.kind);
    for (const kind of faults) expect(fake.log.some((entry) => entry.fault === kind)).toBe(true);
  });

  it('fan-out errors kept in the result carry no key either', async () => {
    const h = harness(openai(), make(), { concurrency: 1 });
    const result = await h.client.generate(
      { prompt: 'a fox', model: 'dall-e-3', n: 2 },
      {
        onProgress: (event) => {
          if (event.type === 'request' && event.call === 1) {
            fake.inject({ kind: 'status', status: 400, body: echo(`no access for ${KEY}`) });
          }
        },
      },
    );
    expect(result.images).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expectNoSecret(result.errors[0]!, []);
    expect(JSON.stringify({ ...result, images: [] })).not.toContain(SECRET);
    expect(inspect({ ...result, images: [] }, { depth: 10 })).not.toContain(SECRET);
  });
});
