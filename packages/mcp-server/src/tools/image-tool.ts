/**
 * generate_image and edit_image as task-capable tools (`taskSupport: 'optional'`): a task-augmented call
 * returns a task at once and runs in the background (tasks/get, tasks/result, tasks/cancel); a plain call
 * runs and answers as before. Both show their results in the image viewer on hosts with MCP Apps.
 */
import type { CreateTaskRequestHandlerExtra } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolResult,
  RELATED_TASK_META_KEY,
  type ServerNotification,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { ZodRawShape, z } from 'zod';
import type { ToolExtra } from '../progress.js';
import type { ImageTaskStore } from '../task-store.js';
import { VIEWER_TOOL_META } from '../viewer.js';
import type { ToolContext } from './context.js';

export interface ImageToolConfig<Shape extends ZodRawShape> {
  title: string;
  description: string;
  inputSchema: Shape;
  outputSchema: ZodRawShape;
  annotations: ToolAnnotations;
}

type Run<Shape extends ZodRawShape> = (args: z.infer<z.ZodObject<Shape>>, extra: ToolExtra) => Promise<CallToolResult>;

/** Set on the handler extra of calls that did not ask for a task (see `answerPlainCallsAtOnce`). */
const PLAIN_CALL = Symbol('brushwork.plainCall');

export function registerImageTool<Shape extends ZodRawShape>(
  server: McpServer,
  context: ToolContext,
  name: string,
  config: ImageToolConfig<Shape>,
  run: Run<Shape>,
): void {
  const tasks = context.tasks;
  if (!tasks) {
    // The SDK's overloads cannot see through the generic Shape; the schema is the same either way.
    const registerPlain = server.registerTool.bind(server) as (name: string, tool: object, run: Run<Shape>) => void;
    registerPlain(name, { ...config, _meta: VIEWER_TOOL_META }, run);
    return;
  }
  server.experimental.tasks.registerToolTask(
    name,
    { ...config, execution: { taskSupport: 'optional' }, _meta: VIEWER_TOOL_META },
    {
      createTask: async (args: z.infer<z.ZodObject<Shape>>, extra: CreateTaskRequestHandlerExtra) => {
        if (PLAIN_CALL in extra) return { task: tasks.settlePlainCall(await run(args, extra)) };
        const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl ?? null });
        void runInBackground(tasks, task.taskId, extra, () =>
          run(args, {
            ...extra,
            signal: tasks.signalOf(task.taskId),
            sendNotification: notifierFor(server, task.taskId),
          }),
        );
        return { task };
      },
      getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: async (_args, extra) => (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
    } as Parameters<typeof server.experimental.tasks.registerToolTask<Shape, ZodRawShape>>[2],
  );
}

async function runInBackground(
  tasks: ImageTaskStore,
  taskId: string,
  extra: CreateTaskRequestHandlerExtra,
  work: () => Promise<CallToolResult>,
): Promise<void> {
  let result: CallToolResult;
  try {
    result = await work();
  } catch (error) {
    result = {
      content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }],
      isError: true,
    };
  }
  await extra.taskStore
    .storeTaskResult(taskId, result.isError ? 'failed' : 'completed', result)
    .catch(() => tasks.updateTaskStatus(taskId, 'failed', 'the result could not be stored'));
}

/**
 * Progress of a task outlives the tools/call request that created it: notifications go out on their own
 * (over HTTP: the session's GET stream), tagged with the task. Not through the SDK's relatedTask option:
 * that queues them for delivery inside tasks/result, when they are no use any more.
 */
function notifierFor(server: McpServer, taskId: string): ToolExtra['sendNotification'] {
  return (notification: ServerNotification) =>
    server.server
      .notification({
        ...notification,
        params: {
          ...notification.params,
          _meta: { ...notification.params?._meta, [RELATED_TASK_META_KEY]: { taskId } },
        },
      } as ServerNotification)
      .catch(() => {});
}

/**
 * The SDK (1.32) answers a plain call to a taskSupport 'optional' tool by creating a task and polling it
 * every pollInterval, which would add seconds to every call. Plain calls are marked here, so the tool
 * runs them directly and hands the SDK an already finished task. Fails loudly at start-up if the SDK's
 * internals change.
 */
export function answerPlainCallsAtOnce(server: McpServer): void {
  type Handler = (request: { params?: { task?: unknown } }, extra: object) => Promise<unknown>;
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const sdkHandler = handlers?.get('tools/call');
  if (!handlers || !sdkHandler) throw new Error('brushwork-mcp: unsupported MCP SDK (no tools/call handler found)');
  handlers.set('tools/call', (request, extra) =>
    sdkHandler(request, request.params?.task === undefined ? { ...extra, [PLAIN_CALL]: true } : extra),
  );
}
