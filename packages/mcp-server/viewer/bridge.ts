/**
 * The app's side of the MCP Apps bridge (io.modelcontextprotocol/ui), hand-written so the page stays
 * small (ext-apps' App class brings the SDK's schemas: ~500 kB): JSON-RPC 2.0 over postMessage with the
 * host window. The ui/initialize handshake, the host's notifications (tool input, tool result, context
 * changes), and requests back to the host (tools/call, resources/read, ui/open-link, ui/download-file).
 */

/** The MCP Apps protocol version spoken here (ext-apps 1.7's LATEST_PROTOCOL_VERSION; a test checks it). */
export const UI_PROTOCOL_VERSION = '2026-01-26';

type Json = Record<string, unknown>;

export interface HostContext {
  theme?: 'light' | 'dark';
  styles?: { variables?: Record<string, string | undefined> };
  toolInfo?: { tool?: { name?: string } };
  [key: string]: unknown;
}

export interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

interface Pending {
  resolve: (result: Json) => void;
  reject: (error: Error) => void;
}

export class HostBridge {
  ontoolinput?: (args: Json) => void;
  ontoolresult?: (result: ToolResult) => void;
  ontoolcancelled?: () => void;
  onhostcontextchanged?: (context: HostContext) => void;
  hostContext: HostContext = {};

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly host: Window;

  constructor(
    private readonly appInfo: { name: string; version: string },
    host: Window = window.parent,
  ) {
    this.host = host;
    window.addEventListener('message', (event) => {
      if (event.source !== this.host) return;
      this.receive(event.data as Json);
    });
  }

  async connect(): Promise<void> {
    const result = await this.request('ui/initialize', {
      appInfo: this.appInfo,
      appCapabilities: {},
      protocolVersion: UI_PROTOCOL_VERSION,
    });
    this.hostContext = (result.hostContext as HostContext | undefined) ?? {};
    this.notify('ui/notifications/initialized', {});
    this.watchSize();
  }

  callTool(name: string, args: Json): Promise<ToolResult> {
    return this.request('tools/call', { name, arguments: args }) as Promise<ToolResult>;
  }

  async readResource(uri: string): Promise<{ uri: string; mimeType?: string; blob?: string; text?: string }[]> {
    const result = await this.request('resources/read', { uri });
    return (result.contents as { uri: string; mimeType?: string; blob?: string }[] | undefined) ?? [];
  }

  async openLink(url: string): Promise<boolean> {
    return !(await this.request('ui/open-link', { url })).isError;
  }

  async downloadFile(contents: Json[]): Promise<boolean> {
    return !(await this.request('ui/download-file', { contents })).isError;
  }

  private request(method: string, params: Json): Promise<Json> {
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.host.postMessage({ jsonrpc: '2.0', id, method, params }, '*');
    });
  }

  private notify(method: string, params: Json): void {
    this.host.postMessage({ jsonrpc: '2.0', method, params }, '*');
  }

  private receive(message: Json): void {
    if (message?.jsonrpc !== '2.0') return;
    const id = message.id;
    if (typeof message.method === 'string') {
      const params = (message.params ?? {}) as Json;
      if (id !== undefined) this.answer(id, message.method);
      else this.dispatch(message.method, params);
      return;
    }
    const waiting = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!waiting) return;
    this.pending.delete(id as number);
    const error = message.error as { message?: string } | undefined;
    if (error) waiting.reject(new Error(error.message ?? 'the host refused the request'));
    else waiting.resolve((message.result ?? {}) as Json);
  }

  /** Requests from the host: ping and teardown get an empty result, anything else "method not found". */
  private answer(id: unknown, method: string): void {
    const known = method === 'ping' || method === 'ui/resource-teardown';
    this.host.postMessage(
      known
        ? { jsonrpc: '2.0', id, result: {} }
        : { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } },
      '*',
    );
  }

  private dispatch(method: string, params: Json): void {
    if (method === 'ui/notifications/tool-input') this.ontoolinput?.((params.arguments ?? {}) as Json);
    else if (method === 'ui/notifications/tool-result') this.ontoolresult?.(params as ToolResult);
    else if (method === 'ui/notifications/tool-cancelled') this.ontoolcancelled?.();
    else if (method === 'ui/notifications/host-context-changed') {
      this.hostContext = { ...this.hostContext, ...(params as HostContext) };
      this.onhostcontextchanged?.(this.hostContext);
    }
  }

  /** Tells the host the page's size whenever it changes, so the frame fits the gallery. */
  private watchSize(): void {
    let last = '';
    const report = () => {
      const width = Math.ceil(document.documentElement.scrollWidth);
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (`${width}x${height}` === last) return;
      last = `${width}x${height}`;
      this.notify('ui/notifications/size-changed', { width, height });
    };
    new ResizeObserver(report).observe(document.documentElement);
    report();
  }
}

/** The host's theme and style variables on the page (data-theme + CSS custom properties). */
export function applyHostContext(context: HostContext): void {
  const root = document.documentElement;
  if (context.theme === 'light' || context.theme === 'dark') {
    root.dataset.theme = context.theme;
    root.style.colorScheme = context.theme;
  }
  for (const [name, value] of Object.entries(context.styles?.variables ?? {})) {
    if (name.startsWith('--') && typeof value === 'string') root.style.setProperty(name, value);
  }
}
