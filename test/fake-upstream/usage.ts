// Token usage the fake reports for GPT image models, following OpenAI's documented accounting (written
// from the docs, independently of the core's estimator):
// - output tokens per image by size and quality: GPT image 1 / 1-mini / 1.5 from the image generation
//   guide's table; GPT image 2 from the rule behind the guide's cost calculator;
// - 100 image output tokens per streamed partial image;
// - text input tokens from the prompt (a rough word-piece count, standing in for the o200k tokenizer);
// - image input tokens per edit image: fitted in 2048x2048, short side scaled to 512, 65 + 129 per
//   512-px tile; input_fidelity=high adds 4160 (square) or 6240 tokens.
import type { AcceptedRequest } from './rules.ts';

export interface UsageJson {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
}

/** An edit's input image as uploaded; width/height undefined when the fake could not read them. */
export interface InputImageInfo {
  width: number | undefined;
  height: number | undefined;
}

const GPT_IMAGE_1_TABLE: Record<string, Record<string, number>> = {
  '1024x1024': { low: 272, medium: 1056, high: 4160 },
  '1024x1536': { low: 408, medium: 1584, high: 6240 },
  '1536x1024': { low: 400, medium: 1568, high: 6208 },
};

const V2_AXIS: Record<string, number> = { low: 16, medium: 48, high: 96 };

function outputTokens(accepted: AcceptedRequest): number {
  const quality = accepted.quality;
  if (accepted.family.id === 'gpt-image') {
    const row = GPT_IMAGE_1_TABLE[`${accepted.width}x${accepted.height}`] ?? GPT_IMAGE_1_TABLE['1024x1024']!;
    return row[quality] ?? row['medium']!;
  }
  const axis = V2_AXIS[quality] ?? V2_AXIS['medium']!;
  const { width, height } = accepted;
  const longSide = Math.max(width, height);
  const shortSide = Math.min(width, height);
  const shortAxis = Math.floor((2 * axis * shortSide + longSide) / (2 * longSide));
  return Math.ceil((axis * shortAxis * (2_000_000 + width * height)) / 4_000_000);
}

/** Word pieces: letters in runs of up to 5, digits in runs of up to 3, any other visible character alone. */
export function textTokens(prompt: string): number {
  let tokens = 0;
  for (const piece of prompt.match(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu) ?? []) {
    if (/^[a-z]+$/i.test(piece)) tokens += Math.ceil(piece.length / 5);
    else if (/^\p{N}+$/u.test(piece)) tokens += Math.ceil(piece.length / 3);
    else tokens += [...piece].length;
  }
  return Math.max(1, tokens);
}

function imageTokens(image: InputImageInfo, fidelity: string | undefined): number {
  const width = image.width ?? 1024;
  const height = image.height ?? 1024;
  let w = width;
  let h = height;
  if (Math.max(w, h) > 2048) {
    const down = 2048 / Math.max(w, h);
    w *= down;
    h *= down;
  }
  const toShort = 512 / Math.min(w, h);
  const tiles = Math.ceil(Math.floor(w * toShort) / 512) * Math.ceil(Math.floor(h * toShort) / 512);
  const extra = fidelity === 'high' ? (width === height ? 4160 : 6240) : 0;
  return 65 + 129 * tiles + extra;
}

function usage(text: number, image: number, output: number): UsageJson {
  return {
    input_tokens: text + image,
    output_tokens: output,
    total_tokens: text + image + output,
    input_tokens_details: { text_tokens: text, image_tokens: image },
  };
}

/**
 * Usage of one call: `total` for the whole answer, `ofImage(i)` for the i-th `completed` event of a stream
 * (each image's own output and partial tokens; the call's input counted once, on the first).
 */
export function usageOf(
  accepted: AcceptedRequest,
  inputImages: readonly InputImageInfo[],
  inputFidelity: string | undefined,
): { total: UsageJson; ofImage(index: number): UsageJson } {
  const text = textTokens(accepted.prompt);
  const image = inputImages.reduce((sum, img) => sum + imageTokens(img, inputFidelity), 0);
  const perImage = outputTokens(accepted) + (accepted.stream ? 100 * accepted.partialImages : 0);
  return {
    total: usage(text, image, perImage * accepted.n),
    ofImage: (index) => (index === 0 ? usage(text, image, perImage) : usage(0, 0, perImage)),
  };
}

/** Width and height of an uploaded PNG, JPEG or WebP, read from its header. */
export function uploadDimensions(data: Uint8Array): InputImageInfo {
  const none = { width: undefined, height: undefined };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tag = (at: number) => String.fromCharCode(...data.subarray(at, at + 4));
  if (data.length >= 24 && data[0] === 0x89 && tag(12) === 'IHDR')
    return { width: view.getUint32(16), height: view.getUint32(20) };
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    let at = 2;
    while (at + 9 < data.length && data[at] === 0xff) {
      const marker = data[at + 1]!;
      const length = view.getUint16(at + 2);
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      at += 2 + length;
    }
    return none;
  }
  if (data.length >= 30 && tag(0) === 'RIFF' && tag(8) === 'WEBP') {
    const kind = tag(12);
    if (kind === 'VP8X')
      return {
        width: 1 + (data[24]! | (data[25]! << 8) | (data[26]! << 16)),
        height: 1 + (data[27]! | (data[28]! << 8) | (data[29]! << 16)),
      };
    if (kind === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = view.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
  }
  return none;
}
