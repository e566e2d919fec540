/**
 * Whether image bytes carry a C2PA manifest (content credentials), the way OpenAI and Azure sign their
 * images: a `caBX` chunk in PNG, an APP11 segment holding a JUMBF box labelled `c2pa` in JPEG, a `C2PA`
 * chunk in WebP. Reads the container structure only; never verifies the signature. Pure.
 */
export type Provenance = 'c2pa' | 'none';

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  at + length <= bytes.length ? String.fromCharCode(...bytes.subarray(at, at + length)) : '';

function pngHasCaBX(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'caBX') return true;
    if (type === 'IEND') return false;
    at += 12 + length;
  }
  return false;
}

function indexOfAscii(bytes: Uint8Array, text: string, from: number, to: number): number {
  const first = text.charCodeAt(0);
  for (let i = from; i + text.length <= to; i++) {
    if (bytes[i] !== first) continue;
    let match = true;
    for (let j = 1; j < text.length; j++) {
      if (bytes[i + j] !== text.charCodeAt(j)) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

function jpegHasC2pa(bytes: Uint8Array): boolean {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return false; // end of image, start of scan: no metadata after
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const start = at + 4;
    const end = Math.min(bytes.length, at + 2 + length);
    // APP11: "JP" common identifier, instance, sequence, then the JUMBF superbox ('jumb' / 'jumd' … 'c2pa').
    if (marker === 0xeb && ascii(bytes, start, 2) === 'JP') {
      const jumb = indexOfAscii(bytes, 'jumb', start, end);
      if (jumb >= 0 && indexOfAscii(bytes, 'c2pa', jumb, end) >= 0) return true;
    }
    at += 2 + length;
  }
  return false;
}

function webpHasC2pa(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    if (type === 'C2PA') return true;
    const size = view.getUint32(at + 4, true);
    at += 8 + size + (size & 1);
  }
  return false;
}

/** 'c2pa' when the bytes hold a C2PA manifest in the place their format keeps it, else 'none'. */
export function detectProvenance(bytes: Uint8Array): Provenance {
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG')
    return pngHasCaBX(bytes) ? 'c2pa' : 'none';
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHasC2pa(bytes) ? 'c2pa' : 'none';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP')
    return webpHasC2pa(bytes) ? 'c2pa' : 'none';
  return 'none';
}
