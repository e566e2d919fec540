// Rate-limit pacing through @brushwork/core (reduced window; the full minute runs in run-full.mjs). The
// figure (time against the theoretical minimum) is printed, never asserted: only correctness is.
import { describe, expect, it } from 'vitest';
import { recordFigures, verdict } from './figures.ts';
import { describePacing, PACING_TARGET_RATIO, runPacing } from './pacing.ts';
import { reliabilityScale } from './scale.ts';

const scale = reliabilityScale();

describe(`core rate-limit pacing (${scale.form})`, () => {
  it(`${scale.pacing.images} images at ${scale.pacing.imagesPerWindow} per ${scale.pacing.windowMs / 1000} s: zero failures, every image delivered`, async () => {
    const figures = await runPacing(scale.pacing);
    console.log(describePacing(figures));
    await recordFigures({
      suite: 'core-pacing',
      title: `Rate-limit pacing through @brushwork/core (${figures.images} images, ${figures.imagesPerWindow} per ${figures.windowMs / 1000} s, 429 + Retry-After)`,
      rows: [
        {
          figure: 'images delivered',
          value: `${figures.delivered}/${figures.images}`,
          target: 'all',
          verdict: verdict(figures.delivered === figures.images),
        },
        { figure: 'failures', value: figures.failures, target: '0', verdict: verdict(figures.failures === 0) },
        { figure: '429 answers', value: figures.rateLimited },
        { figure: 'total time (s)', value: (figures.elapsedMs / 1000).toFixed(2) },
        { figure: 'theoretical minimum (s)', value: (figures.minimumMs / 1000).toFixed(2) },
        {
          figure: 'ratio to the minimum',
          value: figures.ratio.toFixed(3),
          target: `≤ ${PACING_TARGET_RATIO}x`,
          verdict: verdict(figures.ratio <= PACING_TARGET_RATIO),
        },
      ],
    });
    expect(figures.failureKinds).toEqual([]);
    expect(figures.delivered).toBe(scale.pacing.images);
    // the limit did bite: the batch is twice the window's allowance
    expect(figures.rateLimited).toBeGreaterThan(0);
    expect(figures.requests).toBe(scale.pacing.images + figures.rateLimited);
  }, 300_000);
});
