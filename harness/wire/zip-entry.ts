/**
 * One file out of a zip archive (a charm upload), read through the central directory as unzip
 * does: stored or deflated entries, no zip64, no encryption. Anything else, or a damaged archive,
 * reads as "no such entry" rather than a throw: the upload is refused with a clear message.
 */
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65535. */
const END_SEARCH_BYTES = 22 + 0xffff;
/** No charm metadata comes near this; a bigger entry is not inflated. */
const MAX_ENTRY_BYTES = 1 << 20;

export function readZipEntry(zip: Buffer, name: string): Buffer | undefined {
  try {
    return findEntry(zip, name);
  } catch {
    return undefined; // a truncated or inconsistent archive
  }
}

function findEntry(zip: Buffer, name: string): Buffer | undefined {
  const end = endRecord(zip);
  if (end < 0) return undefined;
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) return undefined;
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name || entryName === `./${name}`) return entryData(zip, local, method, compressed, size);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

function endRecord(zip: Buffer): number {
  const stop = Math.max(0, zip.length - END_SEARCH_BYTES);
  for (let i = zip.length - 22; i >= stop; i--) if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) return i;
  return -1;
}

function entryData(zip: Buffer, local: number, method: number, compressed: number, size: number): Buffer | undefined {
  if (zip.readUInt32LE(local) !== LOCAL_FILE_HEADER || size > MAX_ENTRY_BYTES) return undefined;
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + compressed);
  if (data.length !== compressed) return undefined;
  if (method === 0) return Buffer.from(data);
  if (method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
  return undefined;
}
