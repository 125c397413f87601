/**
 * Reading one user file that holds tables: ACPI inputs (raw, acpidump,
 * .dsl, decoded JSON) or a Device Tree (DTB, DTS with /include/ resolved
 * next to the including file). The one place the CLI turns a file into
 * decoded tables, so decode, map and check read inputs alike.
 */
import { dirname, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { decodeInput } from '../acpi/decode-input.js';
import type { DecodedTable } from '../acpi/table.js';
import type { Diagnostic } from '../diagnostic.js';
import { decodeDtb, parseDts, type DtTree } from '../dt/index.js';
import type { UserInput } from './input-kind.js';

export type TableInput =
  | { kind: 'acpi'; file: string; tables: DecodedTable[]; diagnostics: Diagnostic[] }
  | { kind: 'dt'; file: string; tree: DtTree; diagnostics: Diagnostic[] };

export async function readTableInput(file: string, input: Exclude<UserInput, { kind: 'topology' }>): Promise<TableInput> {
  if (input.kind === 'dtb') {
    const { tree, diagnostics } = decodeDtb(input.data as Uint8Array, file);
    return { kind: 'dt', file, tree, diagnostics };
  }
  if (input.kind === 'dts') {
    const text = typeof input.data === 'string' ? input.data : new TextDecoder().decode(input.data);
    const { tree, diagnostics } = await parseDts(text, file, { readInclude });
    return { kind: 'dt', file, tree, diagnostics };
  }
  const decoded = decodeInput(input.data, file);
  return { kind: 'acpi', file, tables: decoded.tables, diagnostics: [...decoded.diagnostics, ...decoded.tables.flatMap((t) => t.diagnostics)] };
}

/** `/include/ "x.dtsi"` is relative to the including file, as dtc resolves it. */
function readInclude(path: string, from: string): string | undefined {
  const full = resolve(dirname(from), path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}
