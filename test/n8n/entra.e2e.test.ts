// Azure OpenAI with Microsoft Entra ID in real n8n (the pinned runtime): the packed node's Entra ID
// credential (n8n's OAuth2 support, client credentials) against the fake token endpoint and the fake
// Azure routes, which take only bearer tokens the endpoint issued. Two executions of one workflow:
// the first fetches a token (n8n stores it with the credential); then every token is expired, and the
// second run's calls are answered 401, n8n fetches a new token and each call is sent again. A branch
// with a wrong tenant fails its item with an error naming the Tenant ID field. The client secret and
// every issued token are looked for in everything n8n printed, output and stored.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRA, ENTRA_SCOPE, type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { CANARY_CLIENT_SECRET, CANARY_TOKEN_PREFIX, SecretScanner } from '../reliability/secrets.ts';
import {
  type CommandResult,
  createN8nHome,
  ensureN8n,
  type ExecutionResult,
  executeSucceeded,
  importAll,
  type N8nHome,
  N8N_VERSION,
  n8n,
  packPackage,
  parseRawOutput,
} from './harness.ts';
import { model, workflow } from './workflows.ts';

const WORKFLOW_ID = 'brushworkEntra0001';
const ENTRA_TYPE = 'brushworkAzureEntraOAuth2Api';
const entra = { [ENTRA_TYPE]: { id: 'brushworkCredEnt01', name: 'Fake Entra ID' } };
const wrongTenant = { [ENTRA_TYPE]: { id: 'brushworkCredEnt02', name: 'Fake Entra ID, wrong tenant' } };
const PROMPTS = ['A harbour at night', 'A lighthouse'];
const AZURE = { provider: 'azureEntraId', deployment: 'images', model: model('gpt-image-2') };

let fake: FakeUpstream;
let home: N8nHome;
const commands: CommandResult[] = [];
let first: ExecutionResult;
let second: ExecutionResult;
/** The fake's log entries of the first run; the rest are the second run's. */
let firstLogLength = 0;
let tokensAfterFirst = 0;

async function executeWorkflow(): Promise<ExecutionResult> {
  const result = await n8n(home, ['execute', `--id=${WORKFLOW_ID}`, '--rawOutput'], { timeoutMs: 240_000 });
  commands.push(result);
  if (!executeSucceeded(result)) {
    throw new Error(
      `n8n execute failed (exit ${result.code}):\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-4000)}`,
    );
  }
  return parseRawOutput(result.stdout);
}

/** docs/azure/n8n-entra.credentials.json, the credential docs/deploy.md shows (for `n8n import:credentials`). */
const DOC_PATH = new URL('../../docs/azure/n8n-entra.credentials.json', import.meta.url);
const DOC_TEXT = readFileSync(DOC_PATH, 'utf8');
const [DOC_CREDENTIAL] = JSON.parse(DOC_TEXT) as Array<{ type: string; data: Record<string, string> }>;

/** The documented credential with every value pointed at the fake (each documented field must be set). */
function credentialData(tenantId: string): Record<string, string> {
  const onFake: Record<string, string> = {
    tenantId,
    clientId: DEFAULT_ENTRA.clientId,
    clientSecret: CANARY_CLIENT_SECRET,
    authorityHost: fake.url,
    endpoint: fake.azureEndpoint,
    apiVersion: '2025-04-01-preview',
    api: 'deployment',
  };
  expect(Object.keys(onFake).sort()).toEqual(Object.keys(DOC_CREDENTIAL?.data ?? {}).sort());
  return { ...DOC_CREDENTIAL?.data, ...onFake };
}

beforeAll(async () => {
  await ensureN8n((line) => console.log(line));
  fake = await startFakeUpstream({
    entra: { ...DEFAULT_ENTRA, clientSecret: CANARY_CLIENT_SECRET, tokenPrefix: CANARY_TOKEN_PREFIX },
  });
  const tarball = await packPackage(`${process.env.TMPDIR ?? '/tmp'}/brushwork-entra-pack`);
  home = await createN8nHome(tarball);
  await importAll(
    home,
    [
      { ...entra[ENTRA_TYPE], type: ENTRA_TYPE, data: credentialData(DEFAULT_ENTRA.tenantId) },
      { ...wrongTenant[ENTRA_TYPE], type: ENTRA_TYPE, data: credentialData('not-our-tenant') },
    ],
    [
      workflow(WORKFLOW_ID, 'Brushwork with Entra ID', [
        { name: 'Entra ID', prompts: PROMPTS, parameters: { ...AZURE, size: '1024x1024' }, credentials: entra },
        {
          name: 'Wrong tenant',
          prompts: ['A fox'],
          parameters: { ...AZURE, size: '1024x1024' },
          credentials: wrongTenant,
          continueOnFail: true,
        },
      ]),
    ],
  );
  first = await executeWorkflow();
  firstLogLength = fake.log.length;
  tokensAfterFirst = fake.tokensIssued();
  fake.expireTokens();
  second = await executeWorkflow();
}, 20 * 60_000);

afterAll(async () => {
  await fake?.close();
  if (home) await rm(home.dir, { recursive: true, force: true });
});

const azureCalls = (from: number, to = fake.log.length) =>
  fake.log.slice(from, to).filter((entry) => entry.route === 'azure.generations');

describe('docs/deploy.md, n8n with Entra ID', () => {
  it('shows docs/azure/n8n-entra.credentials.json as it is, the credential this suite imports', async () => {
    const doc = await readFile(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    expect(doc).toContain(DOC_TEXT.trim());
    expect(DOC_CREDENTIAL?.type).toBe(ENTRA_TYPE);
  });
});

describe(`Azure OpenAI with Entra ID in real n8n ${N8N_VERSION}`, () => {
  it('n8n fetches a token with the client credentials; every Azure call carries it as a bearer token', () => {
    expect(first.errors).toEqual({});
    const images = first.outputs['Entra ID'] ?? [];
    expect(images.map((item) => item.json.prompt)).toEqual(PROMPTS);
    for (const item of images) expect(item.binary?.data?.mimeType).toBe('image/png');
    const tokenCalls = fake.log.slice(0, firstLogLength).filter((entry) => entry.route === 'entra.token');
    const ours = tokenCalls.filter((entry) => entry.path === `/${DEFAULT_ENTRA.tenantId}/oauth2/v2.0/token`);
    expect(ours.length).toBeGreaterThanOrEqual(1);
    expect(ours[0]?.body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: DEFAULT_ENTRA.clientId,
      scope: ENTRA_SCOPE,
    });
    expect(azureCalls(0, firstLogLength).map((entry) => [entry.auth, entry.authValid, entry.status])).toEqual([
      ['bearer', true, 200],
      ['bearer', true, 200],
    ]);
  });

  it('the next execution reuses the stored token; after a 401 n8n fetches a new one and each call is sent again', () => {
    expect(second.errors).toEqual({});
    const images = second.outputs['Entra ID'] ?? [];
    expect(images.map((item) => item.json.prompt)).toEqual(PROMPTS);
    for (const item of images) expect(item.binary?.data?.mimeType).toBe('image/png');
    const statuses = azureCalls(firstLogLength).map((entry) => entry.status);
    // Both items were sent with the stored (now expired) token first: one 401 and one 200 each.
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses[0]).toBe(401);
    const newTokens = fake.tokensIssued() - tokensAfterFirst;
    expect(newTokens).toBeGreaterThanOrEqual(1);
    expect(newTokens).toBeLessThanOrEqual(2);
  });

  it('a wrong tenant fails its item with an error naming the Tenant ID field; nothing is sent to Azure for it', () => {
    for (const run of [first, second]) {
      const [item, ...rest] = run.outputs['Wrong tenant'] ?? [];
      expect(rest).toEqual([]);
      expect(item?.binary).toBeUndefined();
      expect(String(item?.json.error)).toMatch(/tenant.*check Tenant ID.*AADSTS90002/is);
    }
    const refused = fake.log.filter(
      (entry) => entry.route === 'entra.token' && entry.path.startsWith('/not-our-tenant/'),
    );
    expect(refused.map((entry) => entry.status)).toEqual([400, 400]);
    // Every Azure call of both runs came from the Entra ID branch (2 + 4).
    expect(azureCalls(0)).toHaveLength(6);
  });

  it('the client secret and the issued tokens appear nowhere: output, n8n logs, execution data, n8n folder', async () => {
    const scanner = new SecretScanner([CANARY_CLIENT_SECRET, CANARY_TOKEN_PREFIX]);
    for (const [i, command] of commands.entries()) {
      scanner.text(`execute ${i} stdout`, command.stdout);
      scanner.text(`execute ${i} stderr`, command.stderr);
    }
    for (const [i, run] of [first, second].entries()) {
      for (const [node, items] of Object.entries(run.outputs)) {
        for (const [index, item] of items.entries()) scanner.value(`run ${i} ${node} item ${index}`, item.json);
      }
    }
    await scanner.dir(home.dir);
    expect(scanner.scanned).toBeGreaterThan(10);
    expect(scanner.hits).toEqual([]);
  });
});
