/**
 * The one input reader: a user's file (its name and bytes) to table subjects
 * (subject.ts), whatever its kind, for every command and for the browser
 * page. ACPI inputs (raw tables, acpidump text, iasl .dsl, ridmap's JSON) go
 * through decodeSniffed (sniffed once, here), a DTB through decodeDtb, a DTS through parseDts. A
 * topology is returned as text; buildTopologyInput builds it where tables
 * are expected.
 *
 * No file system here (the page has none): a DTS's `/include/`s are read
 * through the caller's `readInclude` (the CLI's reads the disk,
 * io/load-input-file.ts); without one, an include is reported not found.
 */
import { decodeSniffed } from './decode-input.js';
import type { Diagnostic } from '../diagnostic.js';
import type { ParseDtsOptions } from '../dt/index.js';
import { classifyInput } from './input-kind.js';
import type { InputKind } from './sniff.js';
import { acpiSubject } from './acpi-subject.js';
import type { TableSubject } from './subject.js';

export interface LoadedInput {
  file: string;
  kind: InputKind | 'topology';
  /** Set for a topology input. */
  topologyText?: string;
  /** Every table in the input, modelled or not. */
  tables: TableSubject[];
  /** Problems of the input as a whole (acpidump lines, JSON); each table has its own. */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Text of a DTS's included file (`path` as written, `from` the including file), or undefined when there is none. */
  readInclude?: ParseDtsOptions['readInclude'];
}

/** Reads one input; throws InputError for what is no input ridmap knows. */
export async function loadInput(file: string, bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadedInput> {
  const input = classifyInput(file, bytes);
  if (input.kind === 'topology') return { file, kind: 'topology', topologyText: input.text, tables: [], diagnostics: [] };
  if (input.kind === 'dts') {
    const text = typeof input.data === 'string' ? input.data : new TextDecoder().decode(input.data);
    const opts = options.readInclude ? { readInclude: options.readInclude } : {};
    const { dtsSubject } = await import('./dt-subject.js');
    return { file, kind: 'dts', tables: [await dtsSubject(text, file, opts)], diagnostics: [] };
  }
  if (input.kind === 'dtb') {
    // The Device Tree code is loaded when a tree comes: most inputs are ACPI, and start-up counts.
    const { dtbSubject } = await import('./dt-subject.js');
    return { file, kind: 'dtb', tables: [dtbSubject(input.data as Uint8Array, file)], diagnostics: [] };
  }
  return { file, kind: input.kind, ...readAcpi(input.kind, input.data, file) };
}

/** What reading the input reported: the input's own problems, then each table's (see tableReadDiagnostics). */
export function readDiagnostics(input: LoadedInput): Diagnostic[] {
  return [...input.diagnostics, ...input.tables.flatMap(tableReadDiagnostics)];
}

/** What reading a table reported, without the named DT checks a DT subject also carries (only `check` runs checks). */
export function tableReadDiagnostics(t: TableSubject): Diagnostic[] {
  return 'table' in t.decoded ? t.decoded.table.diagnostics : t.decoded.diagnostics;
}

/** An ACPI input (raw tables, acpidump text, iasl .dsl, ridmap's JSON) as subjects; its kind was sniffed once, by classifyInput. */
export function readAcpi(kind: InputKind, content: Uint8Array | string, file: string): Pick<LoadedInput, 'tables' | 'diagnostics'> {
  const decoded = decodeSniffed(kind, content, file);
  return { tables: decoded.tables.map((t) => acpiSubject(t, file)), diagnostics: decoded.diagnostics };
}
