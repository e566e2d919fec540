// n8n in queue mode, for real (`pnpm test:scale`): Redis, PostgreSQL, an n8n main process and two workers
// (test/scale/n8n-cluster.ts), binary data in the database, the packed n8n-nodes-brushwork installed as a
// community package in each. A published workflow — Webhook (answers when the last node has finished) →
// Split Out → Brushwork (DALL-E 3 on the fake upstream, which revises every prompt) — is fed through the
// main process's webhook:
//  1. 20 calls × 10 items with both workers: both run executions, every item comes back paired to its
//     input with its revised prompt, and its image is downloadable from n8n;
//  then a second workflow on Azure with the Entra ID credential: 10 calls spread over both workers are
//     signed with the one token n8n stored (no worker fetches its own); after the fake expires every
//     token, each call's 401 leads to a new token and the call succeeds;
//  2. the same while one worker is killed (SIGKILL to its process group) mid-run: every call either
//     returns all its items or n8n reports its execution as failed; what the surviving worker ran is
//     complete;
//  3. the same on the one worker left, for the wall-time comparison (printed, never asserted).
import { readImageSize, sniffImageType } from '@brushwork/core';
import got from 'got';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENTRA, type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { ensureN8n, packPackage } from '../n8n/harness.ts';
import { BRUSHWORK_TYPE, model, type WorkflowJson } from '../n8n/workflows.ts';
import {
  type Cluster,
  downloadBinary,
  type ExecutionDetail,
  type ExecutionItem,
  getExecution,
  listExecutions,
  stalledExecutions,
  startCluster,
  workerExecutions,
} from './n8n-cluster.ts';
import { WORKER_CONCURRENCY } from './queue-env.ts';
import { waitUntil } from './services.ts';

const WORKFLOW_ID = 'brushworkScale001';
const WEBHOOK_PATH = 'brushwork-scale';
const CALLS = 20;
const ITEMS_PER_CALL = 10;
/**
 * Added to every upstream answer (a real image takes seconds to generate): executions overlap, a worker
 * can be killed while it runs some, and the wall times show what a second worker buys when the upstream,
 * not n8n, is the bottleneck.
 */
const LATENCY_MS = 2000;
const credentials = { brushworkOpenAiApi: { id: 'brushworkScaleCrd1', name: 'Fake OpenAI' } };
const OPENAI_KEY = 'sk-test-brushwork-scale';

/** Azure with Microsoft Entra ID: the node's OAuth2 credential, its token stored by n8n in PostgreSQL. */
const ENTRA_WORKFLOW_ID = 'brushworkScaleEnt1';
const ENTRA_WEBHOOK_PATH = 'brushwork-scale-entra';
const ENTRA_TYPE = 'brushworkAzureEntraOAuth2Api';
const entraCredentials = { [ENTRA_TYPE]: { id: 'brushworkScaleEnt1', name: 'Fake Entra ID' } };
const ENTRA_CALLS = 10;

function scaleWorkflow(): WorkflowJson {
  return webhookWorkflow({
    id: WORKFLOW_ID,
    name: 'Brushwork queue mode',
    path: WEBHOOK_PATH,
    webhookId: 'b7f0c2d4-5e6a-4b1c-9d2e-3f4a5b6c7d8e',
    brushwork: { provider: 'openai', model: model('dall-e-3'), size: '1024x1024', quality: 'standard' },
    credentials,
  });
}

function entraWorkflow(): WorkflowJson {
  return webhookWorkflow({
    id: ENTRA_WORKFLOW_ID,
    name: 'Brushwork queue mode, Azure with Entra ID',
    path: ENTRA_WEBHOOK_PATH,
    webhookId: 'c8a1d3e5-6f7b-4c2d-8e3f-4a5b6c7d8e9f',
    brushwork: {
      provider: 'azureEntraId',
      deployment: 'images',
      model: model('gpt-image-2'),
      size: '1024x1024',
      quality: 'low',
    },
    credentials: entraCredentials,
  });
}

/** Webhook (answers with the last node's items) → one item per `body.items` entry → Brushwork. */
function webhookWorkflow(spec: {
  id: string;
  name: string;
  path: string;
  webhookId: string;
  brushwork: Record<string, unknown>;
  credentials: Record<string, { id: string; name: string }>;
}): WorkflowJson {
  return {
    id: spec.id,
    name: spec.name,
    active: true,
    nodes: [
      {
        id: 'webhook',
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        parameters: {
          httpMethod: 'POST',
          path: spec.path,
          responseMode: 'lastNode',
          responseData: 'allEntries',
          options: {},
        },
        webhookId: spec.webhookId,
      } as WorkflowJson['nodes'][number],
      {
        id: 'items',
        name: 'Items',
        type: 'n8n-nodes-base.splitOut',
        typeVersion: 1,
        position: [240, 0],
        parameters: { fieldToSplitOut: 'body.items', options: {} },
      },
      {
        id: 'brushwork',
        name: 'Brushwork',
        type: BRUSHWORK_TYPE,
        typeVersion: 1,
        position: [480, 0],
        parameters: {
          resource: 'image',
          operation: 'generate',
          prompt: '={{ $json.prompt }}',
          ...spec.brushwork,
          options: { concurrency: ITEMS_PER_CALL },
        },
        credentials: spec.credentials,
      },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
      Items: { main: [[{ node: 'Brushwork', type: 'main', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
    pinData: {},
  };
}

interface CallResult {
  call: string;
  prompts: string[];
  status: number;
  items: Array<Record<string, unknown>> | undefined;
  error?: string;
}

function promptOf(call: string, i: number): string {
  return `${call} item ${i}: a lighthouse on a cliff`;
}

/** Sends CALLS webhook calls at once, each with ITEMS_PER_CALL prompts; returns when all have answered. */
async function feed(
  run: string,
  count = CALLS,
  path = WEBHOOK_PATH,
  itemsPerCall = ITEMS_PER_CALL,
): Promise<{ calls: CallResult[]; ms: number }> {
  const url = `${cluster.mainUrl}/webhook/${path}`;
  const started = performance.now();
  const calls = await Promise.all(
    Array.from({ length: count }, async (_, c): Promise<CallResult> => {
      const call = `${run}-c${String(c).padStart(2, '0')}`;
      const prompts = Array.from({ length: itemsPerCall }, (_, i) => promptOf(call, i));
      try {
        // Each call on a new connection: a kept-alive socket the main process closes after its idle
        // timeout (between runs) could fail a POST before it ever reached n8n, and fetch does not resend
        // a POST. That would be the test losing a call, not n8n.
        const response = await got.post(url, {
          json: { call, items: prompts.map((prompt, i) => ({ i, prompt })) },
          agent: { http: new Agent({ keepAlive: false }) },
          retry: { limit: 0 },
          throwHttpErrors: false,
          timeout: { request: 180_000 },
        });
        const text = response.body;
        let items: CallResult['items'];
        try {
          const body = JSON.parse(text) as unknown;
          items = Array.isArray(body) ? (body as Array<Record<string, unknown>>) : undefined;
        } catch {
          items = undefined;
        }
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        return { call, prompts, status: response.statusCode, items, ...(ok ? {} : { error: text.slice(0, 300) }) };
      } catch (error) {
        return { call, prompts, status: 0, items: undefined, error: String(error) };
      }
    }),
  );
  return { calls, ms: performance.now() - started };
}

/** The webhook answer holds every input's item, in order, with its revised prompt. */
function expectCompleteAnswer(result: CallResult, { model = 'dall-e-3', revisedPrompt = true } = {}) {
  expect(result.status, `${result.call}: ${result.error ?? ''}`).toBe(200);
  expect(result.items).toHaveLength(result.prompts.length);
  result.items?.forEach((json, i) => {
    expect(json.prompt).toBe(result.prompts[i]);
    // DALL-E 3 rewrites prompts; GPT image models send none back.
    if (revisedPrompt) expect(json.revisedPrompt).toEqual(expect.stringContaining(result.prompts[i] ?? '?'));
    expect(json.model).toBe(model);
  });
}

interface RunExecution extends ExecutionDetail {
  /** The call id of the webhook body, when the stored run data still has the Webhook node's output. */
  call: string | undefined;
}

/** The executions of the workflow not in `known` (runs are sequential: those of the current run). */
async function newExecutions(known: Set<string>): Promise<RunExecution[]> {
  const found: RunExecution[] = [];
  for (const summary of await listExecutions(cluster, WORKFLOW_ID)) {
    if (known.has(summary.id)) continue;
    const detail = await getExecution(cluster, summary.id);
    const body = detail.runData.Webhook?.[0]?.data?.main?.[0]?.[0]?.json.body as { call?: string } | undefined;
    found.push({ ...detail, call: body?.call });
  }
  return found;
}

function byCall(executions: RunExecution[]): Map<string, RunExecution> {
  return new Map(executions.flatMap((e) => (e.call ? [[e.call, e] as const] : [])));
}

function brushworkItems(detail: ExecutionDetail): ExecutionItem[] {
  return detail.runData.Brushwork?.[0]?.data?.main?.[0] ?? [];
}

/**
 * In the execution n8n stored: each Brushwork item is paired to its input item (pairedItem), carries the
 * prompt and the revised prompt, and its image binary (stored in the database, not inline) downloads from
 * the main process as a 1024x1024 PNG. Returns the number of complete items.
 */
async function checkStoredItems(detail: ExecutionDetail, prompts: string[]): Promise<number> {
  const items = brushworkItems(detail);
  expect(items).toHaveLength(prompts.length);
  let complete = 0;
  for (const [i, item] of items.entries()) {
    const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
    expect(paired?.item).toBe(i);
    expect(item.json.prompt).toBe(prompts[i]);
    expect(item.json.revisedPrompt).toEqual(expect.stringContaining(prompts[i] ?? '?'));
    const binary = item.binary?.data;
    expect(binary?.id, 'binary stored by reference').toMatch(/^database:/);
    const bytes = await downloadBinary(cluster, binary?.id ?? '');
    expect(sniffImageType(bytes)?.extension).toBe('png');
    expect(readImageSize(bytes)).toEqual({ width: 1024, height: 1024 });
    complete++;
  }
  return complete;
}

/** Waits until n8n has recorded an outcome for every execution of the run; marks them as known. */
async function settled(run: string, expected: number): Promise<RunExecution[]> {
  let executions: RunExecution[] = [];
  await waitUntil(
    `${expected} executions of ${run} settled`,
    async () => {
      executions = await newExecutions(seen);
      return (
        executions.length >= expected && executions.every((e) => !['new', 'running', 'waiting'].includes(e.status))
      );
    },
    { timeoutMs: 120_000 },
  ).catch((error: Error) => {
    const states = executions.map((e) => `${e.id} ${e.status}`).join(', ');
    throw new Error(`${error.message}; executions: ${states}`);
  });
  for (const e of executions) seen.add(e.id);
  return executions;
}

let fake: FakeUpstream;
let cluster: Cluster;
let root: string;
/** Executions of earlier runs. */
const seen = new Set<string>();
const figures: string[] = [];
let twoWorkerMs = 0;
let anyTestFailed = false;

beforeAll(async () => {
  await ensureN8n((line) => console.log(line));
  fake = await startFakeUpstream();
  root = await mkdtemp(join(tmpdir(), 'brushwork-scale-'));
  const tarball = await packPackage(join(root, 'pack'));
  cluster = await startCluster({
    root,
    tarball,
    credentials: [
      {
        id: credentials.brushworkOpenAiApi.id,
        name: credentials.brushworkOpenAiApi.name,
        type: 'brushworkOpenAiApi',
        data: { apiKey: OPENAI_KEY, url: fake.openaiBaseUrl, organizationId: '', projectId: '' },
      },
      {
        ...entraCredentials[ENTRA_TYPE],
        type: ENTRA_TYPE,
        data: {
          tenantId: DEFAULT_ENTRA.tenantId,
          clientId: DEFAULT_ENTRA.clientId,
          clientSecret: DEFAULT_ENTRA.clientSecret,
          authorityHost: fake.url,
          endpoint: fake.azureEndpoint,
          apiVersion: '2025-04-01-preview',
          api: 'deployment',
        },
      },
    ],
    workflows: [scaleWorkflow(), entraWorkflow()],
    workerCount: 2,
    workerConcurrency: WORKER_CONCURRENCY,
  });
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') anyTestFailed = true;
});

afterAll(async () => {
  if (figures.length > 0)
    console.log(`\nn8n queue mode (2 workers, ${CALLS} calls × ${ITEMS_PER_CALL} items)\n${figures.join('\n')}\n`);
  await cluster?.stop();
  await fake?.close();
  // Every process's log stays in the temp folder when a test failed (or with BRUSHWORK_SCALE_KEEP=1).
  if (root && !anyTestFailed && !process.env.BRUSHWORK_SCALE_KEEP) await rm(root, { recursive: true, force: true });
  else if (root) console.log(`logs kept in ${root}`);
});

describe('n8n queue mode: main + 2 workers, Redis, PostgreSQL, binary data in the database', () => {
  it('runs 200 items from 20 webhook calls on both workers; every item comes back paired, with its image', async () => {
    fake.setLatency(LATENCY_MS);
    // The main process answers /healthz/readiness before it has registered the webhook: a call that
    // finds no webhook (404) starts no execution, so probe until one is accepted.
    await waitUntil('webhook registered', async () => (await feed('probe', 1)).calls[0]?.status !== 404, {
      timeoutMs: 60_000,
    });
    // Warm-up (first executions load node types, open connections): not counted, not timed.
    const warm = await feed('warm', 2 * WORKER_CONCURRENCY);
    for (const call of warm.calls) expectCompleteAnswer(call);
    await settled('warm', warm.calls.length + 1);

    const { calls, ms } = await feed('both');
    twoWorkerMs = ms;
    for (const call of calls) expectCompleteAnswer(call);
    const executions = await settled('both', CALLS);
    expect(executions).toHaveLength(CALLS);
    const mapped = byCall(executions);
    const perWorker = await Promise.all(cluster.workers.map(workerExecutions));
    let itemsOut = 0;
    for (const call of calls) {
      const detail = mapped.get(call.call);
      if (!detail) throw new Error(`no execution for ${call.call}`);
      expect(detail.status).toBe('success');
      // Exactly one worker ran it.
      expect(perWorker.filter((w) => w.finished.has(detail.id))).toHaveLength(1);
      itemsOut += await checkStoredItems(detail, call.prompts);
    }
    const counts = cluster.workers.map((w, i) => ({
      name: w.name,
      ran: executions.filter((e) => perWorker[i]?.finished.has(e.id)).length,
    }));
    for (const { ran } of counts) expect(ran).toBeGreaterThan(0);
    expect(itemsOut).toBe(CALLS * ITEMS_PER_CALL);
    figures.push(
      `run 1, both workers: executions per worker ${counts.map((c) => `${c.name} ${c.ran}`).join(', ')}; ` +
        `items out / in ${itemsOut} / ${CALLS * ITEMS_PER_CALL} (each with its image from n8n); ` +
        `wall time ${(ms / 1000).toFixed(1)} s`,
    );
  });

  it('Azure with Entra ID: both workers sign with the token n8n stored; after a 401 they get a new one', async () => {
    const azureCalls = (from: number) => fake.log.slice(from).filter((entry) => entry.route === 'azure.generations');
    const feedEntra = (run: string) => feed(run, ENTRA_CALLS, ENTRA_WEBHOOK_PATH, 2);
    const answered = (calls: CallResult[]) => {
      for (const call of calls) expectCompleteAnswer(call, { model: 'gpt-image-2', revisedPrompt: false });
    };
    // The first call fetches the credential's token; n8n stores it in PostgreSQL.
    await waitUntil(
      'Entra webhook registered',
      async () => (await feed('entra-probe', 1, ENTRA_WEBHOOK_PATH, 1)).calls[0]?.status !== 404,
      {
        timeoutMs: 60_000,
      },
    );
    const tokensAtStart = fake.tokensIssued();
    expect(tokensAtStart).toBeGreaterThanOrEqual(1);

    // Calls spread over both workers: every worker signs with the stored token, none fetches one.
    const before = await Promise.all(cluster.workers.map(workerExecutions));
    const shared = await feedEntra('entra-shared');
    answered(shared.calls);
    const after = await Promise.all(cluster.workers.map(workerExecutions));
    const ranPerWorker = after.map((w, i) => [...w.finished].filter((id) => !before[i]?.finished.has(id)).length);
    for (const ran of ranPerWorker) expect(ran).toBeGreaterThan(0);
    expect(fake.tokensIssued()).toBe(tokensAtStart);

    // Every token expires: each first attempt gets a 401, n8n fetches a new token, the call is sent again.
    fake.expireTokens();
    const logFrom = fake.log.length;
    const refreshed = await feedEntra('entra-refreshed');
    answered(refreshed.calls);
    const statuses = azureCalls(logFrom).map((entry) => entry.status);
    const newTokens = fake.tokensIssued() - tokensAtStart;
    expect(statuses.filter((status) => status === 200)).toHaveLength(ENTRA_CALLS * 2);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(ENTRA_CALLS * 2);
    expect(newTokens).toBeGreaterThanOrEqual(1);
    figures.push(
      `Entra ID: ${ENTRA_CALLS} calls on both workers (${ranPerWorker.join(' / ')} executions) signed with the one stored token, ` +
        `0 tokens fetched; after every token expired: ${statuses.filter((s) => s === 401).length} × 401, ` +
        `${newTokens} new token(s), ${refreshed.calls.filter((c) => c.status === 200).length} / ${ENTRA_CALLS} calls answered`,
    );
  });

  it('a worker killed mid-run loses nothing n8n does not report as failed; the survivor’s output is complete', async () => {
    const [victim, survivor] = cluster.workers;
    if (!victim || !survivor) throw new Error('two workers expected');
    const before = await workerExecutions(victim);
    const fed = feed('kill');
    // Kill the victim (SIGKILL to its process group) while it is running executions of this run.
    await waitUntil('the victim takes work', async () => {
      const now = await workerExecutions(victim);
      return [...now.started].some((id) => !before.started.has(id) && !now.finished.has(id));
    });
    await victim.service.kill();
    const { calls } = await fed;
    const executions = await settled('kill', CALLS).catch(async (error: Error) => {
      // Say which calls have no execution n8n can list, and what those callers were answered.
      const found = byCall(await newExecutions(seen));
      const missing = calls.filter((c) => !found.has(c.call)).map((c) => `${c.call} ${c.status} ${c.error ?? ''}`);
      throw new Error(`${error.message}\ncalls without a listed execution: ${missing.join('; ')}`);
    });
    const victimRan = await workerExecutions(victim);
    const survivorRan = await workerExecutions(survivor);
    // One execution per call, each with an outcome n8n recorded: success, or failed (error / crashed).
    expect(executions).toHaveLength(CALLS);
    for (const e of executions) expect(['success', 'error', 'crashed']).toContain(e.status);
    const failed = executions.filter((e) => e.status !== 'success');
    const mapped = byCall(executions);
    let itemsOut = 0;
    let unanswered = 0;
    for (const call of calls) {
      const detail = mapped.get(call.call);
      if (detail?.status === 'success') {
        // n8n says it succeeded: the caller got every item, and n8n has every image.
        expectCompleteAnswer(call);
        itemsOut += await checkStoredItems(detail, call.prompts);
      } else {
        expect(call.status, `${call.call}: ${call.error ?? ''}`).not.toBe(200);
        unanswered++;
      }
    }
    // Every call that did not get its items is one of the executions n8n reports as failed, each because
    // the worker holding it stopped renewing its lock (the main process logs it as stalled) …
    expect(unanswered).toBe(failed.length);
    const stalled = await stalledExecutions(cluster);
    expect(failed.map((e) => e.id).sort()).toEqual(
      executions
        .filter((e) => stalled.has(e.id))
        .map((e) => e.id)
        .sort(),
    );
    // … among them every execution the victim had started and not finished (it may also have taken jobs
    // it had not logged yet), none that the survivor ran.
    const diedWithVictim = executions.filter((e) => victimRan.started.has(e.id) && !victimRan.finished.has(e.id));
    expect(diedWithVictim.length).toBeGreaterThan(0);
    for (const e of diedWithVictim) expect(failed).toContain(e);
    for (const e of failed) expect(survivorRan.started.has(e.id)).toBe(false);
    // Whatever the survivor ran is complete.
    const survivorExecutions = executions.filter((e) => survivorRan.finished.has(e.id));
    expect(survivorExecutions.length).toBeGreaterThan(0);
    for (const e of survivorExecutions) {
      expect(e.status).toBe('success');
      expect(brushworkItems(e)).toHaveLength(ITEMS_PER_CALL);
    }
    const victimFinished = executions.filter((e) => victimRan.finished.has(e.id)).length;
    figures.push(
      `run 2, ${victim.name} killed mid-run: ${survivor.name} ${survivorExecutions.length} executions, ` +
        `${victim.name} ${victimFinished} finished before it was killed; ` +
        `items out / in ${itemsOut} / ${CALLS * ITEMS_PER_CALL}; ${failed.length} executions ` +
        `(${failed.length * ITEMS_PER_CALL} items) reported failed by n8n (${failed.map((e) => e.status).join(', ')}), 0 lost`,
    );
  });

  it('the same run on the one worker left (wall time for comparison, not asserted)', async () => {
    const [, survivor] = cluster.workers;
    if (!survivor) throw new Error('two workers expected');
    const { calls, ms } = await feed('one');
    for (const call of calls) expectCompleteAnswer(call);
    const executions = await settled('one', CALLS);
    expect(executions).toHaveLength(CALLS);
    const survivorRan = await workerExecutions(survivor);
    for (const e of executions) {
      expect(e.status).toBe('success');
      expect(survivorRan.finished.has(e.id)).toBe(true);
    }
    figures.push(
      `run 3, one worker: ${survivor.name} ${executions.length} executions; items out / in ` +
        `${calls.reduce((n, c) => n + (c.items?.length ?? 0), 0)} / ${CALLS * ITEMS_PER_CALL}; wall time ` +
        `${(ms / 1000).toFixed(1)} s (two workers: ${(twoWorkerMs / 1000).toFixed(1)} s)`,
    );
  });

  it('no key or password in any process log', async () => {
    const secrets = [OPENAI_KEY, ...cluster.secrets];
    const logs = await cluster.logs();
    expect(logs.map((l) => l.name).sort()).toEqual(['n8n-main', 'n8n-worker-a', 'n8n-worker-b', 'postgres', 'redis']);
    for (const { name, text } of logs) {
      for (const secret of secrets) expect(text.includes(secret), `a secret in the ${name} log`).toBe(false);
    }
  });
});
