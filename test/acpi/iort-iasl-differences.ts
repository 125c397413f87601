/**
 * Where ridmap's IORT text differs from current iasl's on purpose, line by
 * line, worked out from the table's bytes the way iasl walks them
 * (ACPICA source/common/dmtbdump2.c, AcpiDmDumpIort; dmtable.c,
 * AcpiDmDumpTable). Each difference is exact (offset, width, label and, where
 * iasl's value is wrong, both values), so a difference no reason explains
 * still fails the comparison.
 *
 * Where iasl is wrong, ridmap is right:
 *  - PADDING_FROM_TABLE_START: a named component's Padding is dumped from
 *    `Table` (the table's first bytes, "IORT...") instead of from the node at
 *    that offset: the call for AcpiDmTableInfoIort1a passes `Table` where every
 *    other call passes `ACPI_ADD_PTR (..., IortNode, NodeOffset)`.
 *  - PADDING_NOT_BEFORE_MAPPINGS: the Padding length is `IortNode->Length -
 *    NodeOffset - MappingCount * sizeof (ACPI_IORT_ID_MAPPING)`, as if the
 *    mappings ended the node; where they follow the name and unused mapping
 *    slots end the node (CIX Sky1, HoneyComb LX2160), iasl prints a Padding
 *    line over the first ID mapping.
 *  - STOPS_AT_EMPTY_PADDING: where the mappings follow the name with no
 *    padding, that length is 0 and AcpiDmDumpTable, called with a table
 *    offset and SubtableLength 0, prints `Invalid zero length subtable` and
 *    fails, which ends the whole IORT dump.
 *  - NEWEST_FIELDS_OVER_SHORTER_NODE: a root complex, SMMUv3 or PMCG is
 *    dumped with `Length = IortNode->Length - NodeOffset` (the whole rest of
 *    the node, ID mappings included), so every field of the newest node
 *    revision is printed: on an older, shorter node over its ID mappings (a
 *    revision-0 root complex's first mapping), or with none over the next
 *    node's bytes.
 *
 * Where ridmap prints more than iasl:
 *  - ROOT_COMPLEX_FLAGS: iasl's root complex table (AcpiDmTableInfoIort2)
 *    ends at the Reserved byte; ridmap prints the E.d Flags word that EDK2's
 *    revision-4 root complex node has after it.
 *  - UNUSED_BYTES: iasl goes on to the next node (`Offset +=
 *    IortNode->Length`) after the ID mappings; ridmap prints a node's bytes
 *    past its last part as Unused Bytes (the iort-node-unused-bytes finding).
 *
 *  - UNSUPPORTED_REVISION: iasl prints no node of a table of revision 1, 2
 *    or 4 ("IORT Revisions E, E.a and E.c have known issues and are not
 *    supported"); ridmap decodes them, with the iort-unsupported-revision
 *    warning.
 *
 * Where iasl releases differ, ridmap follows 20260408:
 *  - IWB_BEFORE_20260408: 20250404 (the reference root's iasl) does not know
 *    node type 7 (IWB, IORT E.g) and prints `**** Unknown IORT node type 0x7`
 *    instead of the node's fields; 20260408 added AcpiDmTableInfoIort7.
 */
import { CURRENT_FORM } from '../../src/codec/iasl-form.js';
import { fieldLine } from '../../src/codec/print.js';
import { writeRawBuffer } from '../../src/codec/raw-buffer.js';
import { TextSink } from '../../src/codec/text-sink.js';
import type { KnownDifference } from './iasl-text.js';

export const PADDING_FROM_TABLE_START =
  "iasl prints a named component's Padding from the table's first bytes (dmtbdump2.c passes Table, not the node, for AcpiDmTableInfoIort1a); ridmap prints the bytes at that offset";
export const PADDING_NOT_BEFORE_MAPPINGS =
  "iasl takes a named component's Padding to run from the name to ID mappings it assumes end the node (Length - NodeOffset - MappingCount * 20); where they follow the name, its Padding line lies over the first ID mapping";
export const STOPS_AT_EMPTY_PADDING =
  'iasl stops the whole dump at a named component whose ID mappings follow its name with no padding (a zero-length Padding makes AcpiDmDumpTable fail with "Invalid zero length subtable"); ridmap prints the rest';
export const NEWEST_FIELDS_OVER_SHORTER_NODE =
  "iasl dumps a root complex, SMMUv3 or PMCG with Length = IortNode->Length - NodeOffset, so it prints the newest revision's fields over an older node's ID mappings or the next node; ridmap prints a field only where the node has room for it";
export const ROOT_COMPLEX_FLAGS =
  "iasl's root complex fields end at Reserved (AcpiDmTableInfoIort2); ridmap also prints the E.d Flags word after it";
export const UNUSED_BYTES =
  "iasl skips a node's bytes after its ID mappings (Offset += IortNode->Length); ridmap prints them as Unused Bytes";
export const UNSUPPORTED_REVISION =
  'iasl stops after the header of a table of revision 1, 2 or 4 (IORT E, E.a, E.c: "**** Unsupported IORT revision"); ridmap decodes its nodes and warns (iort-unsupported-revision)';
export const IWB_BEFORE_20260408 =
  'iasl 20250404 does not know IWB nodes (type 7, IORT E.g) and prints "**** Unknown IORT node type 0x7"; ridmap follows 20260408, which prints the IWB fields';

/** What iasl's loop sees of a node. */
interface IaslNode {
  at: number;
  type: number;
  length: number;
  mappingCount: number;
  mappingOffset: number;
}

const ID_MAPPING_SIZE = 20;
const NODE_HEADER_SIZE = 16;
/** A named component's Device Name starts after Node Flags, the memory access properties and Memory Size Limit. */
const NAMED_COMPONENT_NAME = NODE_HEADER_SIZE + 4 + 8 + 1;

/** The nodes as AcpiDmDumpIort walks them: from Node Offset to the table's end, each Length after the last. */
function iaslNodes(b: Uint8Array): IaslNode[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nodes: IaslNode[] = [];
  for (let at = v.getUint32(40, true); at + NODE_HEADER_SIZE <= b.length;) {
    const length = v.getUint16(at + 1, true);
    nodes.push({ at, type: b[at]!, length, mappingCount: v.getUint32(at + 8, true), mappingOffset: v.getUint32(at + 12, true) });
    if (!length) break;
    at += length;
  }
  return nodes;
}

/** A buffer field's lines as iasl 20260408 prints them (the form under test prints them the same way). */
export function bufferLines(at: number, label: string, bytes: Uint8Array): string[] {
  const out = new TextSink().str(fieldLine(at, bytes.length, label, ''));
  writeRawBuffer(out, at, bytes, CURRENT_FORM);
  return out.toString().split('\n').slice(0, -1);
}

const exactly = (line: string): RegExp => new RegExp('^' + line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$');
/** The start of a field line at `offset` of `width` bytes labelled `label`, any value. */
const fieldAt = (offset: number, width: number, label: string): string => exactly(fieldLine(offset, width, label, '')).source.slice(0, -1);
const lineStart = (offset: number, width: number, label: string): RegExp => new RegExp(fieldAt(offset, width, label));

const iaslOnly = (lines: readonly string[], why: string): KnownDifference[] => lines.map((l) => ({ iasl: exactly(l), why }));
const oursOnly = (lines: readonly string[], why: string): KnownDifference[] => lines.map((l) => ({ ours: exactly(l), why }));

function namedComponentPadding(b: Uint8Array, n: IaslNode): KnownDifference[] {
  const name = n.at + NAMED_COMPONENT_NAME;
  const nul = b.indexOf(0, name);
  if (nul < 0) return [];
  const nodeOffset = nul + 1 - n.at;
  if (n.length <= nodeOffset) return [];
  const padding = n.length - nodeOffset - n.mappingCount * ID_MAPPING_SIZE;
  const at = n.at + nodeOffset;
  if (padding === 0) return iaslOnly([`${' '.repeat(37)}Padding : /* Zero-length Data */`, 'Invalid zero length subtable'], STOPS_AT_EMPTY_PADDING);
  if (padding < 0) return [];
  const iasl = bufferLines(at, 'Padding', b.subarray(0, padding));
  const mappingsEnd = n.mappingOffset + n.mappingCount * ID_MAPPING_SIZE;
  if (!n.mappingCount || (n.mappingOffset === nodeOffset + padding && mappingsEnd === n.length)) {
    // Same place, same length: only the bytes differ.
    const ours = bufferLines(at, 'Padding', b.subarray(at, at + padding));
    return iasl.map((l, i) => ({ iasl: exactly(l), ours: exactly(ours[i]!), why: PADDING_FROM_TABLE_START }));
  }
  const ours = [
    ...(n.mappingOffset > nodeOffset ? bufferLines(at, 'Padding', b.subarray(at, n.at + n.mappingOffset)) : []),
    ...(mappingsEnd < n.length ? bufferLines(n.at + mappingsEnd, 'Padding', b.subarray(n.at + mappingsEnd, n.at + n.length)) : []),
  ];
  return [...iaslOnly(iasl, PADDING_NOT_BEFORE_MAPPINGS), ...oursOnly(ours, PADDING_NOT_BEFORE_MAPPINGS)];
}

/** Fields of the newest revision that older nodes lack: [offset in the node, width, label]. */
const NEWER_FIELDS: Readonly<Record<number, readonly (readonly [number, number, string])[]>> = {
  2: [[32, 1, 'Memory Size Limit'], [33, 2, 'PASID Capabilities'], [35, 1, 'Reserved']],
  4: [[60, 4, 'Proximity Domain'], [64, 4, 'Device ID Mapping Index']],
  5: [[32, 8, 'Page 1 Base Address']],
};
/** The root complex Flags word ridmap reads after Reserved. */
const RC_FLAGS = 36;

function newestFields(b: Uint8Array, n: IaslNode): KnownDifference[] {
  const fields = NEWER_FIELDS[n.type];
  if (!fields) return [];
  // Ours ends a node's fields where its ID mappings start (or at its end).
  const room = n.mappingCount ? Math.min(n.mappingOffset, n.length) : n.length;
  const known: KnownDifference[] = [];
  const subtableLength = n.length - NODE_HEADER_SIZE;
  for (const [offset, width, label] of fields) {
    if (offset - NODE_HEADER_SIZE > subtableLength) {
      known.push({ iasl: exactly(`/**** ACPI subtable terminates early (Len ${subtableLength}) - may be older version (dump table) */`), why: NEWEST_FIELDS_OVER_SHORTER_NODE });
      break;
    }
    if (n.at + offset + width > b.length) {
      known.push({ iasl: exactly('/**** ACPI subtable terminates early - may be older version (dump table) */'), why: NEWEST_FIELDS_OVER_SHORTER_NODE });
      break;
    }
    if (offset + width > room) known.push({ iasl: lineStart(n.at + offset, width, label), why: NEWEST_FIELDS_OVER_SHORTER_NODE });
  }
  if (n.type === 2 && RC_FLAGS + 4 <= room) known.push({ ours: lineStart(n.at + RC_FLAGS, 4, 'Flags'), why: ROOT_COMPLEX_FLAGS });
  return known;
}

/** Our Unused Bytes lines, each as a line only ridmap has. */
function unusedBytes(ourText: string): KnownDifference[] {
  const lines = ourText.split('\n');
  const known: KnownDifference[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/\] +Unused Bytes : /.test(lines[i]!)) continue;
    known.push({ ours: exactly(lines[i]!), why: UNUSED_BYTES });
    for (let j = i + 1; j < lines.length && /^\/\* [0-9A-F]{3,}h \d{4,} +\d+ \*\/ /.test(lines[j]!); j++) known.push({ ours: exactly(lines[j]!), why: UNUSED_BYTES });
  }
  return known;
}

const IWB = 7;

function iwbBefore20260408(n: IaslNode): KnownDifference[] {
  if (n.type !== IWB) return [];
  return [
    { iasl: /^\*\*\*\* Unknown IORT node type 0x7$/, ours: lineStart(n.at + NODE_HEADER_SIZE, 8, 'Config Frame base'), why: IWB_BEFORE_20260408 },
    { ours: lineStart(n.at + NODE_HEADER_SIZE + 8, 2, 'IWB Index'), why: IWB_BEFORE_20260408 },
    { ours: new RegExp(fieldAt(n.at + NODE_HEADER_SIZE + 10, 0, 'IWB Device Name').replace('000h', '[0-9A-F]{3,}h')), why: IWB_BEFORE_20260408 },
  ];
}

/** Every documented difference between iasl's text of `bytes` and ours. */
export function iortKnownDifferences(bytes: Uint8Array, ourText: string): KnownDifference[] {
  const unsupported: KnownDifference = { iasl: /^\*\*\*\* Unsupported IORT revision 0x[124]$/, why: UNSUPPORTED_REVISION };
  if ([1, 2, 4].includes(bytes[8]!)) return [unsupported, ...unusedBytes(ourText)];
  return [
    ...iaslNodes(bytes).flatMap((n) => [...(n.type === 1 ? namedComponentPadding(bytes, n) : []), ...newestFields(bytes, n), ...iwbBefore20260408(n)]),
    ...unusedBytes(ourText),
  ];
}

/**
 * Where iasl stops: the line it stops with, and how many lines (blank ones)
 * it printed between the last field line and that line.
 */
const STOPS: readonly { line: RegExp; blanks: number }[] = [
  // STOPS_AT_EMPTY_PADDING: after the `Zero-length Data` line that follows the Device Name.
  { line: /^Invalid zero length subtable$/, blanks: 0 },
  // UNSUPPORTED_REVISION: after the header's fields and a blank line.
  { line: /^\*\*\*\* Unsupported IORT revision 0x[0-9A-F]+$/, blanks: 1 },
];

/**
 * Where iasl stopped (STOPS_AT_EMPTY_PADDING, UNSUPPORTED_REVISION), our
 * text without the lines iasl never got to: from after the last field line
 * iasl printed up to the Raw Table Data. Returns the text and the lines cut.
 */
export function untilIaslStopped(iaslText: string, ourText: string): { text: string; cut: string[] } {
  const iasl = iaslText.split('\n');
  for (const stop of STOPS) {
    const at = iasl.findIndex((l) => stop.line.test(l));
    if (at < 2) continue;
    const last = iasl[at - 2]!;
    const ours = ourText.split('\n');
    const from = ours.indexOf(last) + 1 + stop.blanks;
    const raw = ours.findIndex((l) => l.startsWith('Raw Table Data: '));
    if (from <= stop.blanks || raw < from) break;
    // Keep the blank line before Raw Table Data.
    return { text: [...ours.slice(0, from), ...ours.slice(raw - 1)].join('\n'), cut: ours.slice(from, raw - 1) };
  }
  return { text: ourText, cut: [] };
}
