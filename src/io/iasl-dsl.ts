/**
 * iasl's disassembly of a data table (`iasl -d`, a `.dsl` file) ends with
 * `Raw Table Data: Length N (0xN)` and a hex dump of the whole table; that
 * dump is the table for `decode`. The field lines above it are the source
 * that `encode` compiles, as iasl compiles them (acpi/dsl-source); a source
 * without a dump (`iasl -T SIG`, or written by hand) is decoded from what it
 * compiles to.
 */
import { compileDslSource } from '../acpi/dsl-source/compile.js';
import type { Diagnostic } from '../diagnostic.js';
import { RepeatLimiter } from '../limits.js';
import { parseHexLine, splitLines } from './acpidump-text.js';
import { appendAll } from '../append.js';

export const DslCode = {
  /** No `Raw Table Data` section (error). */
  noRawData: 'dsl-no-raw-data',
  /** The dump has another size than `Raw Table Data: Length N` says (warning). */
  lengthMismatch: 'dsl-length-mismatch',
  /** A dump line whose offset does not continue the previous one (warning). */
  offsetGap: 'dsl-offset-gap',
} as const;

export interface DslRawData {
  bytes?: Uint8Array;
  diagnostics: Diagnostic[];
}

const RAW = /^\s*Raw Table Data: Length (\d+)/;

/** Has the dump of `iasl -d` (else it is source only). */
export function hasRawTableData(text: string): boolean {
  return splitLines(text).some((l) => RAW.test(l));
}

export interface DslCompiled {
  /** The compiled tables, or none when anything is wrong (every problem with its line). */
  tables: { signature: string; bytes: Uint8Array }[];
  diagnostics: Diagnostic[];
}

/** `encode board.dsl`: the field lines compiled to the bytes iasl compiles them to (each table of ridmap's text of a whole dump). */
export function compileDslText(text: string): DslCompiled {
  const r = compileDslSource(text);
  return { tables: r.tables.map((t) => ({ signature: t.signature, bytes: t.bytes })), diagnostics: r.diagnostics };
}

export function parseDslRawData(text: string): DslRawData {
  const lines = splitLines(text);
  const diagnostics: Diagnostic[] = [];
  const start = lines.findIndex((l) => RAW.test(l));
  if (start < 0) {
    diagnostics.push({ severity: 'error', code: DslCode.noRawData, message: 'no "Raw Table Data:" section; only iasl data-table disassemblies carry the table bytes' });
    return { diagnostics };
  }
  const declared = Number(RAW.exec(lines[start]!)![1]);
  const out: number[] = [];
  let next = 0;
  const limiter = new RepeatLimiter();
  for (let n = start + 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') {
      if (out.length) break;
      continue;
    }
    const hex = parseHexLine(line);
    if (!hex) break;
    if (hex.offset !== next && limiter.take(DslCode.offsetGap, 'warning')) {
      diagnostics.push({ severity: 'warning', code: DslCode.offsetGap, line: n + 1, column: 1,
        message: `offset 0x${hex.offset.toString(16)} does not continue the dump at 0x${next.toString(16)}; bytes appended in line order` });
    }
    for (const b of hex.bytes) out.push(b);
    next = hex.offset + hex.bytes.length;
  }
  appendAll(diagnostics, limiter.summaries());
  if (out.length !== declared) {
    diagnostics.push({ severity: 'warning', code: DslCode.lengthMismatch, line: start + 1, column: 1,
      message: `Raw Table Data says ${declared} bytes, the dump has ${out.length}` });
  }
  return { bytes: Uint8Array.from(out), diagnostics };
}
