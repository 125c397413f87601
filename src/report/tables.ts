/**
 * The decoded tables of a side, as `ridmap decode` shows them: per table its
 * name, where it came from, its bytes and its decode diagnostics; the text
 * (iasl-style field lines, or DTS for a device tree) on request, because a
 * full acpidump holds tables nobody looks at and a 1 MB DMAR prints ~50 MB.
 */
import { formatJsonDocument, tableToJson } from '../acpi/table.js';
import { treeToJson } from '../dt/index.js';
import { startsWithFdtMagic } from '../dt/fdt.js';
import type { Diagnostic } from '../diagnostic.js';
import { sideTables, type Side } from './load-side.js';

export interface TableView {
  /** Index into sideTables(side): how the text is asked for. */
  index: number;
  /** `DMAR`, `SSDT[2]`, `DT`. */
  name: string;
  format: string;
  /** The input file, or `topology.yaml#DMAR.dat` for a table a topology builds. */
  file: string;
  /** Decoded field by field (else header and hex dump). */
  modelled: boolean;
  /** Says which IOMMU translates what (DMAR, IORT, VIOT, DT). */
  maps: boolean;
  /** The table's bytes: as read, or for a DTS the DTB it compiles to (its source text when it does not compile). */
  bytes: Uint8Array;
  /** The bytes are binary (a hex dump of them makes sense). */
  binary: boolean;
  diagnostics: Diagnostic[];
}

export function tableViews(side: Side): TableView[] {
  const sourceText = new Set(side.inputs.filter((i) => i.kind === 'dts').flatMap((i) => i.tables.filter((t) => !startsWithFdtMagic(t.bytes))));
  return sideTables(side).map((t, index) => ({
    index,
    name: t.name,
    format: t.format,
    file: t.file,
    modelled: t.modelled,
    maps: t.resolve !== undefined,
    bytes: t.bytes,
    binary: !sourceText.has(t),
    diagnostics: t.diagnostics,
  }));
}

/** The decoded text of one table, as `ridmap decode` prints it. */
export function tableText(side: Side, index: number): string {
  const t = sideTables(side)[index];
  return t ? t.printText() : '';
}

/**
 * What `ridmap decode --format json` writes for these tables: the document
 * `encode` reads back, with device trees beside the ACPI tables when there
 * are any.
 */
export function decodedJson(side: Side): string {
  const subjects = sideTables(side);
  const acpi = subjects.flatMap((t) => ('table' in t.decoded ? [t.decoded.table] : []));
  const trees = subjects.flatMap((t) => ('tree' in t.decoded ? [{ file: t.file, deviceTree: treeToJson(t.decoded.tree) }] : []));
  return trees.length === 0 ? formatJsonDocument(acpi) : JSON.stringify({ tables: acpi.map(tableToJson), deviceTrees: trees }, null, 2) + '\n';
}
