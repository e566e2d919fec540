/**
 * A pure multipart/form-data encoder (RFC 7578). The body is built into one Uint8Array of the exact
 * length: file bytes are copied once, never converted to strings.
 */

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartFile {
  name: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export type MultipartPart = MultipartField | MultipartFile;

export interface EncodedMultipart {
  body: Uint8Array;
  /** The full content-type header value, boundary included. */
  contentType: string;
  boundary: string;
}

const encoder = new TextEncoder();

/** Escapes a name or file name for a quoted header parameter, as browsers do (WHATWG HTML form encoding). */
function escapeQuoted(value: string): string {
  return value
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/"/g, '%22')
    .replace(/\u0000/g, '%00');
}

function isFile(part: MultipartPart): part is MultipartFile {
  return (part as MultipartFile).data !== undefined;
}

/** A boundary that cannot plausibly occur in the data: 24 random hex digits after a fixed prefix. */
export function randomBoundary(random: () => number = Math.random): string {
  let hex = '';
  for (let i = 0; i < 24; i++) hex += Math.floor(random() * 16).toString(16);
  return `----BrushworkBoundary${hex}`;
}

export function encodeMultipart(
  parts: readonly MultipartPart[],
  boundary: string = randomBoundary(),
): EncodedMultipart {
  if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(boundary)) {
    throw new Error('Invalid multipart boundary');
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const push = (chunk: Uint8Array) => {
    chunks.push(chunk);
    length += chunk.length;
  };
  const crlf = encoder.encode('\r\n');
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(part.name)}"`;
    if (isFile(part)) {
      if (/[\u0000-\u001f\u007f]/.test(part.contentType)) {
        throw new Error(`Invalid content type for multipart part ${JSON.stringify(part.name)}`);
      }
      head += `; filename="${escapeQuoted(part.filename)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`;
      push(encoder.encode(head));
      push(part.data);
    } else {
      head += '\r\n\r\n';
      push(encoder.encode(head));
      push(encoder.encode(part.value));
    }
    push(crlf);
  }
  push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
