/**
 * PCI requester IDs: bus[15:8] device[7:3] function[2:0].
 *
 * Text forms follow lspci: `bb:dd.f` for a BDF, `dd.f` for a devfn, and
 * `ssss:bb:dd.f` when the segment matters. All hex, lower case.
 */
export type Rid = number;

export const MAX_DEVICE = 31;
export const MAX_FUNCTION = 7;

export function devfn(device: number, fn: number): number {
  return ((device & 0x1f) << 3) | (fn & 0x7);
}

export function rid(bus: number, devfnValue: number): Rid {
  return ((bus & 0xff) << 8) | (devfnValue & 0xff);
}

export function ridBus(r: Rid): number {
  return (r >> 8) & 0xff;
}

export function ridDevfn(r: Rid): number {
  return r & 0xff;
}

/**
 * One number for a (segment, RID) pair, for keying maps: a `${segment}:${rid}`
 * string per alias was a million short-lived strings per pass at 1M endpoints.
 */
export function sbdfKey(segment: number, r: Rid): number {
  return segment * 0x10000 + r;
}

/** The RID of an sbdfKey. */
export function sbdfKeyRid(key: number): Rid {
  return key % 0x10000;
}

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

export function formatDevfn(df: number): string {
  return `${hex(df >> 3, 2)}.${df & 7}`;
}

export function formatBdf(r: Rid): string {
  return `${hex(ridBus(r), 2)}:${formatDevfn(ridDevfn(r))}`;
}

export function formatSbdf(segment: number, r: Rid): string {
  return `${hex(segment, 4)}:${formatBdf(r)}`;
}

const DEVFN_RE = /^([0-9a-f]{1,2})\.([0-7])$/i;
const BDF_RE = /^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i;

/** Parses `dd.f`; returns undefined for anything else (callers report the error). */
export function parseDevfn(text: string): { device: number; fn: number } | undefined {
  const m = DEVFN_RE.exec(text.trim());
  if (!m) return undefined;
  const device = parseInt(m[1]!, 16);
  if (device > MAX_DEVICE) return undefined;
  return { device, fn: parseInt(m[2]!, 16) };
}

/** Parses `bb:dd.f` or `ssss:bb:dd.f`. */
export function parseBdf(text: string): { segment?: number; rid: Rid } | undefined {
  const m = BDF_RE.exec(text.trim());
  if (!m) return undefined;
  const device = parseInt(m[3]!, 16);
  if (device > MAX_DEVICE) return undefined;
  const r = rid(parseInt(m[2]!, 16), devfn(device, parseInt(m[4]!, 16)));
  return m[1] === undefined ? { rid: r } : { segment: parseInt(m[1], 16), rid: r };
}
