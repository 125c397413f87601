/**
 * Binary outputs are stored in golden cases as hex dumps, so that a review
 * shows which bytes changed. An ACPI table is written as acpidump text (a
 * `DMAR @ 0x0000000000000000` line, then the hexy dump lines), which every
 * ridmap command reads like a real dump; anything else as the bare dump.
 */
import { hexDumpLines } from '../codec/index.js';
import { parseHexLine, splitLines } from '../io/acpidump-text.js';
import { looksLikeAcpiTable } from '../io/sniff.js';
import { peekSignature } from '../acpi/header.js';
import { appendAll } from '../append.js';

export function formatHexFile(bytes: Uint8Array): string {
  const head = looksLikeAcpiTable(bytes) ? [`${peekSignature(bytes)} @ 0x0000000000000000`] : [];
  return [...head, ...hexDumpLines(bytes, 0, '  '), ''].join('\n');
}

/** The bytes of a stored dump, or undefined when the text is not one (lines out of order, no dump lines). */
export function parseHexFile(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const line of splitLines(text)) {
    const hex = parseHexLine(line);
    if (!hex) continue;
    if (hex.offset !== out.length) return undefined;
    appendAll(out, hex.bytes);
  }
  return out.length ? Uint8Array.from(out) : undefined;
}
