// Long generations: the fake upstream takes 150 s per answer. Plain clients that give up after 60 s of
// silence still get their images (progress keeps coming); task-aware clients get them through a task, can
// cancel it (no file, the upstream request aborted) and finished tasks expire.
//
// Time is virtual: vitest's fake timers drive the fake upstream's latency, the server's heartbeat and the
// SDK's timeouts and polls, while sockets, files and sharp run for real between steps.
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { blocksOf, KEY, type McpHarness, startMcp } from './harness.ts';

const UPSTREAM_MS = 150_000;
const CLIENT_TIMEOUT_MS = 60_000;
const STEP_MS = 200;
const realSetTimeout = globalThis.setTimeout;

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());

let h: McpHarness | undefined;
beforeEach(() => {
  fake.reset();
  fake.setLatency(UPSTREAM_MS);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
});

const env = (extra: Record<string, string> = {}) => ({
  OPENAI_API_KEY: KEY,
  OPENAI_BASE_URL: fake.openaiBaseUrl,
  ...extra,
});

/** Advances virtual time in small steps, letting real I/O run between them, until `done()` or `limitMs`. */
async function advanceUntil(done: () => boolean, limitMs = 3 * UPSTREAM_MS): Promise<void> {
  for (let elapsed = 0; !done(); elapsed += STEP_MS) {
    if (elapsed > limitMs) throw new Error(`still waiting after ${limitMs / 1000} virtual seconds`);
    await vi.advanceTimersByTimeAsync(STEP_MS);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

/** Lets `ms` of virtual time pass, real I/O running along. */
async function advanceBy(ms: number): Promise<void> {
  const until = Date.now() + ms;
  await advanceUntil(() => Date.now() >= until, ms + STEP_MS);
}

/** Settles `promise` while virtual time runs. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  promise.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, error };
    },
  );
  await advanceUntil(() => outcome !== undefined);
  if (!outcome?.ok) throw outcome?.error;
  return outcome.value;
}

const generations = () => fake.log.filter((entry) => entry.route === 'openai.generations');

describe('a 150-second generation', () => {
  it('reaches a plain client whose 60 s request timeout resets on progress', async () => {
    h = await startMcp(env());
    const progress: { at: number; message?: string }[] = [];
    const started = Date.now();
    const result = await settle(
      h.client.callTool({ name: 'generate_image', arguments: { prompt: 'a slow lighthouse' } }, undefined, {
        timeout: CLIENT_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        onprogress: (p: Progress) => {
          progress.push({ at: Date.now(), ...(p.message ? { message: p.message } : {}) });
        },
      }) as Promise<CallToolResult>,
    );

    expect(result.isError).toBeFalsy();
    expect(blocksOf(result, 'resource_link')).toHaveLength(1);
    expect(await h.files()).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(UPSTREAM_MS);
    expect(progress.some((p) => /Still generating: \d+ s elapsed/.test(p.message ?? ''))).toBe(true);
    // Never 5 (virtual) seconds without a word while the upstream call ran.
    const gaps = progress.slice(1).map((p, i) => p.at - progress[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
  });

  it('times out for the same client when progress is not requested (the heartbeat is what keeps it alive)', async () => {
    h = await startMcp(env());
    const call = h.client.callTool({ name: 'generate_image', arguments: { prompt: 'a slow lighthouse' } }, undefined, {
      timeout: CLIENT_TIMEOUT_MS,
    });
    await expect(settle(call)).rejects.toThrow(/timed out/i);
  });

  it('reaches a task-aware client through tasks/get and tasks/result, same result as a plain call', async () => {
    h = await startMcp(env());
    const progress: string[] = [];
    const created = await settle(
      h.client.request(
        { method: 'tools/call', params: { name: 'generate_image', arguments: { prompt: 'a lighthouse' }, task: {} } },
        CreateTaskResultSchema,
        { timeout: CLIENT_TIMEOUT_MS, onprogress: (p: Progress) => progress.push(p.message ?? '') },
      ),
    );
    const { taskId } = created.task;
    expect(created.task.status).toBe('working'); // answered at once, while the upstream works
    await advanceUntil(() => generations().length === 1, 10_000);

    let task = created.task;
    while (task.status === 'working') {
      await advanceBy(task.pollInterval ?? 1000);
      task = await settle(h.client.experimental.tasks.getTask(taskId));
    }
    expect(task.status).toBe('completed');
    expect(progress.filter((message) => message.startsWith('Still generating')).length).toBeGreaterThan(20);

    const result = await settle(
      h.client.request({ method: 'tasks/result', params: { taskId } }, CallToolResultSchema, {
        timeout: CLIENT_TIMEOUT_MS,
      }),
    );
    fake.setLatency(0);
    const plain = await settle(
      h.client.callTool({ name: 'generate_image', arguments: { prompt: 'a lighthouse' } }) as Promise<CallToolResult>,
    );
    expect(result.content.map((block) => block.type)).toEqual(plain.content.map((block) => block.type));
    expect(Object.keys(result.structuredContent ?? {}).sort()).toEqual(
      Object.keys(plain.structuredContent ?? {}).sort(),
    );
    expect(await h.files()).toHaveLength(2);
  });

  it('cancelling a task aborts the upstream request and leaves no file', async () => {
    h = await startMcp(env());
    const created = await settle(
      h.client.request(
        { method: 'tools/call', params: { name: 'generate_image', arguments: { prompt: 'never mind' }, task: {} } },
        CreateTaskResultSchema,
      ),
    );
    await advanceUntil(() => generations().length === 1, 10_000);

    const cancelled = await settle(h.client.experimental.tasks.cancelTask(created.task.taskId));
    expect(cancelled.status).toBe('cancelled');
    await advanceUntil(() => generations()[0]!.closedBeforeAnswer, 10_000);

    await advanceBy(UPSTREAM_MS + 10_000); // long past the upstream's answer
    expect(generations()).toHaveLength(1);
    expect(generations()[0]).toMatchObject({ closedBeforeAnswer: true, status: undefined, images: 0 });
    expect(await h.files()).toEqual([]); // no image, no temp file
    expect((await h.ledger()).map((line) => line.outcome)).toEqual(['error']); // the call is in the ledger
    expect((await settle(h.client.experimental.tasks.getTask(created.task.taskId))).status).toBe('cancelled');
  });

  it('forgets a finished task after the configured TTL', async () => {
    fake.setLatency(0);
    h = await startMcp(env({ BRUSHWORK_TASK_TTL: '90s' }));
    const created = await settle(
      h.client.request(
        { method: 'tools/call', params: { name: 'generate_image', arguments: { prompt: 'brief' }, task: {} } },
        CreateTaskResultSchema,
      ),
    );
    expect(created.task.ttl).toBe(90_000);
    const result = await settle(
      h.client.request({ method: 'tasks/result', params: { taskId: created.task.taskId } }, CallToolResultSchema),
    );
    expect(result.isError).toBeFalsy();
    expect((await settle(h.client.experimental.tasks.getTask(created.task.taskId))).status).toBe('completed');

    await advanceBy(90_000);
    await expect(settle(h.client.experimental.tasks.getTask(created.task.taskId))).rejects.toThrow(/not found/i);
    expect(await h.files()).toHaveLength(1); // the image itself stays
  });
});
