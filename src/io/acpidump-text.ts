/**
 * acpidump's text output: for each table a line `SIG @ 0xADDRESS`, then hex
 * dump lines `  OFFSET: 44 4D 41 52 ...  DMAR....`. ACPICA's acpidump (Linux,
 * Windows, BSD builds alike) right-aligns the offset in 8 columns with at
 * least 4 digits, so tables past 64 KiB show 5+ digits and tables past
 * 256 MiB lose the leading blank; the older Linux pmtools acpidump used 2
 * spaces and lower-case hex. All of these parse, with CRLF or LF line ends.
 *
 * Lines that belong to no table (kernel warnings captured with the dump,
 * dmesg lines above it, banners) and lines holding NUL bytes are skipped with
 * a diagnostic carrying their line number.
 */
import type { Diagnostic } from '../diagnostic.js';
import { RepeatLimiter } from '../limits.js';
import { appendAll } from '../append.js';

export interface DumpedTable {
  /** Signature from the `SIG @` line (`RSD PTR` for the RSDP). */
  signature: string;
  /** The address after `@` as written (`0x00000000BFF6E000`). */
  address: string;
  /** 1-based line of the `SIG @` line. */
  line: number;
  bytes: Uint8Array;
}

export interface AcpidumpParse {
  tables: DumpedTable[];
  diagnostics: Diagnostic[];
}

export const AcpidumpCode = {
  /** A line that is neither a table header nor a dump line (warning). */
  junkLine: 'acpidump-junk-line',
  /** A dump line whose offset does not continue the previous one (warning). */
  offsetGap: 'acpidump-offset-gap',
  /** A `SIG @` line with no dump lines after it (warning). */
  emptyTable: 'acpidump-empty-table',
  /** A line holding NUL bytes (damaged text: a file cut short and zero-filled), skipped (warning). */
  nulLine: 'acpidump-nul-line',
  /** No table at all in the text (error). */
  noTables: 'acpidump-no-tables',
} as const;

const HEADER = /^\s*(RSD PTR|[^\s@]{4}) @ (0x[0-9A-Fa-f]+)\s*$/;

/** A hex dump line: offset, colon, then the bytes; returns undefined for anything else. */
export interface HexLine {
  offset: number;
  bytes: number[];
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Parses `  0010: 4F 45 4D ...  ASCII` (also iasl's `    0010: 4F ... // ASCII`).
 * Bytes are single-space separated pairs; two spaces end them, so an ASCII
 * column that happens to look like hex is never taken for data.
 */
export function parseHexLine(line: string): HexLine | undefined {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const start = i;
  while (i < line.length && isHex(line.charCodeAt(i))) i++;
  const digits = i - start;
  if (digits < 4 || digits > 8 || line[i] !== ':') return undefined;
  const offset = parseInt(line.slice(start, i), 16);
  i++;
  const bytes: number[] = [];
  while (bytes.length < 16 && line.charCodeAt(i) === 32 && isHex(line.charCodeAt(i + 1)) && isHex(line.charCodeAt(i + 2))) {
    const after = line.charCodeAt(i + 3);
    if (!(after === 32 || Number.isNaN(after))) break;
    bytes.push(parseInt(line.slice(i + 1, i + 3), 16));
    i += 3;
  }
  return bytes.length ? { offset, bytes } : undefined;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

export function parseAcpidump(text: string): AcpidumpParse {
  const lines = splitLines(text);
  const tables: DumpedTable[] = [];
  const diagnostics: Diagnostic[] = [];
  // A million junk lines must not become a million warnings: messages past the limit are not even built.
  const limiter = new RepeatLimiter();
  const warn = (code: string, line: number, message: () => string): void => {
    if (limiter.take(code, 'warning')) diagnostics.push({ severity: 'warning', code, line, column: 1, message: message() });
  };
  // `next` is the offset the next dump line should state: checked against the
  // stated offsets, so one missing line is reported once, not on every line after it.
  let current: { signature: string; address: string; line: number; chunks: number[][]; size: number; next: number } | undefined;
  const flush = (): void => {
    if (!current) return;
    if (current.size === 0) {
      const { signature, address } = current;
      warn(AcpidumpCode.emptyTable, current.line, () => `${signature} @ ${address} has no dump lines; skipped`);
    } else {
      const bytes = new Uint8Array(current.size);
      let at = 0;
      for (const c of current.chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      tables.push({ signature: current.signature, address: current.address, line: current.line, bytes });
    }
    current = undefined;
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    if (line.includes('\0')) {
      // Only this line is lost: a dump line that lost bytes is then reported as an offset gap.
      warn(AcpidumpCode.nulLine, n + 1, () => 'holds NUL bytes (damaged text?), skipped');
      continue;
    }
    const hex = parseHexLine(line);
    if (hex && current) {
      if (hex.offset !== current.next) {
        const { signature, next } = current;
        warn(AcpidumpCode.offsetGap, n + 1,
          () => `offset 0x${hex.offset.toString(16)} does not continue ${signature} at 0x${next.toString(16)}; bytes appended in line order`);
      }
      current.chunks.push(hex.bytes);
      current.size += hex.bytes.length;
      current.next = hex.offset + hex.bytes.length;
      continue;
    }
    const head = HEADER.exec(line);
    if (head) {
      flush();
      current = { signature: head[1]!, address: head[2]!, line: n + 1, chunks: [], size: 0, next: 0 };
      continue;
    }
    warn(AcpidumpCode.junkLine, n + 1,
      () => `not part of an acpidump table, skipped: ${JSON.stringify(line.length > 80 ? line.slice(0, 77) + '...' : line)}`);
  }
  flush();
  appendAll(diagnostics, limiter.summaries());
  if (tables.length === 0) {
    diagnostics.push({ severity: 'error', code: AcpidumpCode.noTables, message: 'no `SIG @ 0xADDRESS` table with hex dump lines found' });
  }
  return { tables, diagnostics };
}
