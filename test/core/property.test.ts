// Property (fast-check, fixed seed): for arbitrary generation requests over the model ids both sides know,
// with every field drawn from valid and invalid values,
//   1. if the core accepts a request, the fake upstream accepts everything the core sends (real HTTP);
//   2. if the fake rejects the same request sent naively (camelCase → snake_case, no core in between) for a
//      rule, the core rejected it first, before any network call.
// The one designed exception to 2: DALL-E 3 with n > 1, which the fake (like the API) refuses and the core
// splits into n calls of one image (fan-out); there the core must succeed with n images.
// The fake keeps its own rule table (test/fake-upstream/rules.ts), written independently of the core.
import { type ImageRequest, ImageError } from '@brushwork/core';
import { createImageClient } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { type FakeFamily, type FakeUpstream, familyOfModel, startFakeUpstream } from '../fake-upstream/index.ts';
import { KEY } from './helpers.ts';

// No retired ids: every known model is judged by its rules (the default fake retires gpt-image-1).
const fake: FakeUpstream = await startFakeUpstream({ retiredModels: [] });
afterAll(() => fake.close());

const MODELS = [
  'dall-e-2',
  'dall-e-3',
  'gpt-image-1',
  'gpt-image-1-mini',
  'gpt-image-1.5',
  'gpt-image-2',
  'gpt-image-2.6-flare',
] as const;

const SIZES = [
  '256x256',
  '512x512',
  '1024x1024',
  '1792x1024',
  '1024x1792',
  '1536x1024',
  '1024x1536',
  'auto',
  '2048x1152',
  '2160x3840',
  '3840x1280',
  '3856x1280',
  '1008x3024',
  '1024x16',
  '1000x1000',
  '0x1024',
  '1024X1024',
  'big',
];

/** Prompts: ordinary, blank, and around every family's length limit (code points, astral characters too). */
const prompt = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a lighthouse at dusk', 'two cats on a sofa', 'Ein Fuchs im Schnee') },
  { weight: 1, arbitrary: fc.constantFrom('', '   ') },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(999, 1000, 1001, 4000, 4001, 32_000, 32_001), fc.constantFrom('a', '🦊'))
      .map(([length, unit]) => unit.repeat(length)),
  },
);

/** WxH with both sides multiples of 16 (the GPT image 2 free rule decides the rest). */
const freeSize = fc
  .tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 }))
  .map(([w, h]) => `${w * 16}x${h * 16}`);

/**
 * One field: mostly absent, often a value the fake's own table (not the core's) allows for the model, sometimes
 * anything from the pool (valid for some model or for none). Biased so that both outcomes are common.
 */
function field<T>(valid: readonly T[], pool: readonly T[], extra?: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  const any = extra ? fc.oneof(fc.constantFrom(...pool), extra) : fc.constantFrom(...pool);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: valid.length > 0 ? 3 : 0,
      arbitrary: valid.length > 0 ? fc.constantFrom(...valid) : fc.constant(undefined),
    },
    { weight: 1, arbitrary: any },
  );
}

const request: fc.Arbitrary<ImageRequest> = fc.constantFrom(...MODELS).chain((model) => {
  const family = familyOfModel(model) as FakeFamily;
  const gpt = family.gptFields;
  const sizes = family.sizes === 'free' ? ['auto', '1024x1024', '1536x1024', '2048x1152', '1024x3072'] : family.sizes;
  return fc
    .record({
      prompt,
      model: fc.constant(model),
      n: field(family.maxN === 1 ? [1] : [1, 2], [0, 1, 2, 3, 10, 11, 1.5]),
      size: field(sizes, SIZES, freeSize),
      quality: field(family.qualities, ['standard', 'hd', 'low', 'medium', 'high', 'auto', 'ultra']),
      style: field(family.styles, ['vivid', 'natural', 'cartoon']),
      responseFormat: field(family.responseFormat ? ['url', 'b64_json'] : [], ['url', 'b64_json', 'png']),
      background: field(gpt ? ['transparent', 'opaque', 'auto'] : [], ['transparent', 'opaque', 'auto', 'none']),
      moderation: field(gpt ? ['low', 'auto'] : [], ['low', 'auto', 'strict']),
      // jpeg/webp cost the fake a sharp encode each: drawn less often than png.
      outputFormat: field(gpt ? ['png', 'png', 'png', 'jpeg', 'webp'] : [], ['png', 'jpeg', 'webp', 'gif']),
      outputCompression: field(gpt ? [0, 50, 100] : [], [0, 50, 100, 101, -1]),
      user: field(['user-1234'], ['user-1234']),
      stream: field(gpt ? [true, false] : [false], [true, false]),
      partialImages: field(gpt ? [0, 1, 3] : [], [0, 1, 3, 4]),
    })
    .map((fields) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
      return out as unknown as ImageRequest;
    });
});

const WIRE_NAMES: Record<string, string> = {
  responseFormat: 'response_format',
  outputFormat: 'output_format',
  outputCompression: 'output_compression',
  partialImages: 'partial_images',
};

/** The request as a naive client would send it: field names mapped, nothing checked, defaulted or split. */
async function sendNaively(r: ImageRequest): Promise<{ status: number; param?: string; code?: string }> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r)) body[WIRE_NAMES[key] ?? key] = value;
  const response = await fetch(`${fake.openaiBaseUrl}/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status === 200) return { status: 200 };
  const error = (JSON.parse(text) as { error?: { param?: string; code?: string } }).error;
  return { status: response.status, param: error?.param ?? undefined, code: error?.code ?? undefined };
}

/** Requests the core refused although the fake took them as they were: the core is stricter there. */
const stricter = new Map<string, number>();

const client = createImageClient({
  provider: { kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl },
  transport: createGotTransport(),
  maxRetries: 0,
  timeoutMs: 30_000,
});

it('the core accepts only what the fake accepts, and rejects first whatever the fake rejects for a rule', async () => {
  let accepted = 0;
  let rejected = 0;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      fake.reset();
      let coreError: ImageError | undefined;
      let images = 0;
      try {
        images = (await client.generate(r)).images.length;
      } catch (caught) {
        if (!(caught instanceof ImageError)) throw caught;
        coreError = caught;
      }
      const sent = fake.log.slice();

      if (coreError?.kind === 'invalid_request' && coreError.problems && sent.length === 0) {
        // Rejected before any network call, naming each field and what is allowed.
        rejected++;
        expect(coreError.problems.length).toBeGreaterThan(0);
        for (const problem of coreError.problems) {
          expect(problem.field).toMatch(/^[a-zA-Z]+$/);
          expect(problem.message.length).toBeGreaterThan(10);
        }
      } else {
        // 1. Accepted by the core ⇒ every call it made was accepted by the fake, with all the images.
        accepted++;
        expect(sent.map((entry) => entry.status)).toEqual(sent.map(() => 200));
        expect(coreError).toBeUndefined();
        expect(images).toBe(r.n ?? 1);
      }

      const naive = await sendNaively(r);
      if (naive.status === 400) {
        const fanOut = r.model === 'dall-e-3' && naive.param === 'n' && typeof r.n === 'number' && r.n > 1;
        if (fanOut && Number.isInteger(r.n) && (r.n as number) <= 10) return; // designed: split into n calls
        // 2. The fake refused it for a rule ⇒ the core refused it first.
        expect({ naive, coreRejected: coreError?.kind === 'invalid_request' && sent.length === 0 }).toEqual({
          naive,
          coreRejected: true,
        });
      } else {
        expect(naive.status).toBe(200);
        if (coreError) {
          const fields = (coreError.problems ?? []).map((p) => p.field).join('+');
          stricter.set(`${r.model}: ${fields}`, (stricter.get(`${r.model}: ${fields}`) ?? 0) + 1);
        }
      }
    }),
    { numRuns: 160, seed: 20_261_126, endOnFailure: true },
  );
  // Both sides of the property were exercised.
  expect(accepted).toBeGreaterThan(25);
  expect(rejected).toBeGreaterThan(25);
  if (process.env.BRUSHWORK_PROPERTY_REPORT) console.log({ accepted, rejected, stricter: [...stricter] });
}, 60_000);

// The spec's own example sends output_compression 100 (the default) with png: accepted and sent.
it('outputCompression 100 with png output (the spec example) is accepted and sent', async () => {
  fake.reset();
  const result = await client.generate({
    prompt: 'a lighthouse at dusk',
    model: 'gpt-image-2',
    outputFormat: 'png',
    outputCompression: 100,
  });
  expect(result.images).toHaveLength(1);
  expect(fake.log[0]?.body).toMatchObject({ output_format: 'png', output_compression: 100 });
});
