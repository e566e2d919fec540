// Rate-limit pacing through @brushwork/core: a batch of images sent at once against the fake's sliding
// window limit (429 + Retry-After). Shared by pacing.test.ts (correctness only, reduced window) and
// run-full.mjs (the figure: total time against the theoretical minimum, MET/MISSED at 1.15x).
import { ImageError } from '@brushwork/core';
import { createImageClient, timerSleep } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import { CANARY_KEY } from './secrets.ts';
import { startCanaryFake } from './harness.ts';
import { theoreticalMinimumMs } from './scale.ts';

export const PACING_TARGET_RATIO = 1.15;

export interface PacingFigures {
  images: number;
  imagesPerWindow: number;
  windowMs: number;
  delivered: number;
  failures: number;
  failureKinds: string[];
  /** 429 answers the fake sent */
  rateLimited: number;
  /** HTTP requests the fake saw */
  requests: number;
  elapsedMs: number;
  minimumMs: number;
  ratio: number;
}

/**
 * Sends `images` generations of one image each, all at once, through one core client with its default
 * retry settings and the real timer sleep, against a fake limited to `imagesPerWindow` per `windowMs`.
 */
export async function runPacing(options: {
  images: number;
  imagesPerWindow: number;
  windowMs: number;
  retryAfterMs?: boolean;
}): Promise<PacingFigures> {
  const fake = await startCanaryFake({
    rateLimit: {
      imagesPerMinute: options.imagesPerWindow,
      retryAfter: true,
      retryAfterMs: options.retryAfterMs ?? false,
      windowMs: options.windowMs,
    },
  });
  try {
    const client = createImageClient({
      provider: { kind: 'openai', apiKey: CANARY_KEY, baseUrl: fake.openaiBaseUrl },
      transport: createGotTransport({ maxSockets: options.images }),
      sleep: timerSleep,
    });
    const started = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: options.images }, (_, i) =>
        client.generate({ prompt: `pacing image ${i}`, model: 'gpt-image-2', n: 1, size: '256x256', quality: 'low' }),
      ),
    );
    const elapsedMs = performance.now() - started;
    let delivered = 0;
    const failureKinds: string[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') delivered += outcome.value.images.length;
      else failureKinds.push(outcome.reason instanceof ImageError ? outcome.reason.kind : String(outcome.reason));
    }
    const minimumMs = theoreticalMinimumMs(options.images, options.imagesPerWindow, options.windowMs);
    return {
      images: options.images,
      imagesPerWindow: options.imagesPerWindow,
      windowMs: options.windowMs,
      delivered,
      failures: failureKinds.length,
      failureKinds,
      rateLimited: fake.log.filter((e) => e.rateLimited).length,
      requests: fake.log.length,
      elapsedMs,
      minimumMs,
      ratio: minimumMs === 0 ? 1 : elapsedMs / minimumMs,
    };
  } finally {
    await fake.close();
  }
}

export function describePacing(f: PacingFigures): string {
  const verdict = f.ratio <= PACING_TARGET_RATIO ? 'MET' : 'MISSED';
  return [
    `pacing: ${f.images} images at ${f.imagesPerWindow} per ${f.windowMs / 1000} s (429 + Retry-After)`,
    `  delivered ${f.delivered}/${f.images}, failures ${f.failures}${f.failures ? ` (${f.failureKinds.join(', ')})` : ''}, 429s ${f.rateLimited}, requests ${f.requests}`,
    `  total ${(f.elapsedMs / 1000).toFixed(2)} s, theoretical minimum ${(f.minimumMs / 1000).toFixed(2)} s, ratio ${f.ratio.toFixed(3)} (target ≤ ${PACING_TARGET_RATIO}: ${verdict})`,
  ].join('\n');
}
