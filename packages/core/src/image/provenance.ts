/**
 * Whether image bytes carry a C2PA manifest (content credentials), the way OpenAI and Azure sign their
 * images: a `caBX` chunk in PNG, an APP11 segment holding a JUMBF box labelled `c2pa` in JPEG, a `C2PA`
 * chunk in WebP. Reads the container structure only; never verifies the signature. Pure.
 *
 * One walker per format, fed in pieces (`ProvenanceScanner`: an image written out as it arrives is
 * checked on the way, never held) or whole (`detectProvenance`). A walker asks for the bytes it needs
 * next (a chunk header, a JPEG segment), at offsets that only move forward, and skips everything else.
 */
export type Provenance = 'c2pa' | 'none';

/** `length` bytes at offset `at`, and what the walker makes of them (`partial`: fewer at the end will do). */
interface Need {
  at: number;
  length: number;
  partial?: boolean;
  read(bytes: Uint8Array): Step;
}
type Step = Provenance | Need;

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  at + length <= bytes.length ? String.fromCharCode(...bytes.subarray(at, at + length)) : '';
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function pngChunk(at: number): Need {
  return {
    at,
    length: 8,
    read: (header) => {
      const type = ascii(header, 4, 4);
      if (type === 'caBX') return 'c2pa';
      if (type === 'IEND') return 'none';
      return pngChunk(at + 12 + u32be(header, 0));
    },
  };
}

function indexOfAscii(bytes: Uint8Array, text: string, from: number): number {
  const first = text.charCodeAt(0);
  for (let i = from; i + text.length <= bytes.length; i++) {
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

/** APP11: "JP" common identifier, instance, sequence, then the JUMBF superbox ('jumb' / 'jumd' … 'c2pa'). */
function app11HasC2pa(segment: Uint8Array): boolean {
  if (ascii(segment, 0, 2) !== 'JP') return false;
  const jumb = indexOfAscii(segment, 'jumb', 0);
  return jumb >= 0 && indexOfAscii(segment, 'c2pa', jumb) >= 0;
}

function jpegSegment(at: number): Need {
  return {
    at,
    length: 4,
    read: (header) => {
      if (header[0] !== 0xff) return 'none';
      const marker = header[1]!;
      if (marker === 0xff) return jpegSegment(at + 1); // fill byte
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return jpegSegment(at + 2); // no length
      if (marker === 0xd9 || marker === 0xda) return 'none'; // end of image, start of scan: no metadata after
      const length = (header[2]! << 8) | header[3]!;
      const next = at + 2 + length;
      if (marker !== 0xeb) return jpegSegment(next);
      return {
        at: at + 4,
        length: Math.max(0, length - 2),
        partial: true,
        read: (segment) => (app11HasC2pa(segment) ? 'c2pa' : jpegSegment(next)),
      };
    },
  };
}

function webpChunk(at: number): Need {
  return {
    at,
    length: 8,
    read: (header) => {
      if (ascii(header, 0, 4) === 'C2PA') return 'c2pa';
      const size = u32le(header, 4);
      return webpChunk(at + 8 + size + (size & 1));
    },
  };
}

/** The first bytes tell the format, hence the walker. */
const start: Need = {
  at: 0,
  length: 12,
  partial: true,
  read: (bytes) => {
    if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG') return pngChunk(8);
    if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSegment(2);
    if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webpChunk(12);
    return 'none';
  },
};

/** Longest lookback of a walker: a need starting inside the (at most 12-byte) header read before it. */
const TAIL = 16;

/** Provenance of an image fed in order, piece by piece (`push`), known for sure after `finish`. */
export class ProvenanceScanner {
  private step: Step = start;
  /** Bytes received so far. */
  private total = 0;
  /** The last TAIL bytes before the current piece, from offset tailAt. */
  private tail = new Uint8Array(0);
  private tailAt = 0;
  /** The bytes of the current need gathered so far, when it spans pieces. */
  private gathered = new Uint8Array(0);
  private gatheredAt = -1;

  push(piece: Uint8Array): void {
    const pieceAt = this.total;
    this.total += piece.length;
    while (typeof this.step !== 'string') {
      const need: Need = this.step;
      const end = need.at + need.length;
      if (end > this.total) {
        this.gather(need, piece, pieceAt);
        break;
      }
      if (need.at >= pieceAt) {
        // All in this piece: no copy.
        this.step = need.read(piece.subarray(need.at - pieceAt, end - pieceAt));
      } else {
        this.gather(need, piece, pieceAt);
        this.step = need.read(this.gathered);
      }
    }
    if (typeof this.step !== 'string') this.keepTail(piece);
  }

  /** The verdict, once every byte was pushed. */
  finish(): Provenance {
    while (typeof this.step !== 'string') {
      const need: Need = this.step;
      if (!need.partial || need.at >= this.total) return 'none';
      // Everything that arrived of it was gathered (`push` gathers a need it cannot serve yet).
      this.step = need.read(this.gathered.subarray(0, this.total - need.at));
    }
    return this.step;
  }

  /** Copies what the tail and `piece` hold of the need into `gathered`. */
  private gather(need: Need, piece: Uint8Array, pieceAt: number): void {
    if (this.gatheredAt !== need.at) {
      this.gathered = new Uint8Array(need.length);
      this.gatheredAt = need.at;
      this.copy(need, this.tail, this.tailAt);
    }
    this.copy(need, piece, pieceAt);
  }

  private copy(need: Need, source: Uint8Array, sourceAt: number): void {
    const s = Math.max(need.at, sourceAt);
    const e = Math.min(need.at + need.length, sourceAt + source.length);
    if (e > s) this.gathered.set(source.subarray(s - sourceAt, e - sourceAt), s - need.at);
  }

  private keepTail(piece: Uint8Array): void {
    const joined = new Uint8Array(Math.min(TAIL, this.tail.length + piece.length));
    const fromPiece = Math.min(piece.length, joined.length);
    const fromTail = joined.length - fromPiece;
    joined.set(this.tail.subarray(this.tail.length - fromTail), 0);
    joined.set(piece.subarray(piece.length - fromPiece), fromTail);
    this.tail = joined;
    this.tailAt = this.total - joined.length;
  }
}

/** 'c2pa' when the bytes hold a C2PA manifest in the place their format keeps it, else 'none'. */
export function detectProvenance(bytes: Uint8Array): Provenance {
  const scanner = new ProvenanceScanner();
  scanner.push(bytes);
  return scanner.finish();
}
