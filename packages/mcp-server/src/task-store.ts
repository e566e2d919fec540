/**
 * Where task-augmented tool calls live (MCP 2025-11-25 tasks): one entry per task with its status, its
 * result once finished, and the AbortController of the work behind it. Cancelling a task (tasks/cancel
 * sets the status to 'cancelled') aborts that work: the upstream request and any file being written.
 *
 * Expiry: a running task never expires; a finished one is forgotten `ttl` ms after it finished (the
 * client may ask for a shorter ttl, never a longer one than the server's).
 *
 * Plain calls of a task-capable tool also pass through the SDK's task path; their results are handed
 * over once (see `settlePlainCall`) and never listed.
 */
import { randomUUID } from 'node:crypto';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';

type TaskStatus = Task['status'];

interface Entry {
  task: Task;
  sessionId: string | undefined;
  controller: AbortController;
  result?: Result;
  expiry?: ReturnType<typeof setTimeout>;
}

export interface ImageTaskStoreOptions {
  /** Longest time a finished task is kept, in ms (also the default). */
  ttlMs: number;
  /** The pollInterval suggested to clients, in ms. */
  pollIntervalMs?: number;
  now?: () => Date;
}

export const DEFAULT_POLL_INTERVAL_MS = 2000;

const isFinished = (status: TaskStatus) => status === 'completed' || status === 'failed' || status === 'cancelled';

export class ImageTaskStore implements TaskStore {
  private readonly entries = new Map<string, Entry>();
  private readonly plainResults = new Map<string, Result>();
  private readonly ttlMs: number;
  private readonly pollIntervalMs: number;
  private readonly now: () => Date;

  constructor(options: ImageTaskStoreOptions) {
    this.ttlMs = options.ttlMs;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.now = options.now ?? (() => new Date());
  }

  async createTask(
    params: CreateTaskOptions,
    _requestId: RequestId,
    _request: Request,
    sessionId?: string,
  ): Promise<Task> {
    const requested = typeof params.ttl === 'number' && params.ttl > 0 ? params.ttl : this.ttlMs;
    const at = this.now().toISOString();
    const task: Task = {
      taskId: randomUUID(),
      status: 'working',
      ttl: Math.min(requested, this.ttlMs),
      createdAt: at,
      lastUpdatedAt: at,
      pollInterval: this.pollIntervalMs,
    };
    this.entries.set(task.taskId, { task, sessionId, controller: new AbortController() });
    return { ...task };
  }

  async getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const entry = this.lookup(taskId, sessionId);
    return entry ? { ...entry.task } : null;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result, sessionId?: string) {
    const entry = this.lookup(taskId, sessionId);
    if (!entry || isFinished(entry.task.status)) return; // cancelled meanwhile: the cancellation stands
    entry.result = result;
    this.finish(entry, status);
  }

  async getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    const plain = this.plainResults.get(taskId);
    if (plain) {
      this.plainResults.delete(taskId);
      return plain;
    }
    const entry = this.lookup(taskId, sessionId);
    if (!entry) throw new Error(`Task ${taskId} not found (finished tasks expire after ${this.ttlMs / 1000} s)`);
    if (entry.result) return entry.result;
    if (entry.task.status === 'cancelled') {
      return { content: [{ type: 'text', text: 'The task was cancelled; no image was saved.' }], isError: true };
    }
    throw new Error(`Task ${taskId} has no result yet (status ${entry.task.status})`);
  }

  async updateTaskStatus(taskId: string, status: TaskStatus, statusMessage?: string, sessionId?: string) {
    const entry = this.lookup(taskId, sessionId);
    if (!entry || isFinished(entry.task.status)) return;
    if (statusMessage !== undefined) entry.task.statusMessage = statusMessage;
    if (isFinished(status)) this.finish(entry, status);
    else {
      entry.task.status = status;
      entry.task.lastUpdatedAt = this.now().toISOString();
    }
    if (status === 'cancelled') entry.controller.abort(new Error('task cancelled'));
  }

  async listTasks(_cursor?: string, sessionId?: string): Promise<{ tasks: Task[] }> {
    const tasks = [...this.entries.values()]
      .filter((entry) => sessionId === undefined || entry.sessionId === undefined || entry.sessionId === sessionId)
      .map((entry) => ({ ...entry.task }));
    return { tasks };
  }

  /** Aborted when the task is cancelled or the store closes. */
  signalOf(taskId: string): AbortSignal {
    const entry = this.entries.get(taskId);
    if (!entry) throw new Error(`Task ${taskId} not found`);
    return entry.controller.signal;
  }

  /**
   * A plain (not task-augmented) call that already ran: its result is kept until the SDK reads it once,
   * and the returned task is already completed, so the SDK answers at once instead of polling.
   */
  settlePlainCall(result: Result & { isError?: boolean }): Task {
    const at = this.now().toISOString();
    const taskId = randomUUID();
    this.plainResults.set(taskId, result);
    return { taskId, status: result.isError ? 'failed' : 'completed', ttl: 0, createdAt: at, lastUpdatedAt: at };
  }

  /** Aborts every running task and forgets them all (server shutdown). */
  close(): void {
    for (const entry of this.entries.values()) {
      if (entry.expiry) clearTimeout(entry.expiry);
      entry.controller.abort(new Error('server closed'));
    }
    this.entries.clear();
    this.plainResults.clear();
  }

  private lookup(taskId: string, sessionId: string | undefined): Entry | undefined {
    const entry = this.entries.get(taskId);
    if (!entry) return undefined;
    if (sessionId !== undefined && entry.sessionId !== undefined && entry.sessionId !== sessionId) return undefined;
    return entry;
  }

  private finish(entry: Entry, status: TaskStatus): void {
    entry.task.status = status;
    entry.task.lastUpdatedAt = this.now().toISOString();
    const ttl = entry.task.ttl ?? this.ttlMs;
    entry.expiry = setTimeout(() => this.entries.delete(entry.task.taskId), ttl);
    entry.expiry.unref?.();
  }
}
