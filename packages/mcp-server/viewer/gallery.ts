/**
 * What the viewer shows, read from a generate_image / edit_image result: one group per call (prompt,
 * model, size, cost when the result has one) and per image its preview (the inline image block before
 * its resource_link), its full-resolution URI and its file path. Pure: no DOM, no host.
 */

export interface ToolArguments {
  prompt?: string;
  model?: string;
  size?: string;
  quality?: string;
  [key: string]: unknown;
}

export interface ShownImage {
  uri: string;
  path: string;
  mimeType: string;
  width: number;
  height: number;
  revisedPrompt?: string;
  /** data: URL of the inline preview, when the result carried one */
  previewUrl?: string;
}

export interface ShownGroup {
  tool: string;
  prompt: string;
  model: string;
  size: string;
  cost?: string;
  sandbox: boolean;
  images: ShownImage[];
  notes: string[];
}

interface ContentBlock {
  type: string;
  data?: string;
  mimeType?: string;
  uri?: string;
}

/** An entry of structuredContent.images (the fields the viewer uses). */
type StructuredImage = Omit<ShownImage, 'previewUrl'>;

interface Structured {
  images?: StructuredImage[];
  model?: string;
  sandbox?: boolean;
  warnings?: string[];
  failed?: { message: string }[];
  cost?: unknown;
}

/** "$0.042" for { usd: 0.042 } or 0.042; "0.04 EUR" for { amount, currency }; undefined otherwise. */
export function describeCost(cost: unknown): string | undefined {
  if (typeof cost === 'number' && Number.isFinite(cost)) return `$${cost.toFixed(3)}`;
  if (cost && typeof cost === 'object') {
    const { usd, amount, currency } = cost as { usd?: unknown; amount?: unknown; currency?: unknown };
    if (typeof usd === 'number') return `$${usd.toFixed(3)}`;
    if (typeof amount === 'number' && typeof currency === 'string') return `${amount.toFixed(3)} ${currency}`;
  }
  return undefined;
}

/** The inline previews by the resource_link that follows each of them. */
function previewsByUri(content: readonly ContentBlock[]): Map<string, string> {
  const previews = new Map<string, string>();
  let pending: ContentBlock | undefined;
  for (const block of content) {
    if (block.type === 'image') pending = block;
    else if (block.type === 'resource_link' && block.uri) {
      if (pending?.data) previews.set(block.uri, `data:${pending.mimeType ?? 'image/png'};base64,${pending.data}`);
      pending = undefined;
    }
  }
  return previews;
}

/** A tool result as a group to show; undefined when it holds no images (an error, or not ours). */
export function groupFromResult(
  tool: string,
  args: ToolArguments,
  result: { content?: unknown; structuredContent?: unknown; isError?: boolean },
): ShownGroup | undefined {
  const structured = (result.structuredContent ?? {}) as Structured;
  if (result.isError || !Array.isArray(structured.images) || structured.images.length === 0) return undefined;
  const previews = previewsByUri((Array.isArray(result.content) ? result.content : []) as ContentBlock[]);
  const images = structured.images.map((image) => {
    const preview = previews.get(image.uri);
    return {
      uri: image.uri,
      path: image.path,
      mimeType: image.mimeType,
      width: image.width,
      height: image.height,
      ...(image.revisedPrompt ? { revisedPrompt: image.revisedPrompt } : {}),
      ...(preview ? { previewUrl: preview } : {}),
    };
  });
  const first = images[0]!;
  const cost = describeCost(structured.cost);
  return {
    tool,
    prompt: typeof args.prompt === 'string' ? args.prompt : '',
    model: structured.model ?? (typeof args.model === 'string' ? args.model : ''),
    size: `${first.width}x${first.height}`,
    ...(cost ? { cost } : {}),
    sandbox: structured.sandbox === true,
    images,
    notes: [...(structured.warnings ?? []), ...(structured.failed ?? []).map((f) => f.message)],
  };
}

/** The error text of a failed call (isError result), for the status line. */
export function errorText(result: { content?: unknown }): string {
  const blocks = (Array.isArray(result.content) ? result.content : []) as { type: string; text?: string }[];
  return (
    blocks
      .filter((b) => b.type === 'text')
      .map((b) => b.text)
      .join(' ')
      .trim() || 'The call failed.'
  );
}

/** Arguments for "Variations": the same prompt and options, n more images. */
export function variationArguments(args: ToolArguments, n: number): ToolArguments {
  const keep = ['prompt', 'model', 'size', 'quality', 'style', 'background', 'output_format'];
  const same = Object.fromEntries(
    Object.entries(args).filter(([key, value]) => keep.includes(key) && value !== undefined),
  );
  return { ...same, n };
}

/** file:// URL of an absolute path (POSIX or Windows). */
export function fileUrl(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const absolute = slashed.startsWith('/') ? slashed : `/${slashed}`;
  return `file://${absolute
    .split('/')
    .map(encodeURIComponent)
    .join('/')
    .replace(/^\/([A-Za-z])%3A/, '/$1:')}`;
}
