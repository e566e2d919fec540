// Fault matrix through @brushwork/core: generations against the fake upstream over real HTTP (got), about
// 30 % of them under a fault (fault-mix.ts). Every request must end with all its images or a classified
// ImageError; nothing crashes, no promise is left unhandled, retries never deliver an image twice, and the
// canary key shows up nowhere. Sizes: scale.ts (RELIABILITY_FULL=1 for the full 500).
import { ImageError, type ImageRequest, type ImageResult, type ProgressEvent } from '@brushwork/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeUpstream, RequestLogEntry } from '../fake-upstream/index.ts';
import {
  ALLOWED_ERROR_KINDS,
  describePlan,
  type FaultPlanItem,
  injectPlanned,
  OutcomeTally,
  planFaults,
  probabilisticFaults,
  seededRandom,
  watchProcessFailures,
} from './fault-mix.ts';
import {
  azureProvider,
  type CoreOnFake,
  coreClient,
  expectedImageHash,
  openaiProvider,
  sha256,
  startCanaryFake,
} from './harness.ts';
import { recordFigures, verdict } from './figures.ts';
import { reliabilityScale } from './scale.ts';
import { captureOutput, SecretScanner } from './secrets.ts';

const scale = reliabilityScale();
const MAX_RETRIES = 2;
const ERROR_KINDS = new Set([
  'invalid_request',
  'authentication',
  'permission',
  'model_not_found',
  'content_policy',
  'rate_limit',
  'quota',
  'timeout',
  'network',
  'server',
  'bad_response',
  'cancelled',
]);

interface PlannedRequest {
  index: number;
  via: 'openai' | 'azure';
  request: ImageRequest;
  width: number;
  height: number;
}

/** A seeded mix of families, sizes, n and response formats; URL results where the fault needs one. */
export function planRequest(item: FaultPlanItem, random: () => number): PlannedRequest {
  const prompt = `fault matrix request ${item.index}: a lighthouse, variant ${Math.floor(random() * 1e6)}`;
  const pick = random();
  if (item.fault?.needsUrl || (pick >= 0.8 && pick < 0.9)) {
    const n = random() < 0.3 ? 2 : 1;
    return {
      index: item.index,
      via: 'openai',
      request: { prompt, model: 'dall-e-2', n, size: '256x256', responseFormat: 'url' },
      width: 256,
      height: 256,
    };
  }
  if (pick < 0.45) {
    const n = 1 + Math.floor(random() * 3);
    return {
      index: item.index,
      via: 'openai',
      request: { prompt, model: 'gpt-image-2', n, size: '512x512', quality: 'low' },
      width: 512,
      height: 512,
    };
  }
  if (pick < 0.6) {
    return {
      index: item.index,
      via: 'openai',
      request: { prompt, model: 'gpt-image-1.5', n: 1, size: '1024x1024', quality: 'low' },
      width: 1024,
      height: 1024,
    };
  }
  if (pick < 0.7) {
    // n=2 on DALL-E 3 fans out into two calls
    const n = random() < 0.3 ? 2 : 1;
    return {
      index: item.index,
      via: 'openai',
      request: { prompt, model: 'dall-e-3', n, size: '1024x1024', responseFormat: 'b64_json' },
      width: 1024,
      height: 1024,
    };
  }
  if (pick < 0.8) {
    return {
      index: item.index,
      via: 'azure',
      request: { prompt, n: 1, size: '512x512', quality: 'low' },
      width: 512,
      height: 512,
    };
  }
  return {
    index: item.index,
    via: 'openai',
    request: { prompt, model: 'dall-e-2', n: 1, size: '256x256', responseFormat: 'b64_json' },
    width: 256,
    height: 256,
  };
}

const GENERATION_ROUTES = new Set(['openai.generations', 'azure.generations']);

/** Images the fake served whole for a prompt: answered 200 with no fault. */
function servedImages(log: readonly RequestLogEntry[], prompt: string): number {
  return log
    .filter(
      (e) => e.route && GENERATION_ROUTES.has(e.route) && e.body?.prompt === prompt && e.status === 200 && !e.fault,
    )
    .reduce((sum, e) => sum + e.images, 0);
}

describe(`core fault matrix (${scale.form}: ${scale.coreGenerations} generations)`, () => {
  let fake: FakeUpstream;
  afterAll(async () => {
    await fake?.close();
  });

  it('every generation ends with its images or a classified ImageError; no duplicates, no crash, no leak', async () => {
    fake = await startCanaryFake({ seed: 11 });
    const openai = coreClient(openaiProvider(fake), { timeoutMs: scale.attemptTimeoutMs, maxRetries: MAX_RETRIES });
    const azure = coreClient(azureProvider(fake), { timeoutMs: scale.attemptTimeoutMs, maxRetries: MAX_RETRIES });
    const plan = planFaults({ count: scale.coreGenerations, rate: scale.faultRate, seed: 5, maxRetries: MAX_RETRIES });
    const random = seededRandom(99);
    const requests = plan.map((item) => planRequest(item, random));
    const watch = watchProcessFailures();
    const tally = new OutcomeTally();
    const byFault = new OutcomeTally();
    const scanner = new SecretScanner();
    const problems: string[] = [];
    const outcomes: Array<{
      item: FaultPlanItem;
      planned: PlannedRequest;
      result?: ImageResult;
      error?: unknown;
      timedOut: boolean;
    }> = [];

    const { lines } = await captureOutput(async () => {
      for (const item of plan) {
        const planned = requests[item.index] as PlannedRequest;
        const core: CoreOnFake = planned.via === 'azure' ? azure : openai;
        await injectPlanned(fake, item);
        // an attempt abandoned at the timeout may still be answered by the fake: such a request may
        // have been served more images than it delivers (never the other way round)
        let timedOut = false;
        const onProgress = (event: ProgressEvent) => {
          if (event.type === 'retry' && /timed out/i.test(event.reason)) timedOut = true;
        };
        try {
          const result = await core.client.generate(planned.request, { onProgress });
          outcomes.push({ item, planned, result, timedOut });
        } catch (error) {
          outcomes.push({
            item,
            planned,
            error,
            timedOut: timedOut || (error instanceof ImageError && error.kind === 'timeout'),
          });
        }
      }
      // a hung attempt the client gave up on, a late socket error: give stragglers a moment to surface
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    watch.stop();

    for (const { item, planned, result, error, timedOut } of outcomes) {
      if (timedOut && item.fault?.kind !== 'hang')
        tally.add('note: an attempt timed out (slow answer, not a planned hang)');
      const n = planned.request.n ?? 1;
      const fault = item.fault;
      const label = fault ? `${fault.kind}×${fault.attempts}` : 'none';
      if (error !== undefined) {
        scanner.value(`request ${item.index} error`, error);
        if (!(error instanceof ImageError) || !ERROR_KINDS.has(error.kind)) {
          tally.add('crash (not an ImageError)');
          problems.push(`#${item.index} (${label}) threw ${String(error)}`);
          continue;
        }
        tally.add(`error: ${error.kind}`);
        byFault.add(`${fault?.kind ?? 'none'} → error ${error.kind}`);
        if (!fault) problems.push(`#${item.index}: no fault, yet ${error.kind}: ${error.message}`);
        else if (fault.recoverable)
          problems.push(`#${item.index} (${label}) should have recovered: ${error.kind}: ${error.message}`);
        else if (!ALLOWED_ERROR_KINDS[fault.kind].includes(error.kind))
          problems.push(
            `#${item.index} (${label}) ended with ${error.kind}, expected ${ALLOWED_ERROR_KINDS[fault.kind].join('/')}`,
          );
        if (!timedOut && servedImages(fake.log, planned.request.prompt) > 0 && planned.request.responseFormat !== 'url')
          problems.push(`#${item.index} (${label}): the fake served images that were not delivered`);
        continue;
      }
      const images = result?.images ?? [];
      scanner.value(`request ${item.index} result`, {
        ...result,
        images: images.map((i) => ({ ...i, bytes: undefined })),
      });
      for (const e of result?.errors ?? []) scanner.value(`request ${item.index} partial error`, e);
      const complete = images.length === n && (result?.errors.length ?? 0) === 0;
      tally.add(
        complete ? (fault ? 'images (recovered from a fault)' : 'images (no fault)') : 'partial (images + errors)',
      );
      byFault.add(`${fault?.kind ?? 'none'} → ${complete ? 'images' : 'partial'}`);
      if (!complete) {
        if (!fault) problems.push(`#${item.index}: no fault, yet ${images.length}/${n} images`);
        if (images.length + (result?.errors ?? []).reduce((s, e) => s + (e.indexes?.length ?? 1), 0) !== n)
          problems.push(`#${item.index} (${label}): images + failed indexes do not add up to n=${n}`);
        for (const e of result?.errors ?? [])
          if (fault && !ALLOWED_ERROR_KINDS[fault.kind].includes(e.kind))
            problems.push(`#${item.index} (${label}): partial error ${e.kind}`);
      }
      // identity: each index once, each image the one the fake rendered for it. DALL-E 3 fans n out into
      // calls of one image each, and the fake renders each call's image as image 0 of that prompt.
      const fannedOut = planned.request.model === 'dall-e-3' && n > 1;
      const indexes = images.map((i) => i.index);
      if (new Set(indexes).size !== indexes.length)
        problems.push(`#${item.index} (${label}): duplicate image indexes ${indexes}`);
      if (images.length > n) problems.push(`#${item.index} (${label}): ${images.length} images for n=${n}`);
      for (const image of images) {
        const position = fannedOut ? 0 : image.index;
        const expected = await expectedImageHash(planned.request.prompt, position, planned.width, planned.height);
        if (sha256(image.bytes) !== expected)
          problems.push(`#${item.index} (${label}): image ${image.index} is not the one served for it`);
      }
      const hashes = images.map((i) => sha256(i.bytes));
      if (!fannedOut && new Set(hashes).size !== hashes.length)
        problems.push(`#${item.index} (${label}): the same image twice`);
      const served = servedImages(fake.log, planned.request.prompt);
      if (planned.request.responseFormat === 'url' || timedOut ? images.length > served : images.length !== served)
        problems.push(`#${item.index} (${label}): delivered ${images.length} images, the fake served ${served}`);
    }

    scanner.lines('captured output', lines);
    const summary = describePlan(plan);
    const retries = openai.delays.length + azure.delays.length;
    console.log(
      [
        `core fault matrix (${scale.form}): ${plan.length} generations, ${summary.faulted} faulted (${(summary.share * 100).toFixed(0)} %), ${summary.persistent} beyond every retry; ${openai.requests.length + azure.requests.length} HTTP requests, ${retries} retries`,
        tally.table('outcomes:'),
        byFault.table('by fault:'),
        `unhandled rejections / uncaught exceptions: ${watch.failures.length}; canary key occurrences: ${scanner.hits.length} in ${scanner.scanned} texts`,
      ].join('\n'),
    );

    const crashes = tally.get('crash (not an ImageError)');
    await recordFigures({
      suite: 'core-faults',
      title: 'Fault matrix through @brushwork/core',
      rows: [
        { figure: 'generations', value: plan.length, target: scale.form === 'full' ? '≥ 500' : undefined },
        {
          figure: 'faulted (share)',
          value: `${summary.faulted} (${(summary.share * 100).toFixed(0)} %)`,
          target: '≈ 30 %',
        },
        {
          figure: 'ended with all images',
          value: tally.get('images (no fault)') + tally.get('images (recovered from a fault)'),
        },
        {
          figure: 'ended with a classified error',
          value: [...tally.counts].filter(([k]) => k.startsWith('error: ')).reduce((n, [, v]) => n + v, 0),
        },
        { figure: 'partial (images + errors)', value: tally.get('partial (images + errors)') },
        { figure: 'crashes', value: crashes, target: '0', verdict: verdict(crashes === 0) },
        {
          figure: 'unhandled rejections',
          value: watch.failures.length,
          target: '0',
          verdict: verdict(watch.failures.length === 0),
        },
        {
          figure: 'invariant violations (incl. duplicate images)',
          value: problems.length,
          target: '0',
          verdict: verdict(problems.length === 0),
        },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
      details: {
        outcomes: tally.toObject(),
        byFault: byFault.toObject(),
        planByKind: summary.byKind,
        retries,
        httpRequests: openai.requests.length + azure.requests.length,
      },
    });

    expect(watch.failures).toEqual([]);
    expect(problems).toEqual([]);
    expect(tally.total()).toBe(plan.length);
    expect(summary.share).toBeGreaterThanOrEqual(0.29);
    expect(summary.share).toBeLessThanOrEqual(0.31);
    // every fault kind of the issue was exercised
    expect(Object.keys(summary.byKind).length).toBe(11);
    expect(scanner.scanned).toBeGreaterThan(plan.length);
    expect(scanner.hits, scanner.report()).toEqual([]);
    // the key did travel (the fake accepted it), so the scan is meaningful
    expect(fake.log.some((e) => e.authValid === true)).toBe(true);
  }, 600_000);

  it('under concurrency (16 in flight, faults drawn per request, retries included): the same guarantees', async () => {
    fake.reset();
    fake.clearLog();
    const openai = coreClient(openaiProvider(fake), { timeoutMs: scale.attemptTimeoutMs, maxRetries: MAX_RETRIES });
    const azure = coreClient(azureProvider(fake), { timeoutMs: scale.attemptTimeoutMs, maxRetries: MAX_RETRIES });
    fake.inject(probabilisticFaults({ rate: scale.faultRate }));
    const random = seededRandom(1234);
    const count = scale.coreGenerations;
    const requests = Array.from({ length: count }, (_, index) =>
      planRequest(
        {
          index,
          fault:
            random() < 0.05
              ? { kind: 'expired_url', attempts: 1, specs: [], needsUrl: true, recoverable: false }
              : undefined,
        },
        random,
      ),
    );
    const watch = watchProcessFailures();
    const tally = new OutcomeTally();
    const scanner = new SecretScanner();
    const problems: string[] = [];
    const allowed = new Set(Object.values(ALLOWED_ERROR_KINDS).flat());
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const planned = requests[next++] as PlannedRequest;
        const core = planned.via === 'azure' ? azure : openai;
        const n = planned.request.n ?? 1;
        let timedOut = false;
        const onProgress = (event: ProgressEvent) => {
          if (event.type === 'retry' && /timed out/i.test(event.reason)) timedOut = true;
        };
        try {
          const result = await core.client.generate(planned.request, { onProgress });
          scanner.value(`request ${planned.index} result`, { ...result, images: result.images.length });
          const complete = result.images.length === n;
          tally.add(complete ? 'images' : 'partial (images + errors)');
          for (const e of result.errors) {
            scanner.value(`request ${planned.index} partial error`, e);
            if (!allowed.has(e.kind)) problems.push(`#${planned.index}: partial error ${e.kind}`);
          }
          const failedIndexes = result.errors.reduce((sum, e) => sum + (e.indexes?.length ?? 1), 0);
          if (result.images.length + failedIndexes !== n) problems.push(`#${planned.index}: images + failed ≠ n`);
          const indexes = result.images.map((i) => i.index);
          if (new Set(indexes).size !== indexes.length) problems.push(`#${planned.index}: duplicate indexes`);
          // identity: each image is the one served for its position (DALL-E 3 fan-out: image 0 of each call)
          const fannedOut = planned.request.model === 'dall-e-3' && n > 1;
          for (const image of result.images) {
            const expected = await expectedImageHash(
              planned.request.prompt,
              fannedOut ? 0 : image.index,
              planned.width,
              planned.height,
            );
            if (sha256(image.bytes) !== expected)
              problems.push(`#${planned.index}: image ${image.index} is not the one served for it`);
          }
          // a slow answer abandoned at the timeout may be served too: then served ≥ delivered
          const served = servedImages(fake.log, planned.request.prompt);
          if (
            planned.request.responseFormat === 'url' || timedOut
              ? result.images.length > served
              : result.images.length !== served
          )
            problems.push(`#${planned.index}: delivered ${result.images.length}, served ${served}`);
        } catch (error) {
          scanner.value(`request ${planned.index} error`, error);
          if (!(error instanceof ImageError)) {
            tally.add('crash (not an ImageError)');
            problems.push(`#${planned.index} threw ${String(error)}`);
          } else {
            tally.add(`error: ${error.kind}`);
            if (!allowed.has(error.kind)) problems.push(`#${planned.index}: ${error.kind}: ${error.message}`);
          }
        }
      }
    };
    const { lines } = await captureOutput(async () => {
      await Promise.all(Array.from({ length: 16 }, worker));
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    watch.stop();
    scanner.lines('captured output', lines);
    const faulted = fake.log.filter((e) => e.fault).length;
    const share = faulted / fake.log.length;
    console.log(
      [
        `core fault matrix, concurrent (${scale.form}): ${count} generations, 16 in flight; ${fake.log.length} HTTP requests reached the fake, ${faulted} faulted (${(share * 100).toFixed(0)} %)`,
        tally.table('outcomes:'),
        `unhandled rejections / uncaught exceptions: ${watch.failures.length}; canary key occurrences: ${scanner.hits.length}`,
      ].join('\n'),
    );
    const crashes = tally.get('crash (not an ImageError)');
    await recordFigures({
      suite: 'core-faults-concurrent',
      title: 'Fault matrix through @brushwork/core, 16 in flight, faults drawn per HTTP request (retries too)',
      rows: [
        { figure: 'generations', value: count },
        {
          figure: 'HTTP requests faulted (share)',
          value: `${faulted}/${fake.log.length} (${(share * 100).toFixed(0)} %)`,
          target: '≈ 30 %',
        },
        { figure: 'ended with all images', value: tally.get('images') },
        {
          figure: 'ended with a classified error',
          value: [...tally.counts].filter(([k]) => k.startsWith('error: ')).reduce((n, [, v]) => n + v, 0),
        },
        { figure: 'partial (images + errors)', value: tally.get('partial (images + errors)') },
        { figure: 'crashes', value: crashes, target: '0', verdict: verdict(crashes === 0) },
        {
          figure: 'unhandled rejections',
          value: watch.failures.length,
          target: '0',
          verdict: verdict(watch.failures.length === 0),
        },
        {
          figure: 'invariant violations (incl. duplicate images)',
          value: problems.length,
          target: '0',
          verdict: verdict(problems.length === 0),
        },
        {
          figure: 'canary key occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
      details: { outcomes: tally.toObject() },
    });
    expect(watch.failures).toEqual([]);
    expect(problems).toEqual([]);
    expect(tally.total()).toBe(count);
    expect(share).toBeGreaterThan(0.15);
    expect(scanner.hits, scanner.report()).toEqual([]);
  }, 600_000);
});
