/**
 * Base64 ⇄ bytes without a dependency. Uses Node's Buffer when present (fast, native), else atob/btoa
 * (browsers, sandboxes without Buffer).
 */

interface BufferLike {
  from(input: string, encoding: 'base64'): Uint8Array;
  from(input: Uint8Array): Uint8Array & { toString(encoding: 'base64'): string };
}

function nodeBuffer(): BufferLike | undefined {
  const candidate = (globalThis as { Buffer?: BufferLike }).Buffer;
  return typeof candidate?.from === 'function' ? candidate : undefined;
}

/** Decodes standard or URL-safe base64, ignoring whitespace. Never throws on odd input: it decodes what it can. */
export function decodeBase64(text: string): Uint8Array {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(text, 'base64');
  const clean = text
    .replace(/[\s=]+/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const padded = clean.length % 4 === 0 ? clean : clean + '='.repeat(4 - (clean.length % 4));
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(bytes).toString('base64');
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}
