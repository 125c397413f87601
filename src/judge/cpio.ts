/**
 * A writer for cpio archives in the "new ASCII" (newc, magic 070701) format,
 * the only one Linux unpacks as an initramfs and the one its early ACPI table
 * upgrade scans. Pure: entries in, bytes out.
 *
 * Each member is a 110-byte header (the magic then thirteen 8-digit hex
 * fields), the NUL-terminated name padded so header + name end on a 4-byte
 * boundary, then the data padded to 4 bytes; the archive ends with the member
 * named TRAILER!!!. Times are 0 so the same entries give the same bytes.
 */
import { concatBytes } from '../codec/bytes.js';

export type CpioEntry =
  | { kind: 'directory'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  /** A character device node, e.g. /dev/console (5, 1) so init has a console before devtmpfs is mounted. */
  | { kind: 'char-device'; path: string; major: number; minor: number; mode?: number };

export const CPIO_NEWC_MAGIC = '070701';
export const CPIO_HEADER_SIZE = 110;
export const CPIO_TRAILER = 'TRAILER!!!';

// File type bits of st_mode (S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR).
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const encoder = new TextEncoder();

/** The archive holding `entries` in order (parents must come before their children), ended by the trailer. */
export function writeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((entry, i) => parts.push(member(entry, i + 1)));
  parts.push(memberBytes({ name: CPIO_TRAILER, ino: 0, mode: 0, nlink: 1, data: new Uint8Array(0) }));
  return concatBytes(parts);
}

function member(entry: CpioEntry, ino: number): Uint8Array {
  // Linux unpacks names as given; a leading slash is customary to leave out.
  const name = entry.path.replace(/^\/+/, '');
  if (name === '' || name === CPIO_TRAILER) throw new Error(`cpio: invalid member name "${entry.path}"`);
  switch (entry.kind) {
    case 'directory':
      return memberBytes({ name, ino, mode: S_IFDIR | (entry.mode ?? 0o755), nlink: 2, data: new Uint8Array(0) });
    case 'file':
      return memberBytes({ name, ino, mode: S_IFREG | (entry.mode ?? 0o644), nlink: 1, data: entry.data });
    case 'symlink':
      return memberBytes({ name, ino, mode: S_IFLNK | 0o777, nlink: 1, data: encoder.encode(entry.target) });
    case 'char-device':
      return memberBytes({
        name, ino, mode: S_IFCHR | (entry.mode ?? 0o600), nlink: 1, data: new Uint8Array(0),
        rdevMajor: entry.major, rdevMinor: entry.minor,
      });
  }
}

interface Member {
  name: string;
  ino: number;
  mode: number;
  nlink: number;
  data: Uint8Array;
  rdevMajor?: number;
  rdevMinor?: number;
}

function memberBytes(m: Member): Uint8Array {
  const name = encoder.encode(`${m.name}\0`);
  // Field order of the newc header after the magic.
  const fields = [
    m.ino, m.mode, 0 /* uid */, 0 /* gid */, m.nlink, 0 /* mtime */, m.data.length,
    0 /* devmajor */, 0 /* devminor */, m.rdevMajor ?? 0, m.rdevMinor ?? 0, name.length, 0 /* check: unused by newc */,
  ];
  const header = encoder.encode(CPIO_NEWC_MAGIC + fields.map(hex8).join(''));
  return concatBytes([header, name, padding(CPIO_HEADER_SIZE + name.length), m.data, padding(m.data.length)]);
}

function hex8(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`cpio: field value ${value} does not fit 32 bits`);
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** Zero bytes that bring `length` up to a multiple of 4. */
function padding(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}
