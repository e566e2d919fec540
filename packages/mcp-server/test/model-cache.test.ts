import type { ImageClient, ModelInfo } from '@brushwork/core';
import { describe, expect, it } from 'vitest';
import { createModelListCache } from '../src/model-cache.js';

/** A client whose listModels answers when told to, counting the calls. */
function slowClient() {
  const waiting: Array<{ resolve: (models: ModelInfo[]) => void; reject: (error: Error) => void }> = [];
  const client = {
    calls: 0,
    listModels: () =>
      new Promise<ModelInfo[]>((resolve, reject) => {
        client.calls++;
        waiting.push({ resolve, reject });
      }),
  };
  return {
    client,
    asImageClient: client as unknown as ImageClient,
    answer: (ids: string[]) => waiting.shift()!.resolve(ids.map((id) => ({ id }))),
    fail: () => waiting.shift()!.reject(new Error('upstream down')),
  };
}

describe('model list cache', () => {
  it('shares one request among concurrent callers and answers from the cache until it expires', async () => {
    let now = 0;
    const cache = createModelListCache(60_000, () => now);
    const fake = slowClient();
    const calls = [cache.get(fake.asImageClient), cache.get(fake.asImageClient), cache.get(fake.asImageClient)];
    expect(fake.client.calls).toBe(1);
    fake.answer(['gpt-image-2']);
    expect((await Promise.all(calls)).map((m) => m[0]!.id)).toEqual(['gpt-image-2', 'gpt-image-2', 'gpt-image-2']);
    now = 59_999;
    expect(await cache.get(fake.asImageClient)).toEqual([{ id: 'gpt-image-2' }]);
    expect(fake.client.calls).toBe(1);
    now = 60_000;
    const refreshed = cache.get(fake.asImageClient);
    fake.answer(['dall-e-3']);
    expect(await refreshed).toEqual([{ id: 'dall-e-3' }]);
    expect(fake.client.calls).toBe(2);
  });

  it('keeps no failure, and a caller that gives up does not cancel the others', async () => {
    const cache = createModelListCache();
    const fake = slowClient();
    const failed = cache.get(fake.asImageClient);
    fake.fail();
    await expect(failed).rejects.toThrow('upstream down');
    const controller = new AbortController();
    const impatient = cache.get(fake.asImageClient, controller.signal);
    const patient = cache.get(fake.asImageClient);
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ name: 'AbortError' });
    fake.answer(['gpt-image-2']);
    expect(await patient).toEqual([{ id: 'gpt-image-2' }]);
    expect(fake.client.calls).toBe(2);
  });
});
