// End to end in real n8n (the pinned runtime: 2.40.7, or BRUSHWORK_N8N_VERSION): the packed n8n-nodes-brushwork installed as a community package,
// credentials and one workflow imported, executed headless (`n8n execute --rawOutput`) against the fake
// upstream. The cases run as branches of one workflow, so n8n boots four times in all (about 30 s).
import { encodePng, estimateCost, readImageSize, sniffImageType } from '@brushwork/core';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AZURE_DEPLOYMENTS, type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import {
  createN8nHome,
  ensureN8n,
  type ExecutionResult,
  execute,
  importAll,
  type ItemJson,
  type N8nHome,
  N8N_VERSION,
  PACKAGE_DIR,
  packPackage,
} from './harness.ts';
import { model, withEditBranch, workflow } from './workflows.ts';

const WORKFLOW_ID = 'brushworkE2e00001';
const OPENAI_KEY = 'sk-test-brushwork-e2e';
const AZURE_KEY = 'sk-test-brushwork-azure';
const openai = { brushworkOpenAiApi: { id: 'brushworkCredOai1', name: 'Fake OpenAI' } };
const azure = { brushworkAzureOpenAiApi: { id: 'brushworkCredAz01', name: 'Fake Azure' } };

let fake: FakeUpstream;
let home: N8nHome;
let result: ExecutionResult;
let example: ExecutionResult;
const EXAMPLE_ID = 'brushworkExample01';
const EXAMPLE_PATH = join(PACKAGE_DIR, 'examples/generate-images.workflow.json');

/** A 512x512 RGBA mask: the left half transparent (to be edited), the right half opaque. */
function halfMask(): Uint8Array {
  const width = 512;
  const height = 512;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = width / 2; x < width; x++) data[(y * width + x) * 4 + 3] = 255;
  }
  return encodePng({ width, height, data });
}
const MASK = halfMask();
const COST_REQUEST = { model: model('gpt-image-1.5'), size: '1024x1024', quality: 'low' };
const COST_ESTIMATE = estimateCost({
  model: 'gpt-image-1.5',
  size: '1024x1024',
  quality: 'low',
  prompt: 'A capped kettle 1',
});
const CAP_FOR_TWO = Number((COST_ESTIMATE.usd! * 2.5).toFixed(6));
const EDIT_PREFIX = 'Add a red scarf to ';

function images(items: ItemJson[]) {
  return items.map((item) => {
    const binary = item.binary?.data;
    if (!binary) throw new Error(`item without binary: ${JSON.stringify(item.json)}`);
    const bytes = new Uint8Array(Buffer.from(binary.data, 'base64'));
    return { bytes, binary, json: item.json, type: sniffImageType(bytes), size: readImageSize(bytes) };
  });
}

beforeAll(async () => {
  await ensureN8n((line) => console.log(line));
  fake = await startFakeUpstream({ azureDeployments: { ...DEFAULT_AZURE_DEPLOYMENTS, burst: 'gpt-image-2' } });
  const tarball = await packPackage(`${process.env.TMPDIR ?? '/tmp'}/brushwork-e2e-pack`);
  home = await createN8nHome(tarball);
  await importAll(
    home,
    [
      {
        id: openai.brushworkOpenAiApi.id,
        name: openai.brushworkOpenAiApi.name,
        type: 'brushworkOpenAiApi',
        data: { apiKey: OPENAI_KEY, url: fake.openaiBaseUrl, organizationId: '', projectId: '' },
      },
      {
        id: azure.brushworkAzureOpenAiApi.id,
        name: azure.brushworkAzureOpenAiApi.name,
        type: 'brushworkAzureOpenAiApi',
        data: { apiKey: AZURE_KEY, endpoint: fake.azureEndpoint, apiVersion: '2025-04-01-preview', api: 'deployment' },
      },
    ],
    [
      withEditBranch(
        workflow(WORKFLOW_ID, 'Brushwork end to end', [
          {
            name: 'Several items',
            prompts: ['A red kite', 'A green field', 'A blue lake', 'A white cloud'],
            parameters: {
              provider: 'openai',
              model: model('gpt-image-2'),
              size: 'custom',
              customSize: '512x768',
              quality: 'low',
            },
            credentials: openai,
          },
          {
            name: 'DALL-E 3 n=3',
            prompts: ['A cat astronaut'],
            parameters: {
              provider: 'openai',
              model: model('dall-e-3'),
              n: 3,
              size: '1024x1024',
              quality: 'standard',
              style: 'vivid',
            },
            credentials: openai,
          },
          {
            name: 'Azure',
            prompts: ['A harbour at night', 'A lighthouse'],
            parameters: {
              provider: 'azure',
              deployment: 'images',
              model: model('gpt-image-2'),
              size: '1024x1024',
              outputFormat: 'jpeg',
              outputCompression: 60,
            },
            credentials: azure,
          },
          {
            name: 'Refused',
            prompts: ['A calm lake', 'Something forbidden here', 'A quiet forest'],
            parameters: { provider: 'openai', model: model('gpt-image-2'), size: '1024x1024' },
            credentials: openai,
            continueOnFail: true,
          },
          {
            name: 'Burst',
            prompts: ['One', 'Two', 'Three', 'Four', 'Five'],
            parameters: { provider: 'azure', deployment: 'burst', model: model('gpt-image-2'), size: '1024x1024' },
            credentials: azure,
          },
          {
            name: 'Cost',
            prompts: ['A copper kettle', 'A copper teapot'],
            parameters: { provider: 'openai', ...COST_REQUEST, n: 2 },
            credentials: openai,
          },
          {
            name: 'Estimate',
            prompts: ['An estimated kettle', 'An estimated teapot'],
            parameters: { provider: 'openai', operation: 'estimate', ...COST_REQUEST, n: 2 },
            credentials: openai,
          },
          {
            // The execution cap fits two of the three items: the third is an error item, never sent.
            name: 'Capped',
            prompts: ['A capped kettle 1', 'A capped kettle 2', 'A capped kettle 3'],
            parameters: {
              provider: 'openai',
              ...COST_REQUEST,
              options: { maxCostPerExecution: CAP_FOR_TWO, concurrency: 3 },
            },
            credentials: openai,
            continueOnFail: true,
          },
          {
            name: 'Sandbox',
            prompts: ['A paper boat'],
            parameters: { provider: 'sandbox', model: model('gpt-image-2'), size: '1024x1024', quality: 'low' },
          },
        ]),
        {
          // Source images from a first Brushwork step, the mask from n8n's Convert to File, merged by position.
          name: 'Edit',
          prompts: ['a fox', 'an owl'],
          source: {
            provider: 'openai',
            model: model('gpt-image-2'),
            size: 'custom',
            customSize: '512x512',
            quality: 'low',
          },
          maskBase64: Buffer.from(MASK).toString('base64'),
          editPrompt: EDIT_PREFIX,
          parameters: {
            provider: 'openai',
            model: model('gpt-image-2'),
            size: '1024x1536',
            quality: 'low',
            outputFormat: 'webp',
            outputCompression: 80,
          },
          credentials: openai,
        },
      ),
      // The example workflow users can import, as shipped.
      { ...JSON.parse(await readFile(EXAMPLE_PATH, 'utf8')), id: EXAMPLE_ID },
    ],
  );
  // Every final image is signed (C2PA), as OpenAI and Azure sign theirs.
  fake.configure({ c2pa: true });
  // Every first attempt of the Burst branch is answered 429 with Retry-After: 1.
  fake.inject({ kind: 'rate_limit', route: 'azure.generations', path: '/deployments/burst/', times: 5, retryAfter: 1 });
  result = await execute(home, WORKFLOW_ID);
  example = await execute(home, EXAMPLE_ID);
}, 20 * 60_000);

afterAll(async () => {
  await fake?.close();
  if (home) await rm(home.dir, { recursive: true, force: true });
});

describe(`Brushwork in real n8n ${N8N_VERSION}`, () => {
  it('the run has no node errors and never shows a key', () => {
    expect(result.errors).toEqual({});
    const raw = JSON.stringify(result.raw);
    expect(raw).not.toContain(OPENAI_KEY);
    expect(raw).not.toContain(AZURE_KEY);
  });

  it('several items become binaries of the right type and size, paired to their inputs', () => {
    const out = images(result.outputs['Several items'] ?? []);
    expect(out).toHaveLength(4);
    out.forEach((image, i) => {
      expect(image.type?.mimeType).toBe('image/png');
      expect(image.binary.mimeType).toBe('image/png');
      expect(image.binary.fileName).toMatch(/^\d{8}-\d{6}-[a-z0-9-]+-1\.png$/);
      expect(image.size).toEqual({ width: 512, height: 768 });
      expect(image.json).toMatchObject({ size: '512x768', model: 'gpt-image-2', quality: 'low', index: 0 });
      expect(result.outputs['Several items']?.[i]?.pairedItem).toEqual({ item: i });
    });
    expect(out.map((image) => image.json.prompt)).toEqual([
      'A red kite',
      'A green field',
      'A blue lake',
      'A white cloud',
    ]);
    const calls = fake.log.filter(
      (entry) => entry.route === 'openai.generations' && entry.body?.model === 'gpt-image-2',
    );
    expect(calls.every((entry) => entry.auth === 'bearer' && entry.authValid === true)).toBe(true);
  });

  it('DALL-E 3 with n=3 makes three calls and three images', () => {
    const out = images(result.outputs['DALL-E 3 n=3'] ?? []);
    expect(out).toHaveLength(3);
    expect(out.map((image) => image.json.index)).toEqual([0, 1, 2]);
    for (const image of out) {
      expect(image.size).toEqual({ width: 1024, height: 1024 });
      expect(typeof image.json.revisedPrompt).toBe('string');
    }
    const calls = fake.log.filter((entry) => entry.route === 'openai.generations' && entry.body?.model === 'dall-e-3');
    expect(calls).toHaveLength(3);
    expect(calls.every((entry) => entry.status === 200 && (entry.body?.n ?? 1) === 1)).toBe(true);
  });

  it('the Azure credential calls the deployment with its api-key', () => {
    const out = images(result.outputs.Azure ?? []);
    expect(out).toHaveLength(2);
    for (const image of out) {
      expect(image.type?.mimeType).toBe('image/jpeg');
      expect(image.binary.fileName?.endsWith('.jpg')).toBe(true);
      expect(image.json.provider).toBe('azure');
    }
    const calls = fake.log.filter(
      (entry) => entry.route === 'azure.generations' && entry.path.includes('/deployments/images/'),
    );
    expect(calls).toHaveLength(2);
    expect(calls.every((entry) => entry.auth === 'api-key' && entry.authValid === true)).toBe(true);
    expect(calls.every((entry) => entry.query['api-version'] === '2025-04-01-preview')).toBe(true);
  });

  it('a refused prompt under Continue On Fail yields its own error item; the others complete', () => {
    const items = result.outputs.Refused ?? [];
    expect(items).toHaveLength(3);
    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(items[1]?.binary).toBeUndefined();
    expect(items[1]?.json).toMatchObject({ kind: 'content_policy', status: 400 });
    expect(String(items[1]?.json.description)).toMatch(/safety/i);
    expect(images([items[0]!, items[2]!]).every((image) => image.type?.mimeType === 'image/png')).toBe(true);
  });

  it('injected 429s cost time, not items: every item is delivered', () => {
    const out = images(result.outputs.Burst ?? []);
    expect(out).toHaveLength(5);
    const calls = fake.log.filter((entry) => entry.path.includes('/deployments/burst/'));
    expect(calls.filter((entry) => entry.status === 429)).toHaveLength(5);
    expect(calls.filter((entry) => entry.status === 200)).toHaveLength(5);
  });

  it('each item carries its cost (from the usage) and provenance (the signed images keep their C2PA)', () => {
    const out = images(result.outputs.Cost ?? []);
    expect(out).toHaveLength(4);
    for (const image of out) {
      expect(image.json.cost).toMatchObject({ basis: 'usage', priceDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
      expect((image.json.cost as { usd: number }).usd).toBeGreaterThan(0);
      expect(image.json.provenance).toBe('c2pa');
    }
  });

  it('Estimate Cost outputs an estimate per item and sends nothing', () => {
    const items = result.outputs.Estimate ?? [];
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.binary).toBeUndefined();
      expect(item.json).toMatchObject({ operation: 'estimate', images: 2, estimate: { basis: 'estimate' } });
      expect((item.json.estimate as { usd: number }).usd).toBeCloseTo(COST_ESTIMATE.usd! * 2, 4);
    }
    expect(fake.log.filter((entry) => String(entry.body?.prompt ?? '').startsWith('An estimated'))).toEqual([]);
  });

  it('Max Estimated Cost per Execution: items over it become error items and are never sent', () => {
    const items = result.outputs.Capped ?? [];
    expect(items.map((item) => (item.json.error ? 'error' : 'image'))).toEqual(['image', 'image', 'error']);
    expect(String(items[2]?.json.error)).toMatch(
      /Max Estimated Cost per Execution \$[\d.]+.*Spent so far in this execution: \$[\d.]+.*No request was sent/s,
    );
    const sent = fake.log.filter((entry) => String(entry.body?.prompt ?? '').startsWith('A capped kettle'));
    expect(sent.map((entry) => entry.body?.prompt).sort()).toEqual(['A capped kettle 1', 'A capped kettle 2']);
  });

  it('the offline sandbox needs no credential', () => {
    const out = images(result.outputs.Sandbox ?? []);
    expect(out).toHaveLength(1);
    expect(out[0]?.json).toMatchObject({ sandbox: true, provider: 'sandbox' });
    expect(out[0]?.size).toEqual({ width: 1024, height: 1024 });
  });

  it("Edit Image sends the item's binary image and mask as multipart and outputs the edited image", () => {
    const sources = images(result.outputs['Edit source'] ?? []);
    expect(sources).toHaveLength(2);
    expect(sources.every((image) => image.size?.width === 512 && image.size.height === 512)).toBe(true);
    const merged = result.outputs['Edit merge'] ?? [];
    expect(merged.map((item) => Object.keys(item.binary ?? {}).sort())).toEqual([
      ['data', 'mask'],
      ['data', 'mask'],
    ]);

    const calls = fake.log.filter((entry) => entry.route === 'openai.edits');
    expect(calls).toHaveLength(2);
    const prompts = ['a fox', 'an owl'].map((prompt) => `${EDIT_PREFIX}${prompt}`);
    expect(calls.map((entry) => entry.body?.prompt).sort()).toEqual(prompts);
    for (const entry of calls) {
      expect(entry.status).toBe(200);
      expect(entry.auth).toBe('bearer');
      expect(entry.authValid).toBe(true);
      expect(entry.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(entry.body).toMatchObject({ model: 'gpt-image-2', size: '1024x1536', output_format: 'webp' });
      // The source image as `image[]` (GPT image models), byte for byte what the first step made; then the mask.
      const source = sources[prompts.indexOf(String(entry.body?.prompt))];
      expect(entry.files).toEqual([
        { field: 'image[]', filename: source?.binary.fileName, contentType: 'image/png', bytes: source?.bytes.length },
        { field: 'mask', filename: 'mask.png', contentType: 'image/png', bytes: MASK.length },
      ]);
    }

    const items = result.outputs.Edit ?? [];
    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    const out = images(items);
    expect(out.map((image) => image.json.prompt)).toEqual(prompts);
    for (const image of out) {
      expect(image.type?.mimeType).toBe('image/webp');
      expect(image.binary.mimeType).toBe('image/webp');
      expect(image.binary.fileName).toMatch(/\.webp$/);
      expect(image.size).toEqual({ width: 1024, height: 1536 });
      expect(image.json).toMatchObject({ model: 'gpt-image-2', size: '1024x1536', index: 0 });
    }
  });

  it('the example workflow in packages/n8n-node/examples imports and runs as shipped', () => {
    expect(example.errors).toEqual({});
    const out = images(example.outputs.Brushwork ?? []);
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((image) => image.type?.mimeType === 'image/png')).toBe(true);
  });
});
