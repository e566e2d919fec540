import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './index.ts';
import { call, decodePng, greyPng, KEY, pngBlob } from './test-helpers.ts';

const fake: FakeUpstream = await startFakeUpstream({
  azureDeployments: { 'my-dalle3': 'dall-e-3', 'my-gpt': 'gpt-image-2', 'old-gpt': 'gpt-image-1.5' },
  legacyRetryAfterSeconds: 0,
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const GPT_VERSION = '2025-04-01-preview';
const deploymentUrl = (deployment: string, version: string | null = GPT_VERSION, op = 'generations') =>
  `${fake.azureEndpoint}/openai/deployments/${deployment}/images/${op}${version ? `?api-version=${version}` : ''}`;
const apiKey = { 'api-key': KEY };

describe('Azure deployment route', () => {
  it('generates with the deployment model; adds content_filter_results and prompt_filter_results per image', async () => {
    const r = await call(deploymentUrl('my-gpt'), { headers: apiKey, body: { prompt: 'a harbour', size: '1280x720' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-request-id')).toBeNull();
    expect(r.json).toMatchObject({ size: '1280x720', output_format: 'png' });
    const item = r.json.data[0];
    expect(item.content_filter_results).toEqual({
      hate: { filtered: false, severity: 'safe' },
      self_harm: { filtered: false, severity: 'safe' },
      sexual: { filtered: false, severity: 'safe' },
      violence: { filtered: false, severity: 'safe' },
    });
    expect(item.prompt_filter_results).toMatchObject({
      jailbreak: { filtered: false, detected: false },
      profanity: { filtered: false, detected: false },
    });
    const png = decodePng(Buffer.from(item.b64_json, 'base64'));
    expect([png.width, png.height]).toEqual([1280, 720]);
    expect(fake.log[0]).toMatchObject({ route: 'azure.generations', auth: 'api-key', authValid: true });
    expect(fake.log[0]?.headers['api-key']).toBe('REDACTED');
  });

  it('DALL-E 3 deployment on GA 2024-10-21 gives a URL and revised_prompt; its rules apply', async () => {
    const r = await call(deploymentUrl('my-dalle3', '2024-10-21'), { headers: apiKey, body: { prompt: 'x' } });
    expect(r.status).toBe(200);
    expect(r.json.data[0].url).toContain('/files/');
    expect(r.json.data[0].revised_prompt).toBeTruthy();
    const bad = await call(deploymentUrl('my-dalle3', '2024-10-21'), { headers: apiKey, body: { prompt: 'x', n: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('n');
  });

  it('accepts a Bearer (Entra ID) token; refuses missing and wrong credentials in the Azure shape', async () => {
    const ok = await call(deploymentUrl('my-gpt'), {
      headers: { authorization: `Bearer ${KEY}` },
      body: { prompt: 'x' },
    });
    expect(ok.status).toBe(200);
    expect(fake.log[0]?.auth).toBe('bearer');

    const missing = await call(deploymentUrl('my-gpt'), { body: { prompt: 'x' } });
    expect(missing.status).toBe(401);
    expect(missing.json.error.code).toBe('401');
    expect(missing.json.error.message).toContain('missing subscription key');

    const wrong = await call(deploymentUrl('my-gpt'), { headers: { 'api-key': 'nope' }, body: { prompt: 'x' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toContain('invalid subscription key');
  });

  it('unknown deployment → 404 DeploymentNotFound', async () => {
    const r = await call(deploymentUrl('nope'), { headers: apiKey, body: { prompt: 'x' } });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('DeploymentNotFound');
  });

  it('api-version: missing → 400, too old → 400, GPT image before 2025-04-01-preview → 400', async () => {
    const missing = await call(deploymentUrl('my-gpt', null), { headers: apiKey, body: { prompt: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain('api-version');
    const old = await call(deploymentUrl('my-dalle3', '2023-05-15'), { headers: apiKey, body: { prompt: 'x' } });
    expect(old.status).toBe(400);
    const garbage = await call(deploymentUrl('my-dalle3', 'latest'), { headers: apiKey, body: { prompt: 'x' } });
    expect(garbage.status).toBe(400);
    const gptOld = await call(deploymentUrl('my-gpt', '2024-10-21'), { headers: apiKey, body: { prompt: 'x' } });
    expect(gptOld.status).toBe(400);
    expect(gptOld.json.error.code).toBe('OperationNotSupported');
    const newer = await call(deploymentUrl('my-gpt', '2025-12-01-preview'), { headers: apiKey, body: { prompt: 'x' } });
    expect(newer.status).toBe(200);
  });

  it('`model` in the body on a deployment URL is rejected (default) or ignored when configured', async () => {
    const rejected = await call(deploymentUrl('my-gpt'), {
      headers: apiKey,
      body: { prompt: 'x', model: 'gpt-image-2' },
    });
    expect(rejected.status).toBe(400);
    expect(rejected.json.error).toMatchObject({ param: 'model', code: 'unsupported_parameter' });
    fake.configure({ azureModelInBody: 'ignore' });
    const ignored = await call(deploymentUrl('my-gpt'), { headers: apiKey, body: { prompt: 'x', model: 'dall-e-2' } });
    expect(ignored.status).toBe(200);
    expect(ignored.json.usage).toBeDefined(); // still the deployment's GPT model, not dall-e-2
  });

  it('safety refusal: 400 content_policy_violation with inner_error ResponsibleAIPolicyViolation', async () => {
    const r = await call(deploymentUrl('my-dalle3', '2024-10-21'), {
      headers: apiKey,
      body: { prompt: 'a forbidden scene' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('content_policy_violation');
    expect(r.json.error.inner_error.code).toBe('ResponsibleAIPolicyViolation');
    expect(r.json.error.inner_error.content_filter_results.violence).toEqual({ filtered: true, severity: 'high' });
    expect(r.json.error.inner_error.revised_prompt).toBe('a forbidden scene');
  });

  it('safety refusal shapes: innererror and contentFilter variants', async () => {
    fake.configure({ azureSafetyShape: 'innererror' });
    const a = await call(deploymentUrl('my-gpt'), { headers: apiKey, body: { prompt: 'forbidden' } });
    expect(a.json.error.innererror.code).toBe('ResponsibleAIPolicyViolation');
    expect(a.json.error.inner_error).toBeUndefined();
    fake.configure({ azureSafetyShape: 'contentFilter' });
    const b = await call(deploymentUrl('my-gpt'), { headers: apiKey, body: { prompt: 'forbidden' } });
    expect(b.status).toBe(400);
    expect(b.json.error.code).toBe('contentFilter');
  });

  it('edits on a deployment (multipart), needing a GPT image api-version', async () => {
    const fd = new FormData();
    fd.append('prompt', 'x');
    fd.append('image[]', pngBlob(greyPng(16, 16)), 'a.png');
    const r = await call(deploymentUrl('old-gpt', GPT_VERSION, 'edits'), { headers: apiKey, form: fd });
    expect(r.status).toBe(200);
    expect(r.json.data[0].content_filter_results).toBeDefined();
    const old = await call(deploymentUrl('my-dalle3', '2024-10-21', 'edits'), { headers: apiKey, form: fd });
    expect(old.status).toBe(400);
  });
});

describe('Azure v1 route', () => {
  const v1 = () => `${fake.azureEndpoint}/openai/v1/images/generations`;

  it('takes the deployment name in `model`', async () => {
    const r = await call(v1(), { headers: apiKey, body: { model: 'my-gpt', prompt: 'x', size: '2048x1152' } });
    expect(r.status).toBe(200);
    expect(r.json.size).toBe('2048x1152');
    expect(r.json.data[0].prompt_filter_results).toBeDefined();
    const preview = await call(`${v1()}?api-version=preview`, {
      headers: apiKey,
      body: { model: 'my-gpt', prompt: 'x' },
    });
    expect(preview.status).toBe(200);
  });

  it('unknown deployment → 404 DeploymentNotFound; missing model → 400; dated api-version → 400', async () => {
    const unknown = await call(v1(), { headers: apiKey, body: { model: 'gpt-image-2', prompt: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('DeploymentNotFound');
    const missing = await call(v1(), { headers: apiKey, body: { prompt: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.param).toBe('model');
    const dated = await call(`${v1()}?api-version=2024-10-21`, {
      headers: apiKey,
      body: { model: 'my-gpt', prompt: 'x' },
    });
    expect(dated.status).toBe(400);
  });

  it('applies the deployment model rules', async () => {
    const r = await call(v1(), { headers: apiKey, body: { model: 'my-dalle3', prompt: 'x', size: '256x256' } });
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('size');
  });

  it('lists deployments at /openai/v1/models', async () => {
    const r = await call(`${fake.azureEndpoint}/openai/v1/models`, { headers: apiKey });
    expect(r.json.data.map((m: { id: string }) => m.id)).toEqual(['my-dalle3', 'my-gpt', 'old-gpt']);
  });
});

describe('Azure legacy asynchronous DALL-E 2', () => {
  const submitUrl = (version = '2023-06-01-preview') =>
    `${fake.azureEndpoint}/openai/images/generations:submit?api-version=${version}`;

  async function poll(location: string) {
    return call(location, { headers: apiKey });
  }

  it('submit → 202 + operation-location; polls go notRunning → running → succeeded with result.data[].url', async () => {
    const submit = await call(submitUrl(), { headers: apiKey, body: { prompt: 'a kite', n: 2, size: '512x512' } });
    expect(submit.status).toBe(202);
    expect(submit.json.status).toBe('notRunning');
    const location = submit.headers.get('operation-location')!;
    expect(location).toBe(`${fake.url}/openai/operations/images/${submit.json.id}?api-version=2023-06-01-preview`);
    expect(submit.headers.get('retry-after')).toBe('0');

    const first = await poll(location);
    expect(first.json.status).toBe('notRunning');
    expect(first.headers.get('retry-after')).toBe('0');
    const second = await poll(location);
    expect(second.json.status).toBe('running');
    const done = await poll(location);
    expect(done.json.status).toBe('succeeded');
    expect(done.json.result.data).toHaveLength(2);
    const again = await poll(location);
    expect(again.json.result).toEqual(done.json.result);
    const image = await fetch(done.json.result.data[0].url);
    const png = decodePng(new Uint8Array(await image.arrayBuffer()));
    expect([png.width, png.height]).toEqual([512, 512]);
  });

  it('the number of polls and retry-after are configurable', async () => {
    fake.configure({ legacyPolls: 0, legacyRetryAfterSeconds: 3 });
    const submit = await call(submitUrl(), { headers: apiKey, body: { prompt: 'x' } });
    expect(submit.headers.get('retry-after')).toBe('3');
    const done = await poll(submit.headers.get('operation-location')!);
    expect(done.json.status).toBe('succeeded');
  });

  it('ends failed or canceled on demand, failed with contentFilter for the trigger word', async () => {
    fake.configure({ legacyPolls: 0 });
    fake.inject({ kind: 'operation_failed' });
    const failed = await call(submitUrl(), { headers: apiKey, body: { prompt: 'x' } });
    expect(failed.status).toBe(202);
    const f = await poll(failed.headers.get('operation-location')!);
    expect(f.json.status).toBe('failed');
    expect(f.json.error.code).toBeTruthy();

    fake.inject({ kind: 'operation_canceled' });
    const canceled = await call(submitUrl(), { headers: apiKey, body: { prompt: 'x' } });
    const c = await poll(canceled.headers.get('operation-location')!);
    expect(c.json.status).toBe('canceled');

    const unsafe = await call(submitUrl(), { headers: apiKey, body: { prompt: 'forbidden' } });
    const u = await poll(unsafe.headers.get('operation-location')!);
    expect(u.json).toMatchObject({ status: 'failed', error: { code: 'contentFilter' } });
  });

  it('rejects bad input, an unsupported api-version and unknown operations', async () => {
    const tooMany = await call(submitUrl(), { headers: apiKey, body: { prompt: 'x', n: 6 } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.param).toBe('n');
    const size = await call(submitUrl(), { headers: apiKey, body: { prompt: 'x', size: '1792x1024' } });
    expect(size.json.error.param).toBe('size');
    const version = await call(submitUrl('2024-10-21'), { headers: apiKey, body: { prompt: 'x' } });
    expect(version.status).toBe(400);
    const unknown = await poll(`${fake.url}/openai/operations/images/nope?api-version=2023-06-01-preview`);
    expect(unknown.status).toBe(404);
    const noKey = await call(submitUrl(), { body: { prompt: 'x' } });
    expect(noKey.status).toBe(401);
  });
});
