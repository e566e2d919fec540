// The canary key on the paths where a key most often leaks: the upstream refusing it (401 with a masked
// echo), Azure's api-key header, a connection that fails, a request that times out, the MCP tool
// reporting a bad key. Errors are scanned as they leave the process (message, JSON, util.inspect,
// stack, cause chain), with everything written to stdout/stderr/console meanwhile. The requests the fake
// received are scanned too: the key belongs in the auth header only, never in a URL or a body.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createEntraTokenSource, ImageError } from '@brushwork/core';
import { createGotTransport } from '@brushwork/core/got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRA, type FakeUpstream } from '../fake-upstream/index.ts';
import { greyPng } from '../fake-upstream/test-helpers.ts';
import { recordFigures, verdict } from './figures.ts';
import { azureProvider, coreClient, openaiProvider, startCanaryFake, startMcpOnFake, textOf } from './harness.ts';
import {
  CANARY_CLIENT_SECRET,
  CANARY_KEY,
  CANARY_TOKEN_PREFIX,
  captureOutput,
  SecretScanner,
  secretFragments,
} from './secrets.ts';

/** Runs each attempt expecting it to fail; the failures are kept and printed (as a careless caller would). */
async function collectFailures(attempts: Array<() => Promise<unknown>>, errors: unknown[]): Promise<void> {
  for (const attempt of attempts) {
    try {
      await attempt();
      errors.push(new Error('expected a failure'));
    } catch (error) {
      errors.push(error);
      console.error(error);
      console.log(String(error), JSON.stringify(error));
    }
  }
}

let fake: FakeUpstream;
beforeAll(async () => {
  // the canary is NOT accepted here: every call is refused with 401 and the fake echoes a masked key
  fake = await startCanaryFake({ validKeys: ['sk-test-the-only-valid-key'] });
});
afterAll(async () => {
  await fake?.close();
});

describe('the canary key never leaves the process in errors, logs or requests', () => {
  it('core: refused key (OpenAI and Azure), connection refused, timeout, fan-out errors', async () => {
    const scanner = new SecretScanner();
    const errors: unknown[] = [];
    const { lines } = await captureOutput(async () => {
      const openai = coreClient(openaiProvider(fake));
      const azure = coreClient(azureProvider(fake));
      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => resolve(port));
        });
      });
      const nowhere = coreClient(
        { kind: 'openai', apiKey: CANARY_KEY, baseUrl: `http://127.0.0.1:${closedPort}/v1` },
        { maxRetries: 1, timeoutMs: 2000 },
      );
      const hanging = coreClient(
        { kind: 'openai', baseUrl: fake.openaiBaseUrl, apiKey: CANARY_KEY },
        { timeoutMs: 100, maxRetries: 1 },
      );
      const attempts: Array<() => Promise<unknown>> = [
        () => openai.client.generate({ prompt: 'a fox', model: 'gpt-image-2' }),
        () => openai.client.generate({ prompt: 'three foxes', model: 'dall-e-3', n: 3 }),
        () =>
          openai.client.edit({
            prompt: 'a hat',
            model: 'gpt-image-2',
            images: [{ bytes: greyPng(16, 16) }],
          }),
        () => openai.client.listModels(),
        () => azure.client.generate({ prompt: 'a fox' }),
        () => nowhere.client.generate({ prompt: 'a fox', model: 'gpt-image-2' }),
        () => {
          fake.inject({ kind: 'hang', times: 2 });
          return hanging.client.generate({ prompt: 'a fox', model: 'gpt-image-2' });
        },
      ];
      await collectFailures(attempts, errors);
    });
    errors.forEach((error, i) => {
      scanner.value(`error ${i}`, error);
    });
    scanner.lines('captured output', lines);
    for (const entry of fake.log)
      scanner.value(`request ${entry.seq} as received (path, query, body)`, {
        path: entry.path,
        query: entry.query,
        body: entry.body,
      });
    const kinds = errors.map((e) => (e instanceof ImageError ? e.kind : `not an ImageError: ${String(e)}`));
    console.log(
      `secrets (core): ${errors.length} failures, kinds ${kinds.join(', ')}; ${scanner.scanned} texts scanned, ${scanner.hits.length} occurrences`,
    );
    await recordFigures({
      suite: 'core-secrets',
      title: 'Canary key on failure paths (core)',
      rows: [
        { figure: 'failure paths exercised', value: errors.length },
        { figure: 'texts scanned', value: scanner.scanned },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
    });
    expect(kinds).toEqual([
      'authentication',
      'authentication',
      'authentication',
      'authentication',
      'authentication',
      'network',
      'timeout',
    ]);
    // the fake did see the key: the 401s answer it (masked)
    expect(fake.log.some((e) => e.authValid === false)).toBe(true);
    expect(scanner.hits, scanner.report()).toEqual([]);
  });

  it('MCP: a refused key becomes an isError result and a log line without the key', async () => {
    const h = await startMcpOnFake(fake);
    try {
      const scanner = new SecretScanner();
      const { value: result, lines } = await captureOutput(() =>
        h.call('generate_image', { prompt: 'a fox', size: '256x256' }),
      );
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Authentication failed/);
      scanner.value('tool result', result).lines('server log', h.logs).lines('captured output', lines);
      await scanner.dir(h.outputDir);
      expect(h.logs.length).toBeGreaterThan(0);
      expect(scanner.hits, scanner.report()).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('issue 14: the new refusals, and a key any 8 characters of which would count as a leak', () => {
  it('the scanner looks for every 8-character fragment of a secret (public project words aside)', () => {
    const scanner = new SecretScanner([CANARY_KEY]);
    const cut = `Incorrect value: ...xyz${CANARY_KEY.slice(0, 21)}`; // "sk-brushwork-SECRET-c": cut short
    expect(scanner.text('cut', cut).hits.length).toBeGreaterThan(0);
    expect(new SecretScanner([CANARY_KEY]).text('words', 'brushwork-mcp brushwork://images/x.png').hits).toEqual([]);
    expect(secretFragments(CANARY_KEY).every((piece) => piece.length === 8)).toBe(true);
  });

  it('MCP: resources over the cap, outside paths, unsavable file names, a refused model list: no fragment of the key', async () => {
    const h = await startMcpOnFake(fake, { env: { BRUSHWORK_MAX_RESOURCE_BYTES: '1k' } });
    try {
      const scanner = new SecretScanner();
      const { lines } = await captureOutput(async () => {
        await mkdir(h.outputDir, { recursive: true });
        await writeFile(join(h.outputDir, 'big.png'), Buffer.alloc(2000, 1));
        const tooLarge = await h.mcp.readResource({ uri: 'brushwork://images/big.png' }).then(
          () => new Error('read'),
          (error: unknown) => error,
        );
        expect(String(tooLarge)).toMatch(/BRUSHWORK_MAX_RESOURCE_BYTES/);
        scanner.value('resource over the cap', tooLarge);
        for (const images of [['../outside.png'], ['/nonexistent-brushwork-dir/x.png']]) {
          const result = await h.call('edit_image', { prompt: 'a hat', images });
          expect(result.isError).toBe(true);
          scanner.value(`edit_image ${images[0]}`, result);
        }
        for (const filename of ['字'.repeat(80), 'fox\uD800']) {
          const result = await h.call('generate_image', { prompt: 'a fox', filename });
          expect(result.isError).toBe(true);
          scanner.value(`generate_image filename ${filename.length}`, result);
        }
        for (let i = 0; i < 2; i++) {
          const result = await h.call('list_models', {});
          expect(textOf(result)).toMatch(/Authentication failed/);
          scanner.value(`list_models ${i}`, result);
        }
      });
      scanner.lines('server log', h.logs).lines('captured output', lines);
      await scanner.dir(h.outputDir);
      expect(scanner.hits, scanner.report()).toEqual([]);
    } finally {
      await h.close();
    }
  });

  // Issue 14, finding 4: the core once cut upstream error text to 400 characters before redacting, so a key
  // straddling the cut leaked in part; the one redactor now redacts first.
  it('MCP: an upstream error that echoes the key right at the 400-character cut (retried, then final)', async () => {
    const echoing = await startCanaryFake();
    const h = await startMcpOnFake(echoing);
    try {
      const message = `${'x'.repeat(385)}${CANARY_KEY}`; // no word boundary before "sk-"; the cut falls inside the key
      echoing.inject([
        { kind: 'status', status: 500, body: JSON.stringify({ error: { message, type: 'server_error' } }) },
        { kind: 'status', status: 400, body: JSON.stringify({ error: { message, type: 'invalid_request_error' } }) },
      ]);
      const scanner = new SecretScanner();
      const progress: string[] = [];
      const { value: result, lines } = await captureOutput(() =>
        h.mcp.callTool({ name: 'generate_image', arguments: { prompt: 'a fox', size: '1024x1024' } }, undefined, {
          onprogress: (p) => progress.push(p.message ?? ''),
        }),
      );
      expect(result.isError).toBe(true);
      expect(echoing.log.length).toBe(2);
      scanner
        .value('tool result', result)
        .lines('progress', progress)
        .lines('server log', h.logs)
        .lines('captured output', lines);
      expect(scanner.hits, scanner.report()).toEqual([]);
    } finally {
      await h.close();
      await echoing.close();
    }
  });
});

describe('Azure with Entra ID: the client secret and the tokens never leave the process', () => {
  const entra = { ...DEFAULT_ENTRA, clientSecret: CANARY_CLIENT_SECRET, tokenPrefix: CANARY_TOKEN_PREFIX };
  /** An Entra answer that echoes the secret (real Entra does not; a proxy in front of it might). */
  const echoingSecret = {
    kind: 'status' as const,
    route: 'entra.token' as const,
    status: 401,
    body: JSON.stringify({
      error: 'invalid_client',
      error_description: `AADSTS7000215: Invalid client secret provided: ${CANARY_CLIENT_SECRET}. Trace ID: x`,
      error_codes: [7000215],
    }),
  };

  it('MCP (client credentials): success, refresh after a 401, an echoing refusal, a wrong tenant', async () => {
    const entraFake = await startCanaryFake({ entra });
    const env = {
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      AZURE_OPENAI_ENDPOINT: entraFake.azureEndpoint,
      AZURE_OPENAI_DEPLOYMENT: 'gpt-image-2',
      AZURE_TENANT_ID: DEFAULT_ENTRA.tenantId,
      AZURE_CLIENT_ID: DEFAULT_ENTRA.clientId,
      AZURE_CLIENT_SECRET: CANARY_CLIENT_SECRET,
      AZURE_AUTHORITY_HOST: entraFake.url,
    };
    const h = await startMcpOnFake(entraFake, { env });
    const wrongTenant = await startMcpOnFake(entraFake, { env: { ...env, AZURE_TENANT_ID: 'wrong-tenant' } });
    try {
      const scanner = new SecretScanner();
      const results: unknown[] = [];
      const { lines } = await captureOutput(async () => {
        const ok = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
        expect(ok.isError, textOf(ok)).toBeFalsy();
        entraFake.expireTokens();
        const refreshed = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
        expect(refreshed.isError, textOf(refreshed)).toBeFalsy();
        entraFake.expireTokens();
        entraFake.inject(echoingSecret);
        const refused = await h.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
        expect(textOf(refused)).toMatch(/check AZURE_CLIENT_SECRET/);
        const tenant = await wrongTenant.call('generate_image', { prompt: 'a fox', size: '1024x1024' });
        expect(textOf(tenant)).toMatch(/AZURE_TENANT_ID/);
        results.push(ok, refreshed, refused, tenant);
      });
      results.forEach((result, i) => {
        scanner.value(`tool result ${i}`, result);
      });
      scanner.lines('server log', [...h.logs, ...wrongTenant.logs]).lines('captured output', lines);
      // The secret belongs in the token request's body only; Azure calls carry the token in a header only.
      for (const entry of entraFake.log.filter((e) => e.route !== 'entra.token'))
        scanner.value(`request ${entry.seq} (path, query, body)`, {
          path: entry.path,
          query: entry.query,
          body: entry.body,
        });
      expect(entraFake.tokensIssued()).toBe(2);
      expect(scanner.hits, scanner.report()).toEqual([]);
    } finally {
      await h.close();
      await wrongTenant.close();
      await entraFake.close();
    }
  });

  it('core: the token source refusing, echoing, unreachable: errors carry no secret', async () => {
    const entraFake = await startCanaryFake({ entra });
    const scanner = new SecretScanner();
    const errors: unknown[] = [];
    const source = (tenantId: string, authorityHost = entraFake.url) =>
      createEntraTokenSource({
        tenantId,
        clientId: DEFAULT_ENTRA.clientId,
        clientSecret: CANARY_CLIENT_SECRET,
        authorityHost,
        transport: createGotTransport(),
      });
    try {
      const { lines } = await captureOutput(async () => {
        const token = await source(DEFAULT_ENTRA.tenantId).getToken();
        expect(token.token.startsWith(CANARY_TOKEN_PREFIX)).toBe(true);
        entraFake.inject(echoingSecret);
        const attempts = [
          () => source(DEFAULT_ENTRA.tenantId).getToken(),
          () => source('wrong-tenant').getToken(),
          () => source(DEFAULT_ENTRA.tenantId, 'http://127.0.0.1:9').getToken(),
        ];
        await collectFailures(attempts, errors);
      });
      expect(errors.map((e) => (e instanceof ImageError ? e.kind : String(e)))).toEqual([
        'authentication',
        'authentication',
        'network',
      ]);
      errors.forEach((error, i) => {
        scanner.value(`error ${i}`, error);
      });
      scanner.lines('captured output', lines);
      expect(scanner.hits, scanner.report()).toEqual([]);
    } finally {
      await entraFake.close();
    }
  });
});
