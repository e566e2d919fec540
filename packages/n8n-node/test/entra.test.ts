// Azure OpenAI with Microsoft Entra ID in the node, against a stand-in n8n: n8n's OAuth2 credential
// signs every call (the node never sees the token), a 401 makes n8n fetch a new token once before the
// call is sent again, and token requests Entra ID refuses become errors naming the credential field.
// The same flows in real n8n against the fake token endpoint: test/n8n/entra.e2e.test.ts.
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import { searchModels } from '../nodes/Brushwork/v1/methods/listSearch';
import { entraTokenFailure } from '../nodes/Brushwork/v1/transport/entra';
import { type ContextSetup, createContext, fakeKey, jsonResponse, NODE, pngBase64 } from './context';

const node = new BrushworkV1();
const ENTRA = 'brushworkAzureEntraOAuth2Api';
const CLIENT_VALUE = fakeKey('entra-client');
const ENTRA_CREDENTIALS = {
  grantType: 'clientCredentials',
  tenantId: 'unit-tenant',
  clientId: 'unit-client',
  clientSecret: CLIENT_VALUE,
  authorityHost: 'https://login.example.test',
  endpoint: 'https://unit.openai.azure.example.test',
  apiVersion: '2025-04-01-preview',
  api: 'deployment',
};
const PARAMETERS = {
  operation: 'generate',
  provider: 'azureEntraId',
  deployment: 'images',
  model: { __rl: true, mode: 'id', value: 'gpt-image-2' },
  prompt: 'A harbour at night',
  size: '1024x1024',
};
const IMAGE = () => jsonResponse(200, { created: 1_785_000_100, data: [{ b64_json: pngBase64(8, 8) }] });
const EXPIRED = () =>
  jsonResponse(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or token.' } });

/** An OAuth2 refusal as n8n's client throws it (AuthError: message + body), wrapped as n8n wraps it. */
function n8nTokenRefusal(code: number, error: string, description: string): Error {
  const authError = Object.assign(new Error(description), {
    code: 'EAUTH',
    body: { error, error_description: `AADSTS${code}: ${description} Trace ID: t-1`, error_codes: [code] },
  });
  const operational = new Error(`Failed to acquire OAuth2 access token: ${description}`, { cause: authError });
  return new NodeApiError(NODE, operational as never);
}

async function run(setup: Omit<ContextSetup, 'parameters'> & { parameters?: Record<string, unknown> }) {
  const { context, calls, refreshes } = createContext({
    parameters: PARAMETERS,
    credentials: { [ENTRA]: ENTRA_CREDENTIALS },
    ...setup,
  });
  const outcome = await node.execute.call(context).then(
    ([output]) => ({ output: output as INodeExecutionData[], error: undefined }),
    (error: unknown) => ({ output: [] as INodeExecutionData[], error }),
  );
  return { ...outcome, calls, refreshes };
}

describe('Azure OpenAI with Microsoft Entra ID (n8n OAuth2 credential)', () => {
  it('signs every call with the Entra credential; the node sends no key, token or placeholder header', async () => {
    const { output, calls, refreshes } = await run({ respond: IMAGE });
    expect(output).toHaveLength(1);
    expect(output[0]?.binary?.data?.mimeType).toBe('image/png');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.credentialType).toBe(ENTRA);
    expect(calls[0]?.options.url).toBe(
      `${ENTRA_CREDENTIALS.endpoint}/openai/deployments/images/images/generations?api-version=2025-04-01-preview`,
    );
    const headerNames = Object.keys(calls[0]?.options.headers ?? {}).map((name) => name.toLowerCase());
    expect(headerNames).not.toContain('authorization');
    expect(headerNames).not.toContain('api-key');
    expect(JSON.stringify(calls[0]?.options)).not.toContain(CLIENT_VALUE);
    expect(refreshes).toEqual([]);
  });

  it('after a 401, n8n fetches a new token once and the call is sent again', async () => {
    let answered = 0;
    const { output, error, calls, refreshes } = await run({
      respond: () => (answered++ === 0 ? EXPIRED() : IMAGE()),
    });
    expect(error).toBeUndefined();
    expect(output).toHaveLength(1);
    expect(calls.map((call) => call.credentialType)).toEqual([ENTRA, ENTRA]);
    expect(refreshes).toEqual([ENTRA]);
  });

  it('a second 401 after the new token is an authentication error: one refresh, no loop', async () => {
    const { output, calls, refreshes } = await run({ respond: EXPIRED, continueOnFail: true });
    expect(calls).toHaveLength(2);
    expect(refreshes).toEqual([ENTRA]);
    expect(output).toHaveLength(1);
    expect(output[0]?.binary).toBeUndefined();
    expect(output[0]?.json.error).toMatch(/401/);
  });

  it('a wrong tenant fails the item naming the Tenant ID field, without retries or the secret', async () => {
    const { output, calls } = await run({
      continueOnFail: true,
      respond: () => {
        throw n8nTokenRefusal(90002, 'invalid_request', "Tenant 'unit-tenant' not found.");
      },
    });
    expect(calls).toHaveLength(1);
    const json = output[0]?.json ?? {};
    expect(json.error).toMatch(/Tenant ID/);
    expect(json.error).toMatch(/AADSTS90002/);
    expect(JSON.stringify(output)).not.toContain(CLIENT_VALUE);
  });

  it('a refused refresh (the secret expired) names the Client Secret field', async () => {
    const { output, calls, refreshes } = await run({
      continueOnFail: true,
      respond: EXPIRED,
      refreshToken: () => {
        throw n8nTokenRefusal(7000222, 'invalid_client', 'The provided client secret keys are expired.');
      },
    });
    expect(calls).toHaveLength(1);
    expect(refreshes).toEqual([ENTRA]);
    expect(output[0]?.json.error).toMatch(/Client Secret/);
  });

  it('the model list uses the Entra credential too', async () => {
    const { loadOptionsContext, calls } = createContext({
      parameters: { provider: 'azureEntraId', deployment: 'images' },
      credentials: { [ENTRA]: ENTRA_CREDENTIALS },
      respond: () => jsonResponse(200, { data: [{ id: 'gpt-image-2', created: 1 }] }),
    });
    await searchModels.call(loadOptionsContext);
    expect(calls.every((call) => call.credentialType === ENTRA)).toBe(true);
  });

  it('the Azure OpenAI provider (API key) keeps using the API-key credential', async () => {
    const { error } = await run({ parameters: { ...PARAMETERS, provider: 'azure' }, respond: IMAGE });
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(String((error as Error).message)).toMatch(/brushworkAzureOpenAiApi/);
  });
});

describe('entraTokenFailure', () => {
  it('maps the AADSTS codes to the credential field to fix', () => {
    const cases: Array<[number, string, string]> = [
      [90002, 'invalid_request', 'Tenant ID'],
      [700016, 'unauthorized_client', 'Client ID'],
      [7000215, 'invalid_client', 'Client Secret'],
    ];
    for (const [code, error, field] of cases) {
      const failure = entraTokenFailure(n8nTokenRefusal(code, error, 'refused.'));
      expect(failure?.kind).toBe('authentication');
      expect(failure?.param).toBe(field);
      expect(failure?.message).toContain(`check ${field}`);
    }
  });

  it('an HTML page from a wrong authority host names the Authority Host field', () => {
    const responseError = Object.assign(new Error('HTTP status 404'), { status: 404, body: '<html>Not Found</html>' });
    const failure = entraTokenFailure(new Error('Failed to acquire OAuth2 access token', { cause: responseError }));
    expect(failure?.param).toBe('Authority Host');
  });

  it('leaves other failures alone', () => {
    expect(entraTokenFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      undefined,
    );
  });
});
