/**
 * A small, bounded reader of the tar archives `ridmap snapshot` writes
 * (POSIX ustar as busybox writes it, GNU tar's default format with its
 * long-name records, pax headers), optionally gzip-compressed. Only regular
 * files are kept: a snapshot holds nothing else that matters, and links or
 * devices in an archive are a reason for suspicion, not for following.
 *
 * An archive is untrusted input: the unpacked size and the entry count are
 * capped (limits.ts), names with `..` or a leading `/` are refused (a name
 * never leaves the archive), and a bad header is reported with its byte
 * offset.
 */
import { gunzipSync } from 'node:zlib';
import { MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_ENTRIES } from '../../limits.js';
import { snapshotInvalid as invalid } from './snapshot-error.js';

const BLOCK = 512;

/** A regular file of the archive: its name (no leading `./`) and bytes (a view into the archive). */
export interface TarFile {
  name: string;
  bytes: Uint8Array;
}

/** gzip's magic number (RFC 1952, 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Where POSIX tar's `ustar` magic sits in the first header (POSIX.1-2001 pax, ustar header block). */
export const TAR_MAGIC_AT = 257;

/** A ustar archive's first header. */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= TAR_MAGIC_AT + 5 && new TextDecoder().decode(bytes.subarray(TAR_MAGIC_AT, TAR_MAGIC_AT + 5)) === 'ustar';
}

/** The archive's bytes, gunzipped when compressed, never more than MAX_SNAPSHOT_BYTES. */
export function unpackGzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes, { maxOutputLength: MAX_SNAPSHOT_BYTES });
    // A plain view, not a Buffer: snapshots hold Uint8Arrays whatever the source (equality in tests, JSON forms).
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `it unpacks to more than ${MAX_SNAPSHOT_BYTES} bytes` : `gzip data is corrupt (${(e as Error).message})`;
    throw invalid(file, `cannot unpack the snapshot: ${why}`, 'gzip');
  }
}

/** Every regular file of a tar archive, in archive order. */
export function readTar(tar: Uint8Array, file: string): TarFile[] {
  const files: TarFile[] = [];
  let at = 0;
  let entries = 0;
  // A GNU long name ('L') or pax path ('x') names the entry after it.
  let nextName: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // the end-of-archive blocks
    if (++entries > MAX_SNAPSHOT_ENTRIES) throw invalid(file, `more than ${MAX_SNAPSHOT_ENTRIES} entries`, 'tar', at);
    if (!checksumOk(header)) throw invalid(file, 'not a tar header (bad checksum): the file is not a tar archive, or is cut or corrupt here', 'tar', at);
    const size = octal(header, 124, 12);
    if (size === undefined) throw invalid(file, 'the header\'s size field is not a number', 'tar', at + 124);
    const dataAt = at + BLOCK;
    if (dataAt + size > tar.length) throw invalid(file, `the entry says ${size} bytes, the archive ends ${tar.length - dataAt} bytes after its header`, 'tar', at);
    const data = tar.subarray(dataAt, dataAt + size);
    const type = String.fromCharCode(header[156]!);
    if (type === 'L') {
      nextName = cString(data, 0, data.length);
    } else if (type === 'x') {
      nextName = paxPath(data) ?? nextName;
    } else {
      const name = nextName ?? headerName(header);
      nextName = undefined;
      if (type === '0' || type === '\0' || type === '7') files.push({ name: checkName(name, file, at), bytes: data });
    }
    at = dataAt + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/**
 * The name, after the prefix field when the magic is POSIX's `ustar\0` (GNU's
 * `ustar ` keeps other fields there and long names in 'L' records).
 */
function headerName(h: Uint8Array): string {
  const name = cString(h, 0, 100);
  const ustar = cString(h, 257, 5) === 'ustar' && h[262] === 0;
  const prefix = ustar ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** A pax extended header's `path` record (`LEN path=VALUE\n`). */
function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return m?.[1];
}

/** The name relative to the archive, or an error for one that would leave it. */
function checkName(name: string, file: string, at: number): string {
  const clean = name.replace(/^(\.\/)+/, '');
  if (clean.startsWith('/') || clean.split('/').some((part) => part === '..')) {
    throw invalid(file, `entry "${name}" names a file outside the archive`, 'tar', at);
  }
  return clean;
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checksumOk(h: Uint8Array): boolean {
  const stated = octal(h, 148, 8);
  if (stated === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === stated;
}

/** An octal field (NUL- or space-terminated), or GNU's base-256 form for large sizes. */
function octal(h: Uint8Array, at: number, width: number): number | undefined {
  if (h[at]! & 0x80) {
    let n = 0;
    for (let i = at + 1; i < at + width; i++) n = n * 256 + h[i]!;
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const text = cString(h, at, width).trim();
  if (!/^[0-7]*$/.test(text)) return undefined;
  return text === '' ? 0 : parseInt(text, 8);
}

function cString(bytes: Uint8Array, at: number, width: number): string {
  let end = at;
  while (end < at + width && end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(at, end));
}
