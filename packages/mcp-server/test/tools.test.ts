import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksOf, type Harness, inlineBase64, startHarness, textOf } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function call(h: Harness, name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void) {
  return (await h.client.callTool(
    { name, arguments: args },
    undefined,
    onprogress ? { onprogress } : {},
  )) as CallToolResult;
}

describe('tools/list', () => {
  it('offers generate_image and edit_image as optional tasks, list_models and estimate_cost as plain calls', async () => {
    harness = await startHarness();
    const { tools } = await harness.client.listTools();
    const support = Object.fromEntries(tools.map((t) => [t.name, t.execution?.taskSupport ?? 'forbidden']));
    expect(support).toEqual({
      generate_image: 'optional',
      edit_image: 'optional',
      estimate_cost: 'forbidden',
      list_models: 'forbidden',
    });
    expect(harness.client.getServerCapabilities()?.tasks).toMatchObject({
      cancel: {},
      requests: { tools: { call: {} } },
    });
  });

  it('offers no tasks when stateless (a task could not be found again on another request or replica)', async () => {
    harness = await startHarness({}, ['--http', '--stateless']);
    const { tools } = await harness.client.listTools();
    expect(tools.map((t) => t.execution?.taskSupport ?? 'forbidden')).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
    ]);
    expect(harness.client.getServerCapabilities()?.tasks).toBeUndefined();
    expect(tools.find((t) => t.name === 'generate_image')?._meta).toMatchObject({ ui: expect.anything() });
    const result = await call(harness, 'generate_image', { prompt: 'a quick fox' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ images: [expect.anything()] });
  });

  it('answers a plain call directly: no task is left behind', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'a quick fox' });
    expect(result.isError).toBeFalsy();
    expect((await harness.client.experimental.tasks.listTasks()).tasks).toEqual([]);
  });

  it('declares four tools with titles, schemas and annotations', async () => {
    harness = await startHarness();
    const { tools } = await harness.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['edit_image', 'estimate_cost', 'generate_image', 'list_models']);
    const generate = tools.find((t) => t.name === 'generate_image')!;
    expect(generate.title).toBe('Generate image');
    expect(generate.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(generate.inputSchema.required).toEqual(['prompt']);
    expect(Object.keys(generate.inputSchema.properties ?? {}).sort()).toEqual(
      [
        'background',
        'filename',
        'model',
        'moderation',
        'n',
        'output_compression',
        'output_format',
        'partial_images',
        'prompt',
        'quality',
        'size',
        'style',
      ].sort(),
    );
    expect(generate.outputSchema?.properties).toHaveProperty('images');
    expect(generate.outputSchema?.required).toEqual(expect.arrayContaining(['images', 'model', 'provider', 'created']));
    const edit = tools.find((t) => t.name === 'edit_image')!;
    expect(edit.inputSchema.required).toEqual(expect.arrayContaining(['prompt', 'images']));
    expect(edit.annotations?.destructiveHint).toBe(false);
    const list = tools.find((t) => t.name === 'list_models')!;
    expect(list.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('describes each field for the configured model (gpt-image-2 by default)', async () => {
    harness = await startHarness();
    const { tools } = await harness.client.listTools();
    const props = tools.find((t) => t.name === 'generate_image')!.inputSchema.properties as Record<
      string,
      { description: string }
    >;
    expect(props.size!.description).toMatch(/gpt-image-2.*multiples of 16/);
    expect(props.quality!.description).toBe('Quality for gpt-image-2: low, medium, high or auto (default auto).');
    expect(props.style!.description).toMatch(/Not supported by gpt-image-2/);
    expect(props.output_compression!.description).toMatch(/jpeg or webp/);
    expect(tools.find((t) => t.name === 'generate_image')!.description).toMatch(/SANDBOX MODE/);
  });

  it('describes DALL-E 3 rules when BRUSHWORK_MODEL=dall-e-3', async () => {
    harness = await startHarness({ BRUSHWORK_MODEL: 'dall-e-3' });
    const { tools } = await harness.client.listTools();
    const props = tools.find((t) => t.name === 'generate_image')!.inputSchema.properties as Record<
      string,
      { description: string }
    >;
    expect(props.size!.description).toBe('Size for dall-e-3: 1024x1024, 1792x1024 or 1024x1792. Default 1024x1024.');
    expect(props.style!.description).toMatch(/vivid or natural/);
    expect(props.background!.description).toMatch(/Not supported by dall-e-3/);
    expect(tools.find((t) => t.name === 'edit_image')!.description).toMatch(/dall-e-3 cannot edit images/);
  });
});

describe('generate_image (sandbox)', () => {
  it('saves the file, returns a preview, a resource link, a text summary and structured content', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'A red fox in the snow', size: '1536x1024' });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      images: {
        path: string;
        uri: string;
        width: number;
        height: number;
        bytes: number;
        mimeType: string;
        preview: boolean;
      }[];
      provider: string;
      model: string;
      sandbox: boolean;
      created: number;
    };
    expect(structured).toMatchObject({ provider: 'sandbox', model: 'gpt-image-2', sandbox: true });
    expect(structured.images).toHaveLength(1);
    const image = structured.images[0]!;
    expect(image).toMatchObject({ width: 1536, height: 1024, mimeType: 'image/png', preview: true });
    expect(image.path).toBe(join(harness.outputDir, '20260801-120000-a-red-fox-in-the-snow-1.png'));
    expect(image.uri).toBe('brushwork://images/20260801-120000-a-red-fox-in-the-snow-1.png');
    expect((await stat(image.path)).size).toBe(image.bytes);

    const [preview] = blocksOf(result, 'image');
    expect(preview).toMatchObject({ mimeType: 'image/jpeg' });
    const meta = await sharp(Buffer.from(String(preview!.data), 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([768, 512]);

    const [link] = blocksOf(result, 'resource_link');
    expect(link).toMatchObject({
      uri: image.uri,
      mimeType: 'image/png',
      name: '20260801-120000-a-red-fox-in-the-snow-1.png',
    });

    const text = textOf(result);
    expect(text).toMatch(/SANDBOX MODE/);
    expect(text).toContain(image.path);
    expect(text).toContain('1536x1024 PNG');
  });

  it('serves saved images as resources (list + read returns the bytes)', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'teapot' });
    const image = (result.structuredContent as { images: { uri: string; path: string }[] }).images[0]!;
    const { resources } = await harness.client.listResources();
    expect(resources.map((r) => r.uri)).toContain(image.uri);
    const read = await harness.client.readResource({ uri: image.uri });
    const content = read.contents[0] as { blob: string; mimeType: string };
    expect(content.mimeType).toBe('image/png');
    expect(Buffer.from(content.blob, 'base64').equals(await readFile(image.path))).toBe(true);
    await expect(harness.client.readResource({ uri: 'brushwork://images/..%2Fsecret.png' })).rejects.toThrow(
      /No saved image/,
    );
  });

  it('refuses a resource over BRUSHWORK_MAX_RESOURCE_BYTES, giving the file path (issue 14, finding 3)', async () => {
    harness = await startHarness({ BRUSHWORK_MAX_RESOURCE_BYTES: '1k' });
    const result = await call(harness, 'generate_image', { prompt: 'teapot', size: '1024x1024' });
    const image = (result.structuredContent as { images: { uri: string; path: string; bytes: number }[] }).images[0]!;
    expect(image.bytes).toBeGreaterThan(1000);
    const refusal = await harness.client.readResource({ uri: image.uri }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refusal).toContain(image.path);
    expect(refusal).toMatch(/BRUSHWORK_MAX_RESOURCE_BYTES/);
    await writeFile(join(harness.outputDir, 'small.png'), 'x'.repeat(1000));
    expect((await harness.client.readResource({ uri: 'brushwork://images/small.png' })).contents).toHaveLength(1);
  });

  it('uses the filename argument and never overwrites', async () => {
    harness = await startHarness();
    await writeFile(join(harness.root, 'placeholder'), '');
    const first = await call(harness, 'generate_image', { prompt: 'fox', filename: 'fox.png' });
    const second = await call(harness, 'generate_image', { prompt: 'fox', filename: 'fox' });
    const paths = [first, second].map((r) => (r.structuredContent as { images: { path: string }[] }).images[0]!.path);
    expect(paths).toEqual([join(harness.outputDir, 'fox.png'), join(harness.outputDir, 'fox-2.png')]);
    expect((await readdir(harness.outputDir)).sort()).toEqual(['brushwork-ledger.jsonl', 'fox-2.png', 'fox.png']);
  });

  it('rejects a filename that would leave the output dir, before any call', async () => {
    harness = await startHarness();
    for (const filename of ['../escape', '/tmp/x', 'a/b.png', 'nul\u0000']) {
      const result = await call(harness, 'generate_image', { prompt: 'fox', filename });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/filename: /);
    }
    expect(await readdir(harness.root)).toEqual([]);
  });

  it('names each image of n > 1 and reports every one', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'three cats', n: 3, size: '1024x1024' });
    const images = (result.structuredContent as { images: { path: string; index: number }[] }).images;
    expect(images.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(images.map((i) => i.path.slice(-17))).toEqual(
      ['three-cats-1.png', 'three-cats-2.png', 'three-cats-3.png'].map((s) => `-${s}`),
    );
    expect(blocksOf(result, 'image')).toHaveLength(3);
    expect(blocksOf(result, 'resource_link')).toHaveLength(3);
    expect(textOf(result)).toMatch(/3 of 3 images/);
  });

  it('answers invalid options with the field and the allowed values, in snake_case, before any call', async () => {
    harness = await startHarness({ BRUSHWORK_MODEL: 'dall-e-3' });
    const result = await call(harness, 'generate_image', { prompt: 'fox', size: '999x999', quality: 'ultra' });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/nothing was sent/);
    expect(text).toMatch(/- size: .*1024x1024, 1792x1024 or 1024x1792/);
    expect(text).toMatch(/- quality: .*standard or hd/);
    expect(text).toMatch(/SANDBOX MODE/);
    const other = await call(harness, 'generate_image', {
      prompt: 'fox',
      model: 'gpt-image-2',
      output_compression: 50,
    });
    expect(textOf(other)).toMatch(/output_compression/);
    expect(textOf(other)).not.toMatch(/outputCompression/);
    expect(await readdir(harness.root)).toEqual([]);
  });

  it('rejects wrong types through the schema', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'fox', n: 'two', output_format: 'gif' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/n|output_format/);
  });

  it('sends progress notifications for each phase when asked', async () => {
    harness = await startHarness();
    const seen: Progress[] = [];
    const result = await call(harness, 'generate_image', { prompt: 'fox', n: 2 }, (p) => seen.push(p));
    expect(result.isError).toBeFalsy();
    const messages = seen.map((p) => p.message);
    expect(messages[0]).toMatch(/Requesting from the sandbox/);
    expect(messages).toContain('Image 1 received');
    expect(messages.some((m) => /Saving 2 images to/.test(m ?? ''))).toBe(true);
    expect(messages).toContain('Making previews');
    const progress = seen.map((p) => p.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBe(progress.length);
  });
});

describe('inline budget', () => {
  it('keeps a 3840x2160 image under the default budget', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'wide city', size: '3840x2160' });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { images: { width: number }[] }).images[0]!.width).toBe(3840);
    expect(inlineBase64(result)).toBeGreaterThan(0);
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(700_000);
  });

  it('keeps several 1536x1024 images under a small budget, whole result included', async () => {
    harness = await startHarness({ BRUSHWORK_MAX_INLINE_BYTES: '120k' });
    const result = await call(harness, 'generate_image', { prompt: 'landscape', n: 4, size: '1536x1024' });
    expect(blocksOf(result, 'image')).toHaveLength(4);
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(120_000);
  });

  it('drops previews (and says so) when the budget is too small, still linking every file', async () => {
    harness = await startHarness({ BRUSHWORK_MAX_INLINE_BYTES: '1000' });
    const result = await call(harness, 'generate_image', { prompt: 'landscape', n: 2 });
    expect(result.isError).toBeFalsy();
    expect(blocksOf(result, 'image')).toHaveLength(0);
    expect(blocksOf(result, 'resource_link')).toHaveLength(2);
    expect(textOf(result)).toMatch(/no inline preview/);
    expect((result.structuredContent as { images: { preview: boolean }[] }).images.every((i) => !i.preview)).toBe(true);
  });
});

describe('edit_image (sandbox)', () => {
  it('edits an image from the output dir, by path and by resource URI', async () => {
    harness = await startHarness();
    const generated = await call(harness, 'generate_image', { prompt: 'a cat', size: '1024x1024' });
    const source = (generated.structuredContent as { images: { path: string; uri: string }[] }).images[0]!;
    const byPath = await call(harness, 'edit_image', { prompt: 'give it a hat', images: [source.path] });
    expect(byPath.isError).toBeFalsy();
    expect(textOf(byPath)).toMatch(/1 of 1 image/);
    const byUri = await call(harness, 'edit_image', { prompt: 'give it a hat', images: [source.uri], filename: 'hat' });
    expect((byUri.structuredContent as { images: { path: string }[] }).images[0]!.path).toBe(
      join(harness.outputDir, 'hat.png'),
    );
  });

  it('refuses inputs outside the allowed dirs, naming the field', async () => {
    harness = await startHarness();
    const outside = join(harness.root, 'outside.png');
    await writeFile(
      outside,
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    const result = await call(harness, 'edit_image', { prompt: 'x', images: [outside] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/- images\[0\]: .*outside the output directory/);
  });

  it('reads inputs from an allowed input dir', async () => {
    harness = await startHarness();
    await harness.close();
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const pictures = await mkdtemp(join(tmpdir(), 'brushwork-pictures-'));
    const input = join(pictures, 'in.png');
    await writeFile(
      input,
      await sharp({ create: { width: 64, height: 64, channels: 4, background: '#0f0' } })
        .png()
        .toBuffer(),
    );
    harness = await startHarness({ BRUSHWORK_INPUT_DIRS: pictures });
    const result = await call(harness, 'edit_image', { prompt: 'make it blue', images: [input] });
    expect(result.isError).toBeFalsy();
    const saved = (result.structuredContent as { images: { path: string }[] }).images[0]!.path;
    expect(saved.startsWith(harness.outputDir)).toBe(true);
    const { rm } = await import('node:fs/promises');
    await rm(pictures, { recursive: true, force: true });
  });

  it('previews transparent images as WebP', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', {
      prompt: 'logo',
      background: 'transparent',
      size: '1024x1024',
    });
    expect(result.isError).toBeFalsy();
    expect(blocksOf(result, 'image')[0]).toMatchObject({ mimeType: 'image/webp' });
  });
});

describe('list_models (sandbox)', () => {
  it('lists image models with capabilities', async () => {
    harness = await startHarness();
    const result = await call(harness, 'list_models', {});
    const structured = result.structuredContent as {
      provider: string;
      models: { id: string; capabilities?: { edit: boolean; qualities: string[] }; retirement?: string }[];
    };
    expect(structured.provider).toBe('sandbox');
    const gpt2 = structured.models.find((m) => m.id === 'gpt-image-2');
    expect(gpt2?.capabilities).toMatchObject({ edit: true, qualities: ['low', 'medium', 'high', 'auto'] });
    expect(structured.models.find((m) => m.id === 'dall-e-3')?.retirement).toMatch(/retired.*gpt-image-2/);
    expect(textOf(result)).toMatch(/gpt-image-2: GPT image 2/);
  });
});
