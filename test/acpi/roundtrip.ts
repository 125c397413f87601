/**
 * What decode→encode must give back: the table's own bytes (up to its
 * Length), identical, except that a wrong checksum comes back corrected:
 * encode always computes the checksum (a derived field, never input).
 */
import { expect } from 'vitest';
import { computeChecksum } from '../../src/acpi/header.js';
import { decodeTable, encodeTable, formatJsonDocument, tablesFromJson, type DecodedTable } from '../../src/acpi/table.js';
import { expectSameBytes, plain } from './bytes.js';

export function expectedBytes(input: Uint8Array, t: DecodedTable): Uint8Array {
  const out = plain(input.subarray(0, input.length - (t.extra?.length ?? 0)));
  if (t.diagnostics.some((d) => d.code === 'acpi-bad-checksum')) out[9] = computeChecksum(out);
  return out;
}

/** decode → encode gives the same bytes; returns the decoded table. */
export function expectRoundTrip(input: Uint8Array): DecodedTable {
  const t = decodeTable(input);
  const e = encodeTable(t.model);
  expect(e.diagnostics).toEqual([]);
  expectSameBytes(e.bytes!, expectedBytes(input, t), `${t.signature} decode→encode`);
  return t;
}

/** decode → JSON text → fromJson → encode gives the same bytes. */
export function expectJsonRoundTrip(input: Uint8Array): void {
  const t = decodeTable(input);
  const json = formatJsonDocument([t]);
  const back = tablesFromJson(json);
  expect(back.diagnostics).toEqual([]);
  expect(back.tables).toHaveLength(1);
  const e = encodeTable(back.tables[0]!.model);
  expect(e.diagnostics).toEqual([]);
  expectSameBytes(e.bytes!, expectedBytes(input, t), `${t.signature} decode→JSON→encode`);
}
