/**
 * What kind of input a file is, from its content alone (file names lie:
 * linuxhw's `*.bin` files are acpidump text). Pure: takes the bytes or text.
 */
import { isKnownSignature } from '../acpi/registry.js';
import { ACPI_HEADER_SIZE, checksumIsValid, peekLength, peekSignature } from '../acpi/header.js';
import { InputError } from '../diagnostic.js';
import { startsWithFdtMagic } from '../dt/fdt.js';
import { MAX_ACPI_TABLE_BYTES, SNIFF_PROBE_BYTES } from '../limits.js';
import { decodeText, textEncodingOf } from './text-encoding.js';

export type InputKind = 'acpi-table' | 'acpidump' | 'dsl' | 'json' | 'dtb' | 'dts';

export interface Sniffed {
  kind: InputKind;
  /** The content as text, for the text kinds. */
  text?: string;
}

export const SniffCode = {
  unknownKind: 'input-unknown-kind',
} as const;

export function sniff(data: Uint8Array | string, file?: string): Sniffed {
  if (typeof data !== 'string') {
    if (startsWithFdtMagic(data)) return { kind: 'dtb' };
    if (looksLikeAcpiTable(data)) return { kind: 'acpi-table' };
    // Text is read whatever NULs it holds: acpidump text skips a damaged line
    // (with its number), rather than the whole dump being refused. Data that
    // looks binary is decoded whole only when its head already shows a text
    // kind: decoding 64 MiB of random bytes takes seconds.
    const binary = looksBinary(data);
    if (binary && !textKind(decodeText(data.subarray(0, SNIFF_PROBE_BYTES)))) throw unknown(file, describeBytes(data));
    const text = decodeText(data);
    const kind = textKind(text);
    if (kind) return { kind, text };
    // Fewer bytes than a table header are most likely a table cut short (`head -c 3 DMAR.dat`): said by its bytes.
    throw unknown(file, binary || data.length < ACPI_HEADER_SIZE ? describeBytes(data) : NO_TEXT_KIND);
  }
  const kind = textKind(data);
  if (kind) return { kind, text: data };
  throw unknown(file, NO_TEXT_KIND);
}

const NO_TEXT_KIND = 'text that is none of acpidump output, an iasl .dsl, JSON or DTS';

/** A known signature with a plausible Length, or any well-formed signature whose Length and checksum both fit. */
export function looksLikeAcpiTable(data: Uint8Array): boolean {
  if (data.length >= 8 && String.fromCharCode(...data.subarray(0, 8)) === 'RSD PTR ') {
    // acpidump text may open with the RSDP's own header line, `RSD PTR @ 0x...`: text, not a table.
    return String.fromCharCode(...data.subarray(8, 12)) !== '@ 0x';
  }
  const sig = peekSignature(data);
  if (!/^[A-Z0-9_!][A-Z0-9_!a-z]{3}$/.test(sig)) return false;
  const length = peekLength(data);
  if (isKnownSignature(sig)) return length === undefined || (length >= 8 && length <= MAX_ACPI_TABLE_BYTES);
  return length !== undefined && length >= 36 && length === data.length && checksumIsValid(data);
}

/** `[0004]  Signature : "DMAR"` (iasl -T) or `[000h 0000 004h]  Signature : "DMAR"` (iasl -d), at a line start. */
const DSL_SIGNATURE_FIELD = /^[ \t]*(?:\[[^\]\r\n]*\][ \t]*)*Signature[ \t]*:[ \t]*"/m;

/** The text kind of a text input, or undefined when it is none ridmap reads. */
export function sniffText(text: string): InputKind | undefined {
  return textKind(text);
}

// Lines may start with blanks, but `^\s*` would be quadratic under /m: from every line
// start `\s*` runs across all the blank lines that follow (60,000 newlines took 18 s).
function textKind(raw: string): InputKind | undefined {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const head = text.slice(0, SNIFF_PROBE_BYTES);
  const start = head.trimStart();
  // `[` alone is not JSON: a dump pasted under dmesg lines opens `[    0.000000] ACPI: ...`.
  if (start[0] === '{' || /^\[\s*[[{"\]]/.test(start)) return 'json';
  // A DTS whose `/dts-v1/;` comes from a file it includes first (a board over its SoC's .dtsi) opens with `/include/ "...`.
  if (/^[^\S\r\n\u2028\u2029]*(?:\/dts-v1\/\s*;|\/include\/[^\S\r\n\u2028\u2029]*")/m.test(head)) return 'dts';
  if (/^[^\S\r\n\u2028\u2029]*Raw Table Data: Length \d+/m.test(text)) return 'dsl';
  // iasl's data-table source without a dump (`iasl -T SIG`, hand-written): its first field is the signature.
  if (DSL_SIGNATURE_FIELD.test(head)) return 'dsl';
  // The whole text, not the head: a dmesg log above the dump can be longer than the probe.
  if (/^[^\S\r\n\u2028\u2029]*(RSD PTR|[^\s@]{4}) @ 0x[0-9A-Fa-f]+\s*$/m.test(text)) return 'acpidump';
  if (start[0] === '[' && parsesAsJson(text)) return 'json';
  return undefined;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * More than 1% of the probe is control bytes other than blanks, line ends and
 * ESC (dmesg colours): text damaged by a few NULs is still text; a table, a
 * DTB or compressed data is not. UTF-16 text is never binary here.
 */
function looksBinary(data: Uint8Array): boolean {
  if (textEncodingOf(data) !== 'utf-8') return false;
  const probe = data.subarray(0, SNIFF_PROBE_BYTES);
  let controls = 0;
  for (const b of probe) if (b < 0x20 && !(b >= 9 && b <= 13) && b !== 0x1b) controls++;
  return controls * 100 > probe.length;
}

/** Its first bytes (up to a signature's 4) as printable ASCII, and its size when it is too short to be a table. */
function describeBytes(data: Uint8Array): string {
  if (data.length === 0) return 'an empty file';
  const head = String.fromCharCode(...data.subarray(0, 4)).replace(/[^\x20-\x7e]/g, '.');
  const short = data.length < ACPI_HEADER_SIZE ? ` (${data.length} byte${data.length === 1 ? '' : 's'}: shorter than an ACPI table header, ${ACPI_HEADER_SIZE} bytes)` : '';
  return `binary data starting "${head}"${short} that is neither a known ACPI table (signature + plausible length) nor a DTB`;
}

function unknown(file: string | undefined, what: string): InputError {
  return new InputError([{
    severity: 'error',
    code: SniffCode.unknownKind,
    ...(file ? { file } : {}),
    message: `cannot tell what this is: ${what}. ridmap reads raw ACPI tables, acpidump text, iasl .dsl files, its own decoded JSON, DTB and DTS`,
  }]);
}
