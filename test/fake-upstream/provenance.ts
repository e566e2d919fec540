// C2PA content credentials the way OpenAI and Azure attach them, for answers with `c2pa` on: a manifest
// store (a JUMBF superbox labelled "c2pa") in a `caBX` chunk for PNG, an APP11 segment for JPEG and a
// `C2PA` chunk for WebP. The manifest is a placeholder (nothing to verify); only its container matters.
import { crc32 } from './png.ts';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A JUMBF superbox: 'jumb' holding a 'jumd' description box (C2PA UUID, label "c2pa") and a payload. */
export function c2paManifestStore(): Buffer {
  const c2paUuid = Buffer.from('6332706100110010800000aa00389b71', 'hex');
  const label = Buffer.from('c2pa\0', 'latin1');
  const jumdBody = Buffer.concat([c2paUuid, Buffer.from([0x03]), label]);
  const jumd = Buffer.concat([u32(8 + jumdBody.length), Buffer.from('jumd', 'latin1'), jumdBody]);
  const payload = Buffer.from('{"claim_generator":"fake-upstream","signature":"placeholder"}', 'latin1');
  const json = Buffer.concat([u32(8 + payload.length), Buffer.from('json', 'latin1'), payload]);
  return Buffer.concat([u32(8 + jumd.length + json.length), Buffer.from('jumb', 'latin1'), jumd, json]);
}

function signPng(png: Buffer, store: Buffer): Buffer {
  const afterIhdr = 8 + 8 + 13 + 4;
  const typeAndData = Buffer.concat([Buffer.from('caBX', 'latin1'), store]);
  const chunk = Buffer.concat([u32(store.length), typeAndData, u32(crc32(typeAndData))]);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

function signJpeg(jpeg: Buffer, store: Buffer): Buffer {
  // JPEG XT box header: "JP", box instance 1, packet sequence 1, then the superbox.
  const payload = Buffer.concat([Buffer.from('JP', 'latin1'), Buffer.from([0, 1, 0, 0, 0, 1]), store]);
  const segment = Buffer.concat([
    Buffer.from([0xff, 0xeb, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]),
    payload,
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

function signWebp(webp: Buffer, store: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(store.length);
  const chunk = Buffer.concat([
    Buffer.from('C2PA', 'latin1'),
    size,
    store,
    store.length % 2 ? Buffer.from([0]) : Buffer.alloc(0),
  ]);
  const out = Buffer.concat([webp, chunk]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** The image bytes with a C2PA manifest store in the place their format keeps it. */
export function signC2pa(bytes: Buffer, format: 'png' | 'jpeg' | 'webp'): Buffer {
  const store = c2paManifestStore();
  if (format === 'png') return signPng(bytes, store);
  if (format === 'jpeg') return signJpeg(bytes, store);
  return signWebp(bytes, store);
}
