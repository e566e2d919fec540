// The Entra ID token source and the client's bearer auth, on a scripted in-process transport and a
// fake clock: cached until shortly before expiry, one fetch for concurrent callers, a new token after a
// 401 (once per call), token endpoint errors that name the setting.
import { describe, expect, it } from 'vitest';
import {
  createEntraTokenSource,
  createImageClient,
  entraTokenRefusal,
  type HttpRequest,
  ImageError,
  staticTokenSource,
  type TokenSource,
  type Transport,
} from '../src/index.js';
import { encodePng } from '../src/image/index.js';

const json = (status: number, value: unknown) => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode(JSON.stringify(value)),
});

function tokenEndpoint(lifetimeSeconds = 3600) {
  const requests: HttpRequest[] = [];
  let issued = 0;
  const transport = async (request: HttpRequest) => {
    requests.push(request);
    issued += 1;
    return json(200, { token_type: 'Bearer', expires_in: lifetimeSeconds, access_token: `token-${issued}` });
  };
  return { transport, requests };
}

describe('createEntraTokenSource', () => {
  it('posts the client-credentials form to the tenant and keeps the token until shortly before expiry', async () => {
    let clock = 1_000_000;
    const endpoint = tokenEndpoint(3600);
    const source = createEntraTokenSource({
      tenantId: 'contoso',
      clientId: 'app',
      clientSecret: 's3cret-value',
      authorityHost: 'https://login.example/',
      transport: endpoint.transport,
      now: () => clock,
    });
    const [a, b] = await Promise.all([source.getToken(), source.getToken()]);
    expect(a.token).toBe('token-1');
    expect(b.token).toBe('token-1');
    expect(endpoint.requests).toHaveLength(1);
    const request = endpoint.requests[0]!;
    expect(request.url).toBe('https://login.example/contoso/oauth2/v2.0/token');
    expect(Object.fromEntries(new URLSearchParams(String(request.body)))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's3cret-value',
      scope: 'https://cognitiveservices.azure.com/.default',
    });
    clock += 54 * 60_000; // 6 minutes left: still fresh (margin 5 minutes)
    expect((await source.getToken()).token).toBe('token-1');
    clock += 2 * 60_000; // 4 minutes left: replaced
    expect((await source.getToken()).token).toBe('token-2');
    // A refused token is replaced once; asking again with the already replaced one reuses the new one.
    expect((await source.getToken({ rejected: 'token-2' })).token).toBe('token-3');
    expect((await source.getToken({ rejected: 'token-2' })).token).toBe('token-3');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('names the setting a token endpoint error points at, in the consumer words, without the secret', async () => {
    const answers: Record<string, ReturnType<typeof json>> = {
      tenant: json(400, {
        error: 'invalid_request',
        error_description: "AADSTS90002: Tenant 'x' not found. Trace ID: 1",
        error_codes: [90002],
      }),
      client: json(400, {
        error: 'unauthorized_client',
        error_description: 'AADSTS700016: Application not found.',
        error_codes: [700016],
      }),
      secret: json(401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret s3cret-value-long.',
        error_codes: [7000215],
      }),
    };
    const names = { tenantId: 'TENANT', clientId: 'CLIENT', clientSecret: 'SECRET', authorityHost: 'AUTHORITY' };
    for (const [which, answer] of Object.entries(answers)) {
      const source = createEntraTokenSource({
        tenantId: 't',
        clientId: 'c',
        clientSecret: 's3cret-value-long',
        transport: async () => answer,
        settingNames: names,
      });
      const error = await source.getToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageError);
      const expected = { tenant: 'TENANT', client: 'CLIENT', secret: 'SECRET' }[which];
      expect((error as ImageError).param).toBe(expected);
      expect((error as ImageError).message).toContain(`check ${expected}`);
      expect(JSON.stringify(error)).not.toContain('s3cret-value');
    }
  });
});

/** An Azure deployment client that takes its bearer tokens from `tokenSource`. */
function azureClient(tokenSource: TokenSource, transport: Transport) {
  return createImageClient({
    provider: { kind: 'azure', endpoint: 'https://res.example', deployment: 'd', apiVersion: 'v', tokenSource },
    transport,
    sleep: async () => {},
  });
}

describe('the client with a token source (Azure)', () => {
  const png = encodePng({ width: 4, height: 4, data: new Uint8Array(4 * 4 * 4).fill(200) });
  const image = json(200, { created: 1, data: [{ b64_json: Buffer.from(png).toString('base64') }] });

  it('sends Authorization: Bearer (no api-key) and, after a 401, one new token and one more try', async () => {
    const endpoint = tokenEndpoint();
    const source = createEntraTokenSource({
      tenantId: 't',
      clientId: 'c',
      clientSecret: 'secret-value',
      transport: endpoint.transport,
    });
    const sent: HttpRequest[] = [];
    const client = azureClient(source, async (request) => {
      sent.push(request);
      return request.headers.authorization === 'Bearer token-1'
        ? json(401, { error: { code: '401', message: 'expired' } })
        : image;
    });
    const result = await client.generate({ prompt: 'a fox' });
    expect(result.images).toHaveLength(1);
    expect(sent.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(sent.some((r) => 'api-key' in r.headers)).toBe(false);
  });

  it('a static token refused twice is an authentication error without the token in it', async () => {
    const sent: HttpRequest[] = [];
    const client = azureClient(staticTokenSource('static-token-value'), async (request) => {
      sent.push(request);
      return json(401, { error: { code: '401', message: 'Bad token static-token-value' } });
    });
    const error = await client.generate({ prompt: 'a fox' }).catch((e: unknown) => e);
    expect((error as ImageError).kind).toBe('authentication');
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(error)).not.toContain('static-token-value');
  });
});

describe('entraTokenRefusal (a token request another OAuth2 client made)', () => {
  const names = {
    tenantId: 'Tenant ID',
    clientId: 'Client ID',
    clientSecret: 'Client Secret',
    authorityHost: 'Authority Host',
  };
  it("names the setting in the consumer's words, from the JSON body or its text", () => {
    const body = {
      error: 'unauthorized_client',
      error_description:
        "AADSTS700016: Application with identifier 'x' was not found. Trace ID: abc Correlation ID: def",
      error_codes: [700016],
    };
    for (const answer of [{ body }, { status: 400, body: JSON.stringify(body) }]) {
      const error = entraTokenRefusal(answer, names);
      expect(error).toBeInstanceOf(ImageError);
      expect(error).toMatchObject({ kind: 'authentication', param: 'Client ID', code: 'AADSTS700016' });
      expect(error.message).toContain('check Client ID');
      expect(error.message).not.toContain('Trace ID');
    }
  });

  it('masks secrets it is given, and falls back to the default names', () => {
    const error = entraTokenRefusal(
      {
        status: 401,
        body: { error: 'invalid_client', error_description: 'AADSTS7000215: secret s3cr3t-value-123456 is wrong' },
      },
      {},
      ['s3cr3t-value-123456'],
    );
    expect(error.param).toBe('clientSecret');
    expect(error.message).not.toContain('s3cr3t-value-123456');
  });
});
