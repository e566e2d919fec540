// Azure OpenAI over real HTTP against the fake: deployment and v1 routes (URL, query, auth header, body),
// Entra ID tokens, Azure error shapes, and the legacy asynchronous DALL-E 2 flow (submit, poll honouring
// retry-after, succeeded / failed / canceled, bounded total wait).
import type { AzureLegacyProviderConfig, AzureProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { endlessSleep, harness, imageError, isPng, KEY, pngSize, recordingSleep, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const deployment = (name: string, extra: Partial<AzureProviderConfig> = {}): AzureProviderConfig => ({
  kind: 'azure',
  endpoint: fake.azureEndpoint,
  deployment: name,
  apiVersion: '2025-04-01-preview',
  apiKey: KEY,
  ...extra,
});

const legacy = (extra: Partial<AzureLegacyProviderConfig> = {}): AzureLegacyProviderConfig => ({
  kind: 'azure-legacy',
  endpoint: fake.azureEndpoint,
  apiVersion: '2023-06-01-preview',
  apiKey: KEY,
  ...extra,
});

describe.each(TRANSPORTS)('Azure OpenAI over the $name transport', ({ make }) => {
  describe('deployment route', () => {
    it('POSTs to /openai/deployments/{d}/images/generations?api-version with api-key and no model in the body', async () => {
      const h = harness(deployment('gpt-image-2'), make());
      const result = await h.client.generate({ prompt: 'a glass teapot', size: '1536x1024', quality: 'medium' });
      expect(fake.log).toHaveLength(1);
      const entry = fake.log[0]!;
      expect(entry).toMatchObject({
        method: 'POST',
        route: 'azure.generations',
        path: '/openai/deployments/gpt-image-2/images/generations',
        query: { 'api-version': '2025-04-01-preview' },
        auth: 'api-key',
        authValid: true,
        status: 200,
      });
      expect(entry.headers.authorization).toBeUndefined();
      expect(entry.body).toEqual({ prompt: 'a glass teapot', size: '1536x1024', quality: 'medium' });
      expect(result).toMatchObject({ provider: 'azure', model: 'gpt-image-2', errors: [] });
      expect(result.requestIds).toHaveLength(1);
      expect(result.requestIds[0]).toMatch(UUID);
      expect(result.images[0]).toMatchObject({ width: 1536, height: 1024, mimeType: 'image/png' });
      expect(result.images[0]?.contentFilterResults).toMatchObject({ violence: { filtered: false } });
      expect(result.usage?.totalTokens).toBeGreaterThan(0);
    });

    it('a model in the request picks the family rules but is still not sent on a deployment URL', async () => {
      const h = harness(deployment('dalle3', { apiVersion: '2024-10-21' }), make());
      const result = await h.client.generate({ prompt: 'a fox', model: 'dall-e-3', style: 'natural' });
      expect(fake.log[0]?.body).toEqual({ prompt: 'a fox', style: 'natural', response_format: 'b64_json' });
      expect(result.images[0]?.revisedPrompt).toMatch(/^a fox, /);
      const refused = await imageError(h.client.generate({ prompt: 'a fox', model: 'dall-e-3', size: '512x512' }));
      expect(refused).toMatchObject({ kind: 'invalid_request', problems: [{ field: 'size', value: '512x512' }] });
      expect(fake.log).toHaveLength(1);
    });

    it('an unknown deployment is model_not_found naming the deployment, not retried', async () => {
      const h = harness(deployment('no-such-deployment'), make());
      const error = await imageError(h.client.generate({ prompt: 'a fox' }));
      expect(error).toMatchObject({
        kind: 'model_not_found',
        status: 404,
        code: 'DeploymentNotFound',
        retryable: false,
      });
      expect(error.message).toContain('no-such-deployment');
      expect(error.requestId).toMatch(UUID);
      expect(fake.log).toHaveLength(1);
    });

    it('a 429 in the Azure shape is retried after its retry-after', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: 6 });
      const h = harness(deployment('gpt-image-2'), make());
      const result = await h.client.generate({ prompt: 'a fox' });
      expect(h.delays).toEqual([6000]);
      expect(fake.log.map((e) => e.status)).toEqual([429, 200]);
      expect(result.images).toHaveLength(1);
    });

    it('a safety refusal is content_policy with the Azure filter categories that fired', async () => {
      const h = harness(deployment('gpt-image-2'), make());
      const error = await imageError(h.client.generate({ prompt: 'something forbidden' }));
      expect(error).toMatchObject({ kind: 'content_policy', status: 400, retryable: false });
      expect(error.code).toBe('content_policy_violation');
      expect(error.contentFilter).toMatchObject({ violence: { filtered: true, severity: 'high' } });
      expect(error.message).toMatch(/violence \(high\)/);
      expect(error.message).toMatch(/Rephrase the prompt/);
      expect(fake.log).toHaveLength(1);
    });

    it('Entra ID: a fresh bearer token for every attempt, no api-key header', async () => {
      fake.inject({ kind: 'server_error', status: 500 });
      const tokens: string[] = [];
      const h = harness(
        deployment('gpt-image-2', {
          apiKey: undefined,
          getToken: async () => {
            const token = `sk-test-entra-${tokens.length + 1}`;
            tokens.push(token);
            return token;
          },
        }),
        make(),
      );
      const result = await h.client.generate({ prompt: 'a fox' });
      expect(tokens).toEqual(['sk-test-entra-1', 'sk-test-entra-2']);
      expect(fake.log.map((e) => [e.auth, e.headers['api-key'], e.status])).toEqual([
        ['bearer', undefined, 500],
        ['bearer', undefined, 200],
      ]);
      expect(fake.log[1]?.authValid).toBe(true);
      expect(result.images).toHaveLength(1);
    });
  });

  describe('v1 route', () => {
    it('POSTs to /openai/v1/images/generations with the deployment as model and no api-version', async () => {
      const h = harness(
        { kind: 'azure', endpoint: fake.azureEndpoint, api: 'v1', deployment: 'gpt-image-1.5', apiKey: KEY },
        make(),
      );
      const result = await h.client.generate({ prompt: 'a glass teapot', quality: 'low', outputFormat: 'webp' });
      expect(fake.log).toHaveLength(1);
      expect(fake.log[0]).toMatchObject({
        route: 'azure.v1.generations',
        path: '/openai/v1/images/generations',
        query: {},
        auth: 'api-key',
        status: 200,
      });
      expect(fake.log[0]?.body).toEqual({
        prompt: 'a glass teapot',
        model: 'gpt-image-1.5',
        quality: 'low',
        output_format: 'webp',
      });
      expect(result).toMatchObject({ provider: 'azure', model: 'gpt-image-1.5' });
      expect(result.images[0]).toMatchObject({ mimeType: 'image/webp', extension: 'webp', width: 1024, height: 1024 });
    });

    it('sends api-version=preview when configured, and the request model when no deployment is set', async () => {
      const h = harness(
        { kind: 'azure', endpoint: `${fake.azureEndpoint}/openai/v1/`, api: 'v1', apiVersion: 'preview', apiKey: KEY },
        make(),
      );
      const result = await h.client.generate({ prompt: 'a fox', model: 'gpt-image-2.6-flare', size: '2048x1152' });
      expect(fake.log[0]).toMatchObject({ path: '/openai/v1/images/generations', query: { 'api-version': 'preview' } });
      expect(fake.log[0]?.body).toMatchObject({ model: 'gpt-image-2.6-flare', size: '2048x1152' });
      expect(pngSize(result.images[0]!.bytes)).toEqual({ width: 2048, height: 1152 });
    });
  });

  describe('legacy asynchronous DALL-E 2', () => {
    it('submits, polls after each retry-after, then downloads the result URLs', async () => {
      const h = harness(legacy(), make());
      const result = await h.client.generate({ prompt: 'a tin robot', n: 2, size: '512x512' }, h.call());
      expect(fake.log.map((e) => e.route)).toEqual([
        'azure.legacy.submit',
        'azure.legacy.poll',
        'azure.legacy.poll',
        'azure.legacy.poll',
        'files',
        'files',
      ]);
      const [submit, ...rest] = fake.log;
      expect(submit).toMatchObject({
        method: 'POST',
        path: '/openai/images/generations:submit',
        query: { 'api-version': '2023-06-01-preview' },
        auth: 'api-key',
        status: 202,
        body: { prompt: 'a tin robot', n: 2, size: '512x512' },
      });
      const polls = rest.filter((e) => e.route === 'azure.legacy.poll');
      expect(new Set(polls.map((e) => e.path)).size).toBe(1);
      for (const poll of polls) {
        expect(poll).toMatchObject({ method: 'GET', auth: 'api-key', authValid: true, status: 200 });
        expect(poll.query).toEqual({ 'api-version': '2023-06-01-preview' });
      }
      for (const file of rest.filter((e) => e.route === 'files')) expect(file.auth).toBe('none');
      expect(h.delays).toEqual([1000, 1000, 1000]);
      expect(h.events.filter((e) => e.type === 'poll')).toEqual([
        { type: 'poll', call: 0, status: 'notRunning', delayMs: 1000 },
        { type: 'poll', call: 0, status: 'notRunning', delayMs: 1000 },
        { type: 'poll', call: 0, status: 'running', delayMs: 1000 },
      ]);
      expect(result).toMatchObject({ provider: 'azure-legacy', model: 'dall-e-2', errors: [] });
      expect(result.images.map((image) => [image.index, image.width, image.height, image.mimeType])).toEqual([
        [0, 512, 512, 'image/png'],
        [1, 512, 512, 'image/png'],
      ]);
      expect(isPng(result.images[0]!.bytes)).toBe(true);
      expect(result.requestIds).toHaveLength(1);
      expect(result.requestIds[0]).toMatch(UUID);
    });

    it('waits as long as retry-after says', async () => {
      fake.configure({ legacyRetryAfterSeconds: 4, legacyPolls: 1 });
      const h = harness(legacy(), make());
      await h.client.generate({ prompt: 'a tin robot' });
      expect(h.delays).toEqual([4000, 4000]);
      expect(fake.log.map((e) => e.route)).toEqual([
        'azure.legacy.submit',
        'azure.legacy.poll',
        'azure.legacy.poll',
        'files',
      ]);
    });

    it('a failed operation is a server error with its code, not retried', async () => {
      fake.inject({ kind: 'operation_failed' });
      const h = harness(legacy(), make());
      const error = await imageError(h.client.generate({ prompt: 'a tin robot' }));
      expect(error).toMatchObject({ kind: 'server', code: 'InternalFailure', retryable: false });
      expect(error.message).toMatch(/failed/);
      expect(fake.log.map((e) => e.route)).toEqual([
        'azure.legacy.submit',
        'azure.legacy.poll',
        'azure.legacy.poll',
        'azure.legacy.poll',
      ]);
    });

    it('an operation failed by the safety system is content_policy', async () => {
      const h = harness(legacy(), make());
      const error = await imageError(h.client.generate({ prompt: 'a forbidden robot' }));
      expect(error).toMatchObject({ kind: 'content_policy', code: 'contentFilter', retryable: false });
      expect(error.message).toMatch(/content filter/);
    });

    it('a canceled operation is kind cancelled with its code', async () => {
      fake.inject({ kind: 'operation_canceled' });
      const h = harness(legacy(), make());
      const error = await imageError(h.client.generate({ prompt: 'a tin robot' }));
      expect(error).toMatchObject({ kind: 'cancelled', code: 'OperationCanceled', retryable: false });
      expect(error.message).toMatch(/canceled/);
      expect(fake.log.filter((e) => e.route === 'files')).toEqual([]);
    });

    it('the total wait is bounded by maxPollMs (on the injected clock): a timeout, no poll beyond it', async () => {
      let clock = Date.UTC(2026, 10, 26, 12, 0, 0);
      const { sleep, delays } = recordingSleep((ms) => {
        clock += ms;
      });
      const h = harness(legacy({ maxPollMs: 2500 }), make(), { sleep, now: () => clock });
      const error = await imageError(h.client.generate({ prompt: 'a tin robot' }));
      expect(error).toMatchObject({ kind: 'timeout', retryable: false });
      expect(error.message).toMatch(/maxPollMs/);
      expect(delays).toEqual([1000, 1000]);
      expect(fake.log.map((e) => e.route)).toEqual(['azure.legacy.submit', 'azure.legacy.poll', 'azure.legacy.poll']);
    });

    it('a transient 503 on a poll is retried with backoff and polling goes on', async () => {
      fake.inject({ kind: 'server_error', status: 503, route: 'azure.legacy.poll' });
      const h = harness(legacy(), make());
      const result = await h.client.generate({ prompt: 'a tin robot' });
      expect(fake.log.map((e) => e.status)).toEqual([202, 503, 200, 200, 200, 200]);
      expect(h.delays).toEqual([1000, 500, 1000, 1000]);
      expect(result.images).toHaveLength(1);
    });

    it('aborting while waiting between polls cancels at once and polls no more', async () => {
      const waiting = endlessSleep();
      const h = harness(legacy(), make(), { sleep: waiting.sleep });
      const controller = new AbortController();
      const pending = imageError(h.client.generate({ prompt: 'a tin robot' }, { signal: controller.signal }));
      await waiting.started;
      controller.abort();
      expect(await pending).toMatchObject({ kind: 'cancelled' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fake.log.map((e) => e.route)).toEqual(['azure.legacy.submit']);
    });
  });
});
