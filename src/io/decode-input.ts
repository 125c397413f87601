/**
 * Any ACPI input to decoded tables, whatever its kind: a raw table, acpidump
 * text (every table in it, repeated signatures kept in order), an iasl .dsl
 * (its Raw Table Data) or ridmap's decoded JSON. Pure: bytes and a file name
 * in (the name only labels diagnostics), tables with diagnostics out.
 */
import { InputError, inFile, type Diagnostic } from '../diagnostic.js';
import { parseAcpidump } from './acpidump-text.js';
import { compileDslText, hasRawTableData, parseDslRawData } from './iasl-dsl.js';
import { sniff, type InputKind } from './sniff.js';
import { AcpiCode } from '../acpi/header.js';
import { decodeTable, deviceTreesSkipped, encodeTable, tablePathName, tablesFromJson, type DecodedTable } from '../acpi/table.js';
import { appendAll } from '../append.js';

export interface DecodedInput {
  kind: InputKind;
  tables: DecodedTable[];
  /** Problems of the input as a whole (acpidump lines, JSON): each table has its own. */
  diagnostics: Diagnostic[];
}

/**
 * Decodes an ACPI input. Throws InputError only when the input is not an
 * ACPI input at all (unknown kind, or a DTB/DTS, which the DT decoder reads).
 */
export function decodeInput(data: Uint8Array | string, file: string): DecodedInput {
  const { kind, text } = sniff(data, file);
  return decodeSniffed(kind, text ?? data, file);
}

/**
 * An input whose kind is already known (load-input.ts sniffs each input once,
 * to tell tables from trees and topologies): `content` is the bytes of a raw
 * table, the text of the text kinds (sniffing decoded it: UTF-16, BOM).
 */
export function decodeSniffed(kind: InputKind, content: Uint8Array | string, file: string): DecodedInput {
  const text = typeof content === 'string' ? content : undefined;
  switch (kind) {
    case 'acpi-table': {
      const t = decodeTable(content as Uint8Array);
      return { kind, tables: [withFile(t, file)], diagnostics: [] };
    }
    case 'acpidump': {
      const parsed = parseAcpidump(text!);
      const counts = new Map<string, number>();
      for (const d of parsed.tables) counts.set(d.signature, (counts.get(d.signature) ?? 0) + 1);
      const seen = new Map<string, number>();
      const tables = parsed.tables.map((d) => {
        const n = seen.get(d.signature) ?? 0;
        seen.set(d.signature, n + 1);
        const base = tablePathName(d.signature === 'RSD PTR' ? 'RSD PTR ' : d.signature);
        const t = decodeTable(d.bytes, { name: (counts.get(d.signature) ?? 0) > 1 ? `${base}[${n}]` : base });
        t.origin = { line: d.line, address: d.address };
        const inBytes = t.signature.trimEnd();
        if (inBytes !== d.signature) {
          t.diagnostics.unshift({ severity: 'warning', code: AcpiCode.signatureMismatch, line: d.line, column: 1,
            message: `acpidump names this table ${d.signature} but its bytes say ${JSON.stringify(inBytes)}` });
        }
        return withFile(t, file);
      });
      return { kind, tables, diagnostics: inFile(file, parsed.diagnostics) };
    }
    case 'dsl': {
      if (!hasRawTableData(text!)) {
        // Source only (`iasl -T`, hand-written): the table is what it compiles to.
        const compiled = compileDslText(text!);
        const tables = compiled.tables.map((t) => withFile(decodeTable(t.bytes), file));
        return { kind, tables, diagnostics: inFile(file, compiled.diagnostics) };
      }
      const raw = parseDslRawData(text!);
      const tables = raw.bytes ? [withFile(decodeTable(raw.bytes), file)] : [];
      return { kind, tables, diagnostics: inFile(file, raw.diagnostics) };
    }
    case 'json': {
      const parsed = tablesFromJson(text!);
      const diagnostics = [...parsed.diagnostics];
      if (parsed.deviceTrees > 0) diagnostics.push(deviceTreesSkipped(parsed.deviceTrees, 'a device tree is read from its DTB or DTS, not from JSON'));
      const tables: DecodedTable[] = [];
      if (!parsed.diagnostics.some((d) => d.severity === 'error')) {
        for (const { model } of parsed.tables) {
          // The JSON has no derived fields: encode computes them, decode gives the table as the bytes will be.
          const enc = encodeTable(model);
          appendAll(diagnostics, enc.diagnostics);
          if (enc.bytes) tables.push(withFile(decodeTable(enc.bytes), file));
        }
      }
      return { kind, tables, diagnostics: inFile(file, diagnostics) };
    }
    case 'dtb':
    case 'dts':
      throw new InputError([{ severity: 'error', code: 'input-not-acpi', file,
        message: `this is a ${kind.toUpperCase()}, not an ACPI input; it is read by the device-tree decoder` }]);
  }
}

function withFile(t: DecodedTable, file: string): DecodedTable {
  t.diagnostics = inFile(file, t.diagnostics);
  return t;
}
