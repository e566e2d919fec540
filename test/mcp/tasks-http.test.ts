// Task-augmented calls over Streamable HTTP, against the built bin (offline sandbox): the call returns a
// task at once, progress tagged with the task reaches the client after the tools/call response is done,
// tasks/result gives the images, the task is listed for its session only.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ProgressNotificationSchema,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { imageFiles } from './harness.ts';

const CLI = fileURLToPath(new URL('../../packages/mcp-server/dist/cli.js', import.meta.url));

let root: string;
let child: ChildProcessWithoutNullStreams | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'brushwork-tasks-http-'));
});
afterEach(async () => {
  if (child && child.exitCode === null) child.kill();
  child = undefined;
  await rm(root, { recursive: true, force: true });
});

async function startServer(): Promise<string> {
  const env = { PATH: process.env.PATH ?? '', HOME: root, BRUSHWORK_OUTPUT_DIR: join(root, 'images') };
  const proc = spawn(process.execPath, [CLI, '--http', '--port', '0'], { env, stdio: 'pipe' });
  child = proc;
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  await expect.poll(() => /Streamable HTTP on (http:\/\/\S+\/mcp)/.exec(stderr)?.[1], { timeout: 20_000 }).toBeTruthy();
  return /Streamable HTTP on (http:\/\/\S+\/mcp)/.exec(stderr)![1]!;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'task-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

it('runs generate_image as a task over HTTP: task at once, progress tagged with it, result through tasks/result', async () => {
  const url = await startServer();
  const client = await connect(url);
  const progress: { message?: string; taskId?: string }[] = [];
  client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
    const related = notification.params._meta?.[RELATED_TASK_META_KEY] as { taskId?: string } | undefined;
    progress.push({
      ...(notification.params.message ? { message: notification.params.message } : {}),
      ...(related?.taskId ? { taskId: related.taskId } : {}),
    });
  });

  const created = await client.request(
    {
      method: 'tools/call',
      params: {
        name: 'generate_image',
        arguments: { prompt: 'a task over http', size: '1024x1024' },
        task: { ttl: 60_000 },
        _meta: { progressToken: 'p-1' },
      },
    },
    CreateTaskResultSchema,
  );
  expect(created.task).toMatchObject({ status: 'working', ttl: 60_000 });

  const result = await client.request(
    { method: 'tasks/result', params: { taskId: created.task.taskId } },
    CallToolResultSchema,
  );
  expect(result.isError).toBeFalsy();
  expect(result.content.map((block) => block.type)).toEqual(['text', 'image', 'resource_link']);
  expect(await imageFiles(join(root, 'images'))).toHaveLength(1);
  expect((await client.experimental.tasks.getTask(created.task.taskId)).status).toBe('completed');
  await expect.poll(() => progress.some((p) => p.message?.startsWith('Saving'))).toBe(true);
  expect(progress.every((p) => p.taskId === created.task.taskId)).toBe(true);

  const other = await connect(url);
  expect((await other.experimental.tasks.listTasks()).tasks).toEqual([]);
  expect((await client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toEqual([created.task.taskId]);
  await other.close();
  await client.close();
});
