// Azure OpenAI over real HTTP against the fake: deployment and v1 routes (URL, query, auth header, body)
// and Azure error shapes.
import type { AzureProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, KEY, pngSize, TRANSPORTS } from './helpers.ts';

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
});
