import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImageTaskStore } from '../src/task-store.js';

const request = { method: 'tools/call', params: {} };
afterEach(() => {
  vi.useRealTimers();
});

describe('ImageTaskStore', () => {
  it('caps the ttl a client asks for at the server ttl and uses it when none is asked for', async () => {
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    expect((await store.createTask({ ttl: 10_000 }, 1, request)).ttl).toBe(10_000);
    expect((await store.createTask({ ttl: 3_600_000 }, 2, request)).ttl).toBe(60_000);
    expect((await store.createTask({}, 3, request)).ttl).toBe(60_000);
    store.close();
  });

  it('aborts the work of a cancelled task and keeps it cancelled when the work ends later', async () => {
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    const { taskId } = await store.createTask({}, 1, request);
    const signal = store.signalOf(taskId);
    await store.updateTaskStatus(taskId, 'cancelled', 'Client cancelled task execution.');
    expect(signal.aborted).toBe(true);
    await store.storeTaskResult(taskId, 'completed', { content: [] });
    expect((await store.getTask(taskId))?.status).toBe('cancelled');
    expect(await store.getTaskResult(taskId)).toMatchObject({ isError: true });
    store.close();
  });

  it('keeps a running task however long it runs and forgets a finished one ttl ms after it finished', async () => {
    vi.useFakeTimers();
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    const { taskId } = await store.createTask({}, 1, request);
    vi.advanceTimersByTime(10 * 60_000);
    expect((await store.getTask(taskId))?.status).toBe('working');
    await store.storeTaskResult(taskId, 'completed', { content: [] });
    vi.advanceTimersByTime(59_000);
    expect((await store.getTask(taskId))?.status).toBe('completed');
    vi.advanceTimersByTime(1_000);
    expect(await store.getTask(taskId)).toBeNull();
    store.close();
  });

  it("hides a session's tasks from other sessions", async () => {
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    const { taskId } = await store.createTask({}, 1, request, 'session-a');
    expect(await store.getTask(taskId, 'session-b')).toBeNull();
    expect((await store.listTasks(undefined, 'session-b')).tasks).toEqual([]);
    expect((await store.listTasks(undefined, 'session-a')).tasks.map((t) => t.taskId)).toEqual([taskId]);
    store.close();
  });

  it('hands a plain call its result once and never lists it', async () => {
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    const task = store.settlePlainCall({ content: [{ type: 'text', text: 'done' }] });
    expect(task.status).toBe('completed');
    expect((await store.listTasks()).tasks).toEqual([]);
    expect(await store.getTaskResult(task.taskId)).toEqual({ content: [{ type: 'text', text: 'done' }] });
    await expect(store.getTaskResult(task.taskId)).rejects.toThrow(/not found/);
    expect(store.settlePlainCall({ content: [], isError: true }).status).toBe('failed');
  });

  it('aborts every running task when closed', async () => {
    const store = new ImageTaskStore({ ttlMs: 60_000 });
    const { taskId } = await store.createTask({}, 1, request);
    const signal = store.signalOf(taskId);
    store.close();
    expect(signal.aborted).toBe(true);
  });
});
