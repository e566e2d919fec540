// Cancellation over real HTTP: an AbortSignal ends the request in flight (or the retry wait) at once,
// surfaces as kind cancelled, and nothing more is sent afterwards. Both transports.
import type { OpenAIProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { endlessSleep, harness, imageError, KEY, TRANSPORTS, until } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const REQUEST = { prompt: 'a paper boat on a pond', model: 'gpt-image-2', size: '1024x1024' };
/** Long enough that only the abort (never the timeout) can end a hung attempt within the test's time. */
const NO_TIMEOUT = 120_000;

/** Lets pending I/O run, so that a retry sent after the abort would reach the fake's log. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe.each(TRANSPORTS)('cancellation over the $name transport', ({ make }) => {
  it('aborting while the request is in flight rejects at once with kind cancelled, and never retries', async () => {
    fake.inject({ kind: 'hang', times: 5 });
    const h = harness(openai(), make(), { timeoutMs: NO_TIMEOUT, maxRetries: 5 });
    const controller = new AbortController();
    const pending = imageError(h.client.generate(REQUEST, h.call(controller.signal)));
    await until(() => fake.log.length === 1);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ kind: 'cancelled', retryable: false });
    expect(error.status).toBeUndefined();
    await settle();
    expect(fake.log).toHaveLength(1);
    expect(h.delays).toEqual([]);
    expect(h.events.filter((e) => e.type === 'retry')).toEqual([]);
  }, 10_000);

  it('aborting with a reason still reports kind cancelled', async () => {
    fake.inject({ kind: 'hang' });
    const h = harness(openai(), make(), { timeoutMs: NO_TIMEOUT });
    const controller = new AbortController();
    const pending = imageError(h.client.generate(REQUEST, { signal: controller.signal }));
    await until(() => fake.log.length === 1);
    controller.abort(new Error('user pressed stop'));
    expect(await pending).toMatchObject({ kind: 'cancelled', retryable: false });
  }, 10_000);

  it('aborting during the retry wait ends the wait and sends nothing more', async () => {
    fake.inject({ kind: 'rate_limit', retryAfter: 30, times: 3 });
    const waiting = endlessSleep();
    const h = harness(openai(), make(), { sleep: waiting.sleep });
    const controller = new AbortController();
    const pending = imageError(h.client.generate(REQUEST, { signal: controller.signal }));
    await waiting.started;
    expect(waiting.delays).toEqual([30_000]);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'cancelled', retryable: false });
    await settle();
    expect(fake.log.map((e) => e.status)).toEqual([429]);
  }, 10_000);

  it('an already aborted signal sends nothing', async () => {
    const h = harness(openai(), make());
    const error = await imageError(h.client.generate(REQUEST, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ kind: 'cancelled', retryable: false });
    expect(fake.log).toHaveLength(0);
  });

  it('aborting a fan-out cancels every call in flight and starts no new one', async () => {
    fake.inject({ kind: 'hang', times: 10 });
    const h = harness(openai(), make(), { timeoutMs: NO_TIMEOUT, concurrency: 2 });
    const controller = new AbortController();
    const pending = imageError(
      h.client.generate({ prompt: 'three foxes', model: 'dall-e-3', n: 3 }, { signal: controller.signal }),
    );
    await until(() => fake.log.length === 2);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'cancelled' });
    await settle();
    expect(fake.log).toHaveLength(2);
  }, 10_000);

  it('aborting while a URL result downloads cancels the download', async () => {
    fake.inject({ kind: 'hang', route: 'files' });
    const h = harness(openai(), make(), { timeoutMs: NO_TIMEOUT });
    const controller = new AbortController();
    const pending = imageError(
      h.client.generate(
        { prompt: 'a kite', model: 'dall-e-2', size: '256x256', responseFormat: 'url' },
        { signal: controller.signal },
      ),
    );
    await until(() => fake.log.some((e) => e.route === 'files'));
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'cancelled' });
    await settle();
    expect(fake.log.map((e) => e.route)).toEqual(['openai.generations', 'files']);
  }, 10_000);
});
