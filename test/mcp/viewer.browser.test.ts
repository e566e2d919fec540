// The image viewer (MCP Apps) in a real headless Chromium: a test host page embeds the viewer the way
// hosts do (sandboxed iframe + ext-apps' AppBridge) and delivers a real generate_image result from the
// server (offline sandbox provider); the app's tools/call and resources/read go back to that server.
// Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).
// BRUSHWORK_VIEWER_SCREENSHOT=<file.png> also saves a screenshot of the viewer.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { build } from 'esbuild';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type McpHarness, startMcp } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const PROMPT = 'a lighthouse on a cliff at dusk, watercolor';

interface Structured {
  images: { uri: string; path: string; width: number; height: number }[];
  model: string;
}

let browser: Browser;
let hostServer: Server;
let hostUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./viewer-host/host.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  hostServer = createServer((req, res) => {
    if (req.url === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><html><head><title>test host</title><style>body{margin:0;background:#0b0b0c}iframe{border:0;width:760px;display:block}</style></head><body><script type="module" src="/host.js"></script></body></html>',
    );
  });
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ], // Playwright starts Chromium with a fresh temporary --user-data-dir of its own
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (hostServer ? hostServer.close(() => resolve()) : resolve()));
});

let h: McpHarness | undefined;
let page: Page | undefined;
let toolCalls: { name: string; arguments?: Record<string, unknown> }[];
let openedLinks: string[];
/** resources/read waits on this while set: lets the test look at the preview before the full file. */
let holdReads: Promise<void> | undefined;

beforeEach(async () => {
  toolCalls = [];
  openedLinks = [];
  holdReads = undefined;
  h = await startMcp({});
  page = await browser.newPage({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
  await page.exposeFunction('hostCallTool', async (params: { name: string; arguments?: Record<string, unknown> }) => {
    toolCalls.push(params);
    return h!.client.callTool(params);
  });
  await page.exposeFunction('hostReadResource', async (uri: string) => {
    await holdReads;
    return h!.client.readResource({ uri });
  });
  await page.exposeFunction('hostOpenLink', async (url: string) => {
    openedLinks.push(url);
  });
  await page.goto(hostUrl);
});

afterEach(async () => {
  await page?.close();
  await h?.close();
  h = undefined;
});

/** A real generate_image call, then the viewer shown with it in the host page. */
async function showViewer(
  theme: 'light' | 'dark',
  args: Record<string, unknown>,
): Promise<{ frame: Frame; result: CallToolResult }> {
  const result = (await h!.client.callTool({ name: 'generate_image', arguments: args })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  const resource = await h!.client.readResource({ uri: 'ui://brushwork/viewer' });
  const html = (resource.contents[0] as { text: string }).text;
  await page!.evaluate((options) => window.startHost(options), {
    html,
    toolName: 'generate_image',
    toolArguments: args,
    toolResult: result,
    theme,
  });
  const frame = await (await page!.waitForSelector('iframe#app')).contentFrame();
  return { frame: frame!, result };
}

describe('the image viewer in Chromium', { timeout: 90_000 }, () => {
  it('shows the previews first, then the full-resolution files read through the host, with the details', async () => {
    let release!: () => void;
    holdReads = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { frame, result } = await showViewer('light', { prompt: PROMPT, n: 2, size: '1536x1024' });
    const structured = result.structuredContent as unknown as Structured;

    await frame.waitForSelector('img[data-resolution="preview"]');
    const previews = await frame.$$eval('img', (imgs) =>
      imgs.map((img) => ({ resolution: img.dataset.resolution, width: (img as HTMLImageElement).naturalWidth })),
    );
    expect(previews).toHaveLength(2);
    for (const preview of previews) {
      expect(preview.resolution).toBe('preview');
      expect(preview.width).toBeLessThan(1536);
    }

    release();
    await frame.waitForFunction(() =>
      Array.from(document.querySelectorAll('img')).every(
        (img) => img.dataset.resolution === 'full' && img.naturalWidth > 0,
      ),
    );
    const full = await frame.$$eval('img', (imgs) =>
      imgs.map((img) => ({ uri: img.dataset.uri, width: img.naturalWidth, height: img.naturalHeight })),
    );
    expect(full).toEqual(structured.images.map((image) => ({ uri: image.uri, width: 1536, height: 1024 })));

    const text = (await frame.textContent('body')) ?? '';
    expect(text).toContain(PROMPT);
    expect(text).toContain(structured.model);
    expect(text).toContain('1536x1024');
  });

  it('calls generate_image again through the host when "Variations" is clicked, and shows the new images', async () => {
    const { frame } = await showViewer('light', { prompt: PROMPT, size: '1024x1024' });
    await frame.waitForSelector('img[data-resolution="full"]');
    await frame.fill('#more', '2');
    await frame.click('button#variations');
    await frame.waitForFunction(() => document.querySelectorAll('img').length === 3);
    expect(toolCalls).toEqual([{ name: 'generate_image', arguments: { prompt: PROMPT, size: '1024x1024', n: 2 } }]);
    expect(await h!.files()).toHaveLength(3);
  });

  it('is usable by keyboard: edits the selected image with a new prompt, opens the file', async () => {
    const { frame, result } = await showViewer('light', { prompt: PROMPT });
    const image = (result.structuredContent as unknown as Structured).images[0]!;
    await frame.waitForSelector('img[data-resolution="full"]');

    await frame.focus('#edit-prompt');
    await page!.keyboard.type('make the sky stormy');
    await page!.keyboard.press('Enter');
    await frame.waitForFunction(() => document.querySelectorAll('img').length === 2);
    expect(toolCalls).toEqual([
      { name: 'edit_image', arguments: { prompt: 'make the sky stormy', images: [image.uri] } },
    ]);

    await frame.focus('button.open');
    await page!.keyboard.press('Enter');
    await expect.poll(() => openedLinks).toHaveLength(1);
    expect(decodeURIComponent(openedLinks[0]!)).toMatch(/^file:\/\/\/.*\.png$/);
  });

  it("follows the host's theme, dark and light", async () => {
    const shot = process.env.BRUSHWORK_VIEWER_SCREENSHOT;
    const { frame } = await showViewer('dark', shot ? { prompt: PROMPT, n: 2, size: '1536x1024' } : { prompt: PROMPT });
    await frame.waitForSelector('img[data-resolution="full"]');
    const background = () => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await frame.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const dark = await background();
    if (shot) await (await page!.$('iframe#app'))!.screenshot({ path: shot });

    await page!.evaluate(() => window.setHostTheme('light'));
    await frame.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await background()).not.toBe(dark);
  });
});
