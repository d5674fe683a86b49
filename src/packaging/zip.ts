// A small ZIP (PKWARE APPNOTE 6.3) writer and reader: deflate or stored entries, UTF-8 names, Unix modes.
// Node has zlib but no zip container. Limits of the classic format (no ZIP64): 65,535 entries and 4 GiB
// per entry, per archive offset; the writer refuses anything larger instead of writing a corrupt archive.
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20; // 2.0: deflate
const MADE_BY_UNIX = (3 << 8) | VERSION;
const FLAG_UTF8 = 0x0800;
const STORED = 0;
const DEFLATED = 8;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
/** 1980-01-01 00:00 in DOS format: every entry gets it, so the same files always give the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  /** Path inside the archive, '/'-separated, relative (no leading '/', no '..'). */
  name: string;
  data: Buffer;
  /** Unix permission bits, e.g. 0o644 (default) or 0o755. */
  mode?: number;
}

/** Checks an entry name: relative, '/'-separated, no empty, '.' or '..' segments. */
export function checkEntryName(name: string): void {
  const segments = name.split('/');
  if (name === '' || name.includes('\\') || name.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ZipError(`Invalid entry name '${name}': it must be a relative '/'-separated path without '.' or '..' segments`);
  }
}

/** Writes entries to a zip file, one at a time, so the archive is never held in memory whole. */
export class ZipWriter {
  private readonly fd: number;
  private offset = 0;
  private readonly central: Buffer[] = [];
  private readonly names = new Set<string>();
  private closed = false;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  /** Adds one file; it is deflated unless that does not make it smaller. */
  add(entry: ZipEntry): void {
    if (this.closed) throw new ZipError('The archive is already closed');
    checkEntryName(entry.name);
    if (this.names.has(entry.name)) throw new ZipError(`Duplicate entry '${entry.name}'`);
    if (this.names.size === MAX_U16) throw new ZipError(`More than ${MAX_U16} entries need ZIP64, which this writer does not write`);
    if (entry.data.length > MAX_U32) throw new ZipError(`Entry '${entry.name}' is over 4 GiB`);
    this.names.add(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const deflated = deflateRawSync(entry.data, { level: 6 });
    const [method, body] = deflated.length < entry.data.length ? [DEFLATED, deflated] : [STORED, entry.data];
    if (this.offset + 30 + name.length + body.length > MAX_U32) throw new ZipError('The archive would exceed 4 GiB (ZIP64 is not written)');

    // The local and the central header share one run of fields, from "version needed" to the name's length.
    const fileFields = (header: Buffer, at: number): void => {
      header.writeUInt16LE(VERSION, at);
      header.writeUInt16LE(FLAG_UTF8, at + 2);
      header.writeUInt16LE(method, at + 4);
      header.writeUInt16LE(DOS_TIME, at + 6);
      header.writeUInt16LE(DOS_DATE, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(body.length, at + 14);
      header.writeUInt32LE(entry.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    fileFields(local, 4);
    // extra length: 0

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    fileFields(central, 6);
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE((((entry.mode ?? 0o644) & 0o7777) | 0o100000) * 0x10000, 38); // regular file + mode
    central.writeUInt32LE(this.offset, 42);
    this.central.push(central, name);

    this.write(local);
    this.write(name);
    this.write(body);
  }

  /** Writes the central directory and closes the file. Returns the archive's size in bytes. */
  close(): number {
    if (this.closed) throw new ZipError('The archive is already closed');
    const start = this.offset;
    for (const part of this.central) this.write(part);
    const size = this.offset - start;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(this.names.size, 8);
    end.writeUInt16LE(this.names.size, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    this.write(end);
    closeSync(this.fd);
    this.closed = true;
    return this.offset;
  }

  /** Closes the file without finishing the archive (after a failure). */
  abort(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }

  private write(buffer: Buffer): void {
    let written = 0;
    while (written < buffer.length) written += writeSync(this.fd, buffer, written, buffer.length - written, this.offset + written);
    this.offset += buffer.length;
  }
}

export interface ReadEntry {
  name: string;
  /** Unix permission bits when the archive records them (made on Unix), else undefined. */
  mode: number | undefined;
  isDirectory: boolean;
  data: Buffer;
}

/**
 * Reads every entry of a zip archive (stored or deflated; not encrypted, not ZIP64, not multi-disk),
 * checking each entry's size and CRC-32. Any inconsistency is a ZipError naming the entry.
 */
export function readZip(archive: Buffer): ReadEntry[] {
  const endAt = findEndOfCentralDirectory(archive);
  const count = archive.readUInt16LE(endAt + 10);
  const centralSize = archive.readUInt32LE(endAt + 12);
  let at = archive.readUInt32LE(endAt + 16);
  if (archive.readUInt16LE(endAt + 4) !== 0 || archive.readUInt16LE(endAt + 8) !== count) throw new ZipError('Multi-disk archives are not supported');
  if (count === MAX_U16 || centralSize === MAX_U32 || at === MAX_U32) throw new ZipError('ZIP64 archives are not supported');
  if (at + centralSize > endAt) throw new ZipError('The central directory lies outside the archive');

  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    need(archive, at, 46, 'central directory');
    if (archive.readUInt32LE(at) !== CENTRAL_HEADER) throw new ZipError(`Bad central directory header at offset ${at}`);
    const flags = archive.readUInt16LE(at + 8);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressedSize = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const madeBy = archive.readUInt16LE(at + 4) >> 8;
    const external = archive.readUInt32LE(at + 38);
    const localAt = archive.readUInt32LE(at + 42);
    need(archive, at + 46, nameLength, 'entry name');
    const name = archive.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    const isDirectory = name.endsWith('/');
    checkEntryName(isDirectory ? name.slice(0, -1) : name);
    if (flags & 0x1) throw new ZipError(`Entry '${name}' is encrypted`);
    need(archive, localAt, 30, `local header of '${name}'`);
    if (archive.readUInt32LE(localAt) !== LOCAL_HEADER) throw new ZipError(`Bad local header for '${name}'`);
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    need(archive, dataAt, compressedSize, `data of '${name}'`);
    const body = archive.subarray(dataAt, dataAt + compressedSize);
    let data: Buffer;
    if (method === STORED) data = Buffer.from(body);
    else if (method === DEFLATED) {
      try {
        data = inflateRawSync(body, { maxOutputLength: Math.max(size, 1) });
      } catch (err) {
        throw new ZipError(`Entry '${name}' does not inflate: ${(err as Error).message}`);
      }
    } else throw new ZipError(`Entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) throw new ZipError(`Entry '${name}' is ${data.length} bytes, its header says ${size}`);
    if (crc32(data) !== crc) throw new ZipError(`Entry '${name}' fails its CRC-32 check`);
    const mode = madeBy === 3 ? (external >>> 16) & 0o7777 : undefined;
    entries.push({ name, mode, isDirectory, data });
  }
  return entries;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const lowest = Math.max(0, archive.length - 22 - MAX_U16);
  for (let at = archive.length - 22; at >= lowest; at--) {
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY && at + 22 + archive.readUInt16LE(at + 20) === archive.length) return at;
  }
  throw new ZipError('Not a zip archive: no end-of-central-directory record');
}

function need(archive: Buffer, at: number, length: number, what: string): void {
  if (at + length > archive.length) throw new ZipError(`Truncated archive: the ${what} runs past its end`);
}

/** Extracts an archive into a folder (created if missing); entry names were checked not to leave it. */
export async function extractZip(archive: Buffer, dir: string): Promise<ReadEntry[]> {
  const entries = readZip(archive);
  for (const entry of entries) {
    const target = path.join(dir, ...entry.name.split('/'));
    if (entry.isDirectory) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, entry.data, { mode: entry.mode ?? 0o644 });
  }
  return entries;
}
