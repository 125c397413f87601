/**
 * The common 36-byte ACPI table header (ACPI spec "System Description Table
 * Header") and its checksum: the 8-bit sum of all `Length` bytes is zero.
 *
 * Header problems are diagnostics, never refusals: real firmware ships tables
 * with checksum 0 and fixes them when it installs them, so a bad checksum is a
 * warning; a Length beyond the data or shorter than the header is an error,
 * and whatever bytes are there are decoded anyway.
 */
import {
  ascii,
  checksumField,
  countField,
  field,
  lengthField,
  list,
  offsetField,
  reserved,
  sum8,
  u32le,
  u8,
  type FieldMember,
  type Member,
  type ReservedType,
  type UintType,
  type UnionSpec,
} from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';

export const ACPI_HEADER_SIZE = 36;
export const REVISION_OFFSET = 8;
export const CHECKSUM_OFFSET = 9;

/** Model keys of the header, shared by every table with the standard header. */
export type AcpiHeader = {
  signature: string;
  revision: number;
  oemId: string;
  oemTableId: string;
  oemRevision: number;
  /** "ASL Compiler ID" in iasl's words. */
  creatorId: string;
  creatorRevision: number;
};

/** Stable codes of header checks. */
export const AcpiCode = {
  /** Fewer than 36 bytes: no complete header (error). */
  headerTruncated: 'acpi-header-truncated',
  /** Length runs past the data (error; what is there is decoded). */
  lengthBeyondBuffer: 'acpi-length-beyond-buffer',
  /** Length is smaller than the header (error). */
  lengthShort: 'acpi-length-short',
  /** The data goes on after Length; those bytes are not part of the table (warning). */
  bytesAfterTable: 'acpi-bytes-after-table',
  /** The bytes do not sum to zero (warning: firmware often fixes this at install time). */
  badChecksum: 'acpi-bad-checksum',
  /** The table's signature is not one ridmap decodes field by field (info). */
  notModelled: 'acpi-not-modelled',
  /** acpidump's `SIG @` line names another signature than the bytes (warning). */
  signatureMismatch: 'acpi-signature-mismatch',
} as const;

/**
 * The header members, in iasl's labels. `describe` names the table after the
 * signature the way iasl does (`"DMAR"    [DMA Remapping Table]`).
 */
export function acpiHeaderMembers(description: string | undefined): FieldMember[] {
  const describe = description ? () => `    [${description}]` : undefined;
  return [
    field('signature', 'Signature', ascii(4), describe ? { describe } : {}),
    lengthField('Table Length', u32le),
    field('revision', 'Revision', u8),
    checksumField('Checksum', u8),
    field('oemId', 'Oem ID', ascii(6)),
    field('oemTableId', 'Oem Table ID', ascii(8)),
    field('oemRevision', 'Oem Revision', u32le),
    field('creatorId', 'Asl Compiler ID', ascii(4)),
    field('creatorRevision', 'Asl Compiler Revision', u32le),
  ];
}

/** What a table whose nodes sit where its header says names its node count, node offset and reserved bytes. */
export interface NodeArrayHeader {
  count: { label: string; type: UintType };
  offset: { label: string; type: UintType };
  reserved: { size: number; show?: ReservedType['show'] };
  nodes: UnionSpec;
  /** iasl's label for bytes between the header and the first node. */
  paddingLabel: string;
}

/**
 * The members after the ACPI header of a table whose nodes sit where its
 * header says (IORT, VIOT, RIMT): the node count, the node array's offset
 * (from the start of the table), reserved bytes, then the nodes, walked as
 * Linux walks them: that many nodes from that offset, each Length bytes after
 * the one before. Encode computes the count and the offset; the bytes between
 * the header and the first node are the model's `padding`.
 */
export function nodeArrayMembers(o: NodeArrayHeader): Member[] {
  return [
    { ...countField(o.count.label, o.count.type, 'nodes', 'nodeCount'), block: true },
    offsetField(o.offset.label, o.offset.type, 'nodes', 'nodeOffset'),
    reserved('Reserved', o.reserved.size, o.reserved.show),
    list('nodes', 'Nodes', o.nodes, { countKey: 'nodeCount', offsetKey: 'nodeOffset', gapKey: 'padding', gapLabel: o.paddingLabel, block: true }),
  ];
}

/**
 * The checksum byte that makes `bytes[0, length)` sum to zero, for a checksum
 * at `at` (the standard header's; the RSDP has two, at 8 over its first 20
 * bytes and at 32 over all 36).
 */
export function computeChecksum(bytes: Uint8Array, length = bytes.length, at = CHECKSUM_OFFSET): number {
  const withoutOwn = (sum8(bytes, 0, length) - bytes[at]!) & 0xff;
  return (0x100 - withoutOwn) & 0xff;
}

export function checksumIsValid(bytes: Uint8Array, length = bytes.length): boolean {
  return sum8(bytes, 0, length) === 0;
}

/** The 4-character signature as latin1 text ('' for fewer than 4 bytes). */
export function peekSignature(bytes: Uint8Array): string {
  if (bytes.length < 4) return '';
  return String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
}

/** The header's Revision byte, where the bytes reach it. */
export function peekRevision(bytes: Uint8Array): number | undefined {
  return bytes.length > REVISION_OFFSET ? bytes[REVISION_OFFSET] : undefined;
}

export function peekLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  return (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
}

export interface HeaderCheck {
  /** Where the table ends in `bytes` (what will be decoded). */
  extent: number;
  diagnostics: Diagnostic[];
}

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * Checks Length and checksum of a table with the standard header. `path`
 * names the table in diagnostics (its signature).
 */
export function checkStandardHeader(bytes: Uint8Array, path: string): HeaderCheck {
  const diagnostics: Diagnostic[] = [];
  const at = (severity: Diagnostic['severity'], code: string, offset: number, message: string): void => {
    diagnostics.push({ severity, code, message, path, offset });
  };
  if (bytes.length < ACPI_HEADER_SIZE) {
    at('error', AcpiCode.headerTruncated, 0, `only ${bytes.length} byte(s); an ACPI table header needs ${ACPI_HEADER_SIZE}`);
    return { extent: bytes.length, diagnostics };
  }
  const length = peekLength(bytes)!;
  if (length > bytes.length) {
    at('error', AcpiCode.lengthBeyondBuffer, 4, `Length ${length} (${hex(length)}) runs past the ${bytes.length} bytes present; decoding what is there`);
    return { extent: bytes.length, diagnostics };
  }
  if (length < ACPI_HEADER_SIZE) {
    at('error', AcpiCode.lengthShort, 4, `Length ${length} is shorter than the ${ACPI_HEADER_SIZE}-byte header; decoding the ${bytes.length} bytes present`);
    return { extent: bytes.length, diagnostics };
  }
  if (length < bytes.length) {
    at('warning', AcpiCode.bytesAfterTable, length, `${bytes.length - length} byte(s) after the table's Length ${length} are not part of it`);
  }
  if (!checksumIsValid(bytes, length)) {
    const want = computeChecksum(bytes, length);
    at('warning', AcpiCode.badChecksum, CHECKSUM_OFFSET,
      `checksum ${hex(bytes[CHECKSUM_OFFSET]!)} is wrong, ${hex(want)} makes the table sum to zero (firmware may fix it at install time)`);
  }
  return { extent: length, diagnostics };
}
