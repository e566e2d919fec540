// The MCP server end to end against the fake upstream: real HTTP (got), real files, real previews.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRA, ENTRA_SCOPE } from '../fake-upstream/index.ts';
import { blocksOf, fakeUpstreamSuite, KEY, type McpHarness, textOf } from './harness.ts';

const { fake, openai, start } = await fakeUpstreamSuite();
let h: McpHarness | undefined;

interface Structured {
  images: {
    path: string;
    uri: string;
    width: number;
    height: number;
    bytes: number;
    revisedPrompt?: string;
    index: number;
  }[];
  model: string;
  provider: string;
  failed: { indexes: number[]; message: string }[];
  usage?: { totalTokens?: number };
}

describe('generate_image against the fake OpenAI', () => {
  it('sends the configured model, saves every image and describes them', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', {
      prompt: 'a lighthouse at dusk',
      n: 2,
      size: '1536x1024',
      quality: 'low',
    });
    expect(result.isError).toBeFalsy();
    const entry = fake.log.find((e) => e.route === 'openai.generations')!;
    expect(entry.body).toMatchObject({
      model: 'gpt-image-2',
      n: 2,
      size: '1536x1024',
      quality: 'low',
      prompt: 'a lighthouse at dusk',
    });
    expect(entry.auth).toBe('bearer');
    const structured = result.structuredContent as unknown as Structured;
    expect(structured).toMatchObject({ model: 'gpt-image-2', provider: 'openai' });
    expect(structured.images.map((i) => [i.width, i.height])).toEqual([
      [1536, 1024],
      [1536, 1024],
    ]);
    for (const image of structured.images) expect((await readFile(image.path)).byteLength).toBe(image.bytes);
    expect(await h.files()).toHaveLength(2);
    expect(textOf(result)).not.toMatch(/SANDBOX/);
    expect(blocksOf(result, 'resource_link')).toHaveLength(2);
  });

  it('shows DALL-E 3 revised prompts in the text and the structured content', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', { prompt: 'a watercolor fox', model: 'dall-e-3', style: 'natural' });
    expect(result.isError).toBeFalsy();
    expect(fake.log.find((e) => e.route === 'openai.generations')?.body).toMatchObject({
      model: 'dall-e-3',
      style: 'natural',
    });
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.images[0]!.revisedPrompt).toBeTruthy();
    expect(textOf(result)).toContain(`revised prompt: ${structured.images[0]!.revisedPrompt}`);
  });

  it('streams partial images as progress when asked and a progress token is present', async () => {
    h = await start(openai());
    const messages: string[] = [];
    const result = await h.call(
      'generate_image',
      { prompt: 'streamed fox', size: '1024x1024', partial_images: 2 },
      { onprogress: (p) => messages.push(p.message ?? '') },
    );
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(fake.log.find((e) => e.route === 'openai.generations')?.body).toMatchObject({
      stream: true,
      partial_images: 2,
    });
    expect(messages).toEqual(
      expect.arrayContaining(['Partial image 1 received for image 1', 'Partial image 2 received for image 1']),
    );
    expect(await h.files()).toHaveLength(1);
  });

  it('does not stream without a progress token (nobody would see the partial images)', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', { prompt: 'quiet fox', size: '1024x1024', partial_images: 2 });
    expect(result.isError).toBeFalsy();
    expect(fake.log.find((e) => e.route === 'openai.generations')?.body).not.toHaveProperty('stream');
  });

  it('retries a 429, telling the client how long it waits', async () => {
    h = await start(openai());
    fake.inject({ kind: 'rate_limit', retryAfter: 2, times: 1 });
    const messages: string[] = [];
    const result = await h.call(
      'generate_image',
      { prompt: 'retry me' },
      { onprogress: (p) => messages.push(p.message ?? '') },
    );
    expect(result.isError).toBeFalsy();
    expect(h.sleeps).toEqual([2000]);
    expect(messages.some((m) => /^Waiting 2 s before retrying call 1/.test(m))).toBe(true);
    expect(messages.some((m) => /again \(call 1, attempt 2\)/.test(m))).toBe(true);
    expect(fake.log.filter((e) => e.route === 'openai.generations')).toHaveLength(2);
  });

  it('gives up on a persistent 429 with "wait N s"', async () => {
    h = await start(openai());
    fake.inject({ kind: 'rate_limit', retryAfter: 7, times: 5 });
    const result = await h.call('generate_image', { prompt: 'busy' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Rate limited by OpenAI .*wait 7 s/);
    expect(await h.files()).toEqual([]);
  });

  it('reports a safety refusal as such, without a file', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', { prompt: 'something forbidden' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^Refused by the safety system: .*Rephrase the prompt/s);
    expect(await h.files()).toEqual([]);
  });

  it('says the key was rejected, never showing it', async () => {
    const badKey = 'sk-live-wrong-key-9876543210';
    h = await start(openai({ OPENAI_API_KEY: badKey }));
    const result = await h.call('generate_image', { prompt: 'fox' });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/Authentication failed: OpenAI rejected the API key .*OPENAI_API_KEY/);
    expect(JSON.stringify(result)).not.toContain(badKey);
    expect(JSON.stringify(result)).not.toContain('9876543210');
    expect(h.logs.join('\n')).not.toContain(badKey);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('names a retired model and lists what to use instead', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', { prompt: 'fox', model: 'gpt-image-1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Model not available: .*gpt-image-2.*list_models/s);
  });

  it('returns the images that worked and a note about the failed ones (fan-out)', async () => {
    h = await start(openai({ BRUSHWORK_MODEL: 'dall-e-3' }));
    fake.inject({ kind: 'insufficient_quota', times: 1 });
    const result = await h.call('generate_image', { prompt: 'three owls', n: 3 });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.images).toHaveLength(2);
    expect(structured.failed).toHaveLength(1);
    expect(structured.failed[0]!.message).toMatch(/Quota or billing limit/);
    expect(textOf(result)).toMatch(/2 of 3 images/);
    expect(textOf(result)).toMatch(/Failed \(1 image\(s\)\):\n- image \d: Quota/);
    expect(await h.files()).toHaveLength(2);
  });

  it('cancellation aborts the upstream request at once and leaves no file', async () => {
    h = await start(openai());
    fake.inject({ kind: 'hang' });
    const controller = new AbortController();
    const pending = h.call('generate_image', { prompt: 'never finishes' }, { signal: controller.signal });
    await expect.poll(() => h!.requests.length, { timeout: 10_000 }).toBe(1);
    controller.abort('user pressed stop');
    await expect(pending).rejects.toThrow();
    await expect.poll(() => h!.requests[0]!.signal?.aborted, { timeout: 10_000 }).toBe(true);
    expect(await h.files()).toEqual([]);
  });

  it('keeps the whole result under the inline budget with large incompressible images', async () => {
    fake.configure({ imageKind: 'photo' });
    h = await start(openai());
    const result = await h.call('generate_image', { prompt: 'noise', n: 3, size: '1536x1024' });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.images.every((i) => i.bytes > 1_000_000)).toBe(true);
    expect(blocksOf(result, 'image')).toHaveLength(3);
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(700_000);
  });
});

describe('edit_image against the fake OpenAI', () => {
  it('uploads the input images and mask as multipart and saves the result', async () => {
    h = await start(openai());
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(h.outputDir, { recursive: true });
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#3366ff' } })
      .png()
      .toBuffer();
    await writeFile(join(h.outputDir, 'a.png'), png);
    await writeFile(join(h.outputDir, 'b.png'), png);
    await writeFile(join(h.outputDir, 'mask.png'), png);
    const result = await h.call('edit_image', {
      prompt: 'put them together',
      images: ['a.png', join(h.outputDir, 'b.png')],
      mask: 'mask.png',
      input_fidelity: 'high',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const entry = fake.log.find((e) => e.route === 'openai.edits')!;
    expect(entry.files?.map((f) => f.field).sort()).toEqual(['image[]', 'image[]', 'mask'].sort());
    expect(entry.body).toMatchObject({ prompt: 'put them together', input_fidelity: 'high', model: 'gpt-image-2' });
    expect(await h.files()).toHaveLength(4);
  });
});

describe('file names that cannot be saved (issue 14, finding 6)', () => {
  it('are refused before any request, naming filename and the limit; nothing is left on disk', async () => {
    h = await start(openai());
    for (const filename of ['字'.repeat(80), '🦊'.repeat(60), 'x'.repeat(230), 'fox\uD800', '\uDC00fox.png']) {
      const result = await h.call('generate_image', { prompt: 'a fox', filename, n: 2 });
      expect(result.isError, filename).toBe(true);
      expect(result.isError ? textOf(result) : '').toMatch(/filename/);
    }
    expect(textOf(await h.call('generate_image', { prompt: 'a fox', filename: '字'.repeat(80) }))).toMatch(/255 bytes/);
    expect(fake.log).toHaveLength(0);
    expect(await h.files()).toEqual([]);
  });

  it('saves long names that fit (120 ASCII characters, several images)', async () => {
    h = await start(openai());
    const result = await h.call('generate_image', {
      prompt: 'a fox',
      filename: 'f'.repeat(120),
      n: 2,
      size: '1024x1024',
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(await h.files()).toEqual([`${'f'.repeat(120)}-1.png`, `${'f'.repeat(120)}-2.png`]);
  });
});

describe('list_models against the fake OpenAI', () => {
  it('lists only image models, with capabilities', async () => {
    h = await start(openai());
    const result = await h.call('list_models', {});
    expect(result.isError).toBeFalsy();
    const ids = (result.structuredContent as { models: { id: string }[] }).models.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-image-2', 'dall-e-3', 'gpt-image-2.6-flare']));
    expect(ids).not.toContain('gpt-4o');
  });
});

describe('list_models under load (issue 14)', () => {
  it('answers repeated and concurrent calls from one upstream request (a short cache)', async () => {
    h = await start(openai());
    const harness = h;
    const first = await Promise.all(Array.from({ length: 5 }, () => harness.call('list_models', {})));
    const later = await harness.call('list_models', {});
    expect(fake.log.filter((e) => e.route === 'openai.models')).toHaveLength(1);
    for (const result of [...first, later]) {
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(first[0]!.structuredContent);
    }
  });

  it('does not keep a failure: the next call asks again', async () => {
    h = await start(openai());
    fake.inject({
      kind: 'status',
      status: 401,
      route: 'openai.models',
      body: JSON.stringify({ error: { message: 'nope', type: 'invalid_request_error' } }),
    });
    expect((await h.call('list_models', {})).isError).toBe(true);
    expect((await h.call('list_models', {})).isError).toBeFalsy();
    expect(fake.log.filter((e) => e.route === 'openai.models')).toHaveLength(2);
  });
});

describe('Azure OpenAI', () => {
  it('generates through a deployment and describes the deployment model', async () => {
    h = await start({
      AZURE_OPENAI_ENDPOINT: fake.azureEndpoint,
      AZURE_OPENAI_API_KEY: KEY,
      AZURE_OPENAI_DEPLOYMENT: 'images',
      BRUSHWORK_MODEL: 'gpt-image-2',
    });
    const { tools } = await h.client.listTools();
    const size = (
      tools.find((t) => t.name === 'generate_image')!.inputSchema.properties as Record<string, { description: string }>
    ).size!.description;
    expect(size).toMatch(/deployment images.*multiples of 16/);
    const result = await h.call('generate_image', { prompt: 'azure fox', size: '1024x1024' });
    expect(result.isError, textOf(result)).toBeFalsy();
    const entry = fake.log.find((e) => e.route === 'azure.generations')!;
    expect(entry.auth).toBe('api-key');
    expect(entry.path).toContain('/openai/deployments/images/images/generations');
    expect((result.structuredContent as { provider: string }).provider).toBe('azure');
  });
});

// Issue 14, finding 4: an upstream error that echoes the API key where the core cuts the server's text
// (400 characters) must not leave any part of the key in the tool result, the log line (stderr) or a
// progress notification. The key follows a letter (no word boundary in front), so only redaction
// before the cut (and of known-secret fragments) catches it.
/** Every 8-character window of the key found in the text. */
function keyFragments(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 8))) found.push(KEY.slice(i, i + 8));
  return found;
}

/** An error body whose message holds the key across the 400th character. */
function echoingKey(status: number, offset: number): { kind: 'status'; status: number; body: string; times: number } {
  const message = `${'a'.repeat(offset)}${KEY} was refused`;
  return { kind: 'status', status, body: JSON.stringify({ error: { message, type: 'x', code: 'bad' } }), times: 1 };
}

describe('no fragment of the key in what the MCP server sends or logs', () => {
  it.each([375, 385, 390])('tool result and log line, key at character %i', async (offset) => {
    h = await start({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl });
    fake.inject(echoingKey(400, offset));
    const result = await h.call('generate_image', { prompt: 'a fox' });
    expect(result.isError).toBe(true);
    expect(fake.log.some((entry) => entry.fault === 'status')).toBe(true);
    expect(keyFragments(JSON.stringify(result))).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(keyFragments(h.logs.join('\n'))).toEqual([]);
  });

  it('progress notification of a retry, key at character 385', async () => {
    h = await start({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl });
    fake.inject(echoingKey(500, 385));
    const messages: string[] = [];
    const result = await h.call(
      'generate_image',
      { prompt: 'a fox' },
      { onprogress: (p) => messages.push(p.message ?? '') },
    );
    expect(result.isError).toBeFalsy();
    expect(messages.some((m) => m.startsWith('Waiting'))).toBe(true);
    expect(keyFragments(messages.join('\n'))).toEqual([]);
  });
});

// Azure with Microsoft Entra ID against the fake token endpoint: the client-credentials flow (one token
// shared, a new one after a 401), a wrong tenant or secret, a static token (AZURE_OPENAI_AD_TOKEN).
const SECRET = 'entra-secret-mcp-0123456789';
const useEntraSecret = () =>
  fake.configure({ entra: { ...DEFAULT_ENTRA, clientSecret: SECRET, tokenPrefix: 'entra-token-mcp-' } });

const azureWith = (extra: Record<string, string>) => ({
  AZURE_OPENAI_ENDPOINT: fake.azureEndpoint,
  AZURE_OPENAI_DEPLOYMENT: 'images',
  BRUSHWORK_MODEL: 'gpt-image-2',
  ...extra,
});

/** docs/azure/mcp-entra.env, the settings docs/deploy.md shows: its names, values as in the file. */
const DOC_ENV_TEXT = readFileSync(new URL('../../docs/azure/mcp-entra.env', import.meta.url), 'utf8');
const DOC_ENV = Object.fromEntries(
  DOC_ENV_TEXT.split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** The documented settings with values pointing at the fake (every documented name must be replaced). */
const clientCredentials = (extra: Record<string, string> = {}) => {
  const onFake: Record<string, string> = {
    AZURE_OPENAI_ENDPOINT: fake.azureEndpoint,
    AZURE_OPENAI_DEPLOYMENT: 'images',
    AZURE_TENANT_ID: DEFAULT_ENTRA.tenantId,
    AZURE_CLIENT_ID: DEFAULT_ENTRA.clientId,
    AZURE_CLIENT_SECRET: SECRET,
  };
  expect(Object.keys(onFake).sort()).toEqual(Object.keys(DOC_ENV).sort());
  return { ...DOC_ENV, ...onFake, AZURE_AUTHORITY_HOST: fake.url, BRUSHWORK_MODEL: 'gpt-image-2', ...extra };
};

describe('docs/deploy.md, Azure with Entra ID', () => {
  it('shows docs/azure/mcp-entra.env as it is, which the tests below start the server with', async () => {
    const doc = await readFile(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    expect(doc).toContain(DOC_ENV_TEXT.trim());
    expect(Object.keys(DOC_ENV)).toContain('AZURE_CLIENT_SECRET');
  });
});

/** Everything the server said: tool texts and structured content, and its log lines. */
function said(results: unknown[], harness: McpHarness): string {
  return [...results.map((r) => JSON.stringify(r)), ...harness.logs].join('\n');
}

describe('Azure with Entra ID client credentials', () => {
  beforeEach(useEntraSecret);
  it('fetches one token for concurrent calls and sends it as a bearer token', async () => {
    h = await start(clientCredentials());
    const results = await Promise.all(
      ['fox', 'owl', 'hare'].map((animal) => h!.call('generate_image', { prompt: `an ${animal}`, size: '1024x1024' })),
    );
    for (const result of results) expect(result.isError, textOf(result)).toBeFalsy();
    const tokenCalls = fake.log.filter((e) => e.route === 'entra.token');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.path).toBe(`/${DEFAULT_ENTRA.tenantId}/oauth2/v2.0/token`);
    expect(tokenCalls[0]!.body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: DEFAULT_ENTRA.clientId,
      client_secret: 'REDACTED',
      scope: ENTRA_SCOPE,
    });
    const calls = fake.log.filter((e) => e.route === 'azure.generations');
    expect(calls.map((e) => [e.auth, e.authValid, e.status])).toEqual([
      ['bearer', true, 200],
      ['bearer', true, 200],
      ['bearer', true, 200],
    ]);
    expect(h.requests.some((r) => 'api-key' in r.headers)).toBe(false);
    expect(said(results, h)).not.toContain(SECRET);
    expect(said(results, h)).not.toContain('entra-token-mcp-');
  });

  it('after a 401 for an expired token, fetches a new token and sends the call again, once', async () => {
    h = await start(clientCredentials());
    const first = await h.call('generate_image', { prompt: 'a lighthouse', size: '1024x1024' });
    expect(first.isError, textOf(first)).toBeFalsy();
    fake.expireTokens();
    const second = await h.call('generate_image', { prompt: 'a harbour', size: '1024x1024' });
    expect(second.isError, textOf(second)).toBeFalsy();
    expect(fake.tokensIssued()).toBe(2);
    expect(fake.log.filter((e) => e.route === 'azure.generations').map((e) => e.status)).toEqual([200, 401, 200]);
    // No retry was announced or slept for: the refresh is part of the one attempt.
    expect(h.sleeps).toEqual([]);
    expect(said([first, second], h)).not.toContain('entra-token-mcp-');
  });

  it('a wrong tenant fails with a message naming AZURE_TENANT_ID, nothing sent to Azure, no secret shown', async () => {
    h = await start(clientCredentials({ AZURE_TENANT_ID: 'not-our-tenant' }));
    const result = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/tenant.*check AZURE_TENANT_ID.*AADSTS90002/s);
    expect(fake.log.filter((e) => e.route === 'azure.generations')).toHaveLength(0);
    expect(fake.log.find((e) => e.route === 'entra.token')?.status).toBe(400);
    expect(said([result], h)).not.toContain(SECRET);
  });

  it('a wrong client secret names AZURE_CLIENT_SECRET and never shows it', async () => {
    h = await start(clientCredentials({ AZURE_CLIENT_SECRET: 'entra-wrong-secret-987654321' }));
    const result = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/check AZURE_CLIENT_SECRET/);
    expect(said([result], h)).not.toMatch(/entra-wrong-secret|87654321/);
  });
});

describe('Azure with a static Entra ID token (AZURE_OPENAI_AD_TOKEN)', () => {
  beforeEach(useEntraSecret);
  async function issueToken(): Promise<string> {
    const response = await fetch(`${fake.url}/${DEFAULT_ENTRA.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEFAULT_ENTRA.clientId,
        client_secret: SECRET,
        scope: ENTRA_SCOPE,
      }).toString(),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('sends it as a bearer token; once expired, the error says which setting to refresh', async () => {
    const token = await issueToken();
    h = await start(azureWith({ AZURE_OPENAI_AD_TOKEN: token }));
    const ok = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(fake.log.find((e) => e.route === 'azure.generations')).toMatchObject({ auth: 'bearer', authValid: true });
    fake.expireTokens();
    const refused = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/Authentication failed.*AZURE_OPENAI_AD_TOKEN/s);
    expect(said([ok, refused], h)).not.toContain(token);
  });
});
