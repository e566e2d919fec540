// A test MCP Apps host, run in Chromium: embeds the viewer the way hosts do (a sandboxed iframe talking
// to ext-apps' AppBridge over postMessage) and relays the app's requests to the test process, which owns
// the MCP client connected to the real Brushwork server (functions exposed by Playwright).
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

declare global {
  interface Window {
    /** Exposed by the test: the real server's tools/call and resources/read, through its MCP client. */
    hostCallTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<CallToolResult>;
    hostReadResource(uri: string): Promise<ReadResourceResult>;
    hostOpenLink(url: string): Promise<void>;
    /** Set here: shows the viewer with one tool call's input and result. */
    startHost(options: StartOptions): Promise<void>;
    setHostTheme(theme: 'light' | 'dark'): Promise<void>;
  }
}

interface StartOptions {
  html: string;
  toolName: string;
  toolArguments: Record<string, unknown>;
  toolResult: CallToolResult;
  theme: 'light' | 'dark';
}

let bridge: AppBridge | undefined;

window.startHost = async (options) => {
  const frame = document.createElement('iframe');
  frame.id = 'app';
  frame.title = 'Brushwork viewer';
  frame.setAttribute('sandbox', 'allow-scripts');
  document.body.append(frame);
  const app = frame.contentWindow!;

  bridge = new AppBridge(
    null,
    { name: 'brushwork-test-host', version: '1.0.0' },
    { openLinks: {}, downloadFile: {}, serverTools: {}, serverResources: {} },
    {
      hostContext: {
        theme: options.theme,
        toolInfo: { tool: { name: options.toolName, inputSchema: { type: 'object' } } },
        displayMode: 'inline',
      },
    },
  );
  bridge.oncalltool = (params) => window.hostCallTool(params);
  bridge.onreadresource = (params) => window.hostReadResource(params.uri);
  bridge.onopenlink = async (params) => {
    await window.hostOpenLink(params.url);
    return {};
  };
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) frame.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge!.oninitialized = () => resolve();
  });
  await bridge.connect(new PostMessageTransport(app, app));
  frame.srcdoc = options.html;
  await initialized;
  await bridge.sendToolInput({ arguments: options.toolArguments });
  await bridge.sendToolResult(options.toolResult);
};

window.setHostTheme = async (theme) => {
  await bridge?.sendHostContextChange({ theme });
};
