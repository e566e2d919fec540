import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/ext-apps';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { UI_PROTOCOL_VERSION } from '../viewer/bridge.js';
import { describeCost, fileUrl, groupFromResult, variationArguments } from '../viewer/gallery.js';
import { createBrushworkServer } from '../src/server.js';
import { type Harness, startHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the viewer resource (MCP Apps)', () => {
  it('is named in the _meta of generate_image and edit_image only', async () => {
    harness = await startHarness();
    const { tools } = await harness.client.listTools();
    const ui = Object.fromEntries(tools.map((t) => [t.name, (t._meta as { ui?: { resourceUri?: string } })?.ui]));
    expect(ui).toEqual({
      generate_image: { resourceUri: 'ui://brushwork/viewer' },
      edit_image: { resourceUri: 'ui://brushwork/viewer' },
      list_models: undefined,
    });
    expect(tools.find((t) => t.name === 'generate_image')?._meta?.['ui/resourceUri']).toBe('ui://brushwork/viewer');
  });

  it('is one self-contained HTML page: no outside script, style, image or font', async () => {
    harness = await startHarness();
    const read = await harness.client.readResource({ uri: 'ui://brushwork/viewer' });
    const page = read.contents[0] as { mimeType: string; text: string };
    expect(page.mimeType).toBe(RESOURCE_MIME_TYPE);
    expect(page.text).toMatch(/^<!doctype html>/i);
    expect(page.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|url\(\s*['"]?https?:|src=["']https?:/i);
    expect(page.text.length).toBeLessThan(64 * 1024);
  });

  it('speaks the MCP Apps protocol version of the ext-apps release we ship', () => {
    expect(UI_PROTOCOL_VERSION).toBe(LATEST_PROTOCOL_VERSION);
  });

  it('leaves the tool result unchanged for clients with and without MCP Apps', async () => {
    harness = await startHarness();
    const uiClient = new Client(
      { name: 'ui-host', version: '1.0.0' },
      { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } } },
    );
    const server = createBrushworkServer(harness.config, { now: () => new Date(Date.UTC(2026, 7, 1, 12)) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    await uiClient.connect(clientSide);
    const shape = (result: CallToolResult) => ({
      content: result.content.map((block) => block.type),
      structured: Object.keys(result.structuredContent ?? {}).sort(),
      meta: result._meta,
    });
    const plain = (await harness.client.callTool({
      name: 'generate_image',
      arguments: { prompt: 'a fox' },
    })) as CallToolResult;
    const withUi = (await uiClient.callTool({
      name: 'generate_image',
      arguments: { prompt: 'a fox' },
    })) as CallToolResult;
    expect(shape(plain)).toEqual({
      content: ['text', 'image', 'resource_link'],
      structured: ['cost', 'created', 'failed', 'images', 'model', 'provider', 'sandbox', 'usage', 'warnings'],
      meta: undefined,
    });
    expect(shape(withUi)).toEqual(shape(plain));
    await uiClient.close();
    await server.close();
  });
});

describe('what the viewer shows (gallery.ts)', () => {
  const result = {
    content: [
      { type: 'text', text: '2 of 2 images' },
      { type: 'image', data: 'AAAA', mimeType: 'image/jpeg' },
      { type: 'resource_link', uri: 'brushwork://images/a.png' },
      { type: 'resource_link', uri: 'brushwork://images/b.png' },
    ],
    structuredContent: {
      images: [
        { uri: 'brushwork://images/a.png', path: '/out/a.png', mimeType: 'image/png', width: 1536, height: 1024 },
        {
          uri: 'brushwork://images/b.png',
          path: '/out/b.png',
          mimeType: 'image/png',
          width: 1536,
          height: 1024,
          revisedPrompt: 'a red fox, watercolor',
        },
      ],
      model: 'gpt-image-2',
      sandbox: false,
      warnings: [],
      failed: [{ indexes: [2], message: 'refused by the safety system' }],
    },
  };

  it('pairs each preview with the link that follows it and keeps prompt, model, size and notes', () => {
    const group = groupFromResult('generate_image', { prompt: 'a fox' }, result)!;
    expect(group).toMatchObject({ prompt: 'a fox', model: 'gpt-image-2', size: '1536x1024', sandbox: false });
    expect(group.images[0]?.previewUrl).toBe('data:image/jpeg;base64,AAAA');
    expect(group.images[1]?.previewUrl).toBeUndefined();
    expect(group.images[1]?.revisedPrompt).toBe('a red fox, watercolor');
    expect(group.notes).toEqual(['refused by the safety system']);
    expect(group.cost).toBeUndefined();
  });

  it('shows a cost when the result carries one', () => {
    const priced = { ...result, structuredContent: { ...result.structuredContent, cost: { usd: 0.0421 } } };
    expect(groupFromResult('generate_image', { prompt: 'a fox' }, priced)?.cost).toBe('$0.042');
    expect(describeCost(0.5)).toBe('$0.500');
    expect(describeCost({ amount: 1, currency: 'EUR' })).toBe('1.000 EUR');
    expect(describeCost('free')).toBeUndefined();
  });

  it('shows nothing for an error result', () => {
    expect(groupFromResult('generate_image', {}, { content: [], isError: true })).toBeUndefined();
  });

  it('asks for variations with the same prompt and options, n more', () => {
    expect(variationArguments({ prompt: 'a fox', size: '1024x1024', filename: 'fox', n: 1 }, 3)).toEqual({
      prompt: 'a fox',
      size: '1024x1024',
      n: 3,
    });
  });

  it('turns file paths into file:// URLs', () => {
    expect(fileUrl('/out/a red fox.png')).toBe('file:///out/a%20red%20fox.png');
    expect(fileUrl('C:\\Users\\me\\fox.png')).toBe('file:///C:/Users/me/fox.png');
  });
});
