/**
 * A decoded ACPI table as a subject (subject.ts): resolved by its
 * signature's resolver, printed in iasl's field lines, and round-tripped
 * byte for byte.
 */
import { CHECKSUM_OFFSET, computeChecksum } from '../acpi/header.js';
import { printTableText } from '../acpi/print-table.js';
import { tableResolver } from '../acpi/resolvers.js';
import { encodeTable, tablePathName, type DecodedTable } from '../acpi/table.js';
import { hasErrors } from '../diagnostic.js';
import type { RoundTrip, TableSubject } from './subject.js';

export function acpiSubject(t: DecodedTable, file: string): TableSubject {
  const resolve = tableResolver(t.signature);
  const bytes = t.bytes ?? new Uint8Array();
  return {
    format: t.signature.trimEnd(),
    name: t.name ?? tablePathName(t.signature),
    file,
    modelled: t.def.modelled,
    // Asked for, not taken: a clean table decodes its model only when used (acpi/table.ts lazyTable).
    get model() {
      return t.model;
    },
    spec: t.def.spec,
    bytes,
    diagnostics: t.diagnostics,
    ...(resolve ? { resolve: (resolved) => resolve(t.model, resolved) } : {}),
    roundTrip: () => acpiRoundTrip(t, bytes),
    printText: () => printTableText(t),
    decoded: { table: t },
  };
}

/**
 * Decode then encode must give the table's bytes back, except a wrong
 * checksum, which encode always computes (a derived field; the checksum
 * check reports it, and the round trip says it differs there and only
 * there). A table that does not decode cleanly is not compared: what its
 * lengths say cannot be written back as read.
 */
function acpiRoundTrip(t: DecodedTable, bytes: Uint8Array): RoundTrip {
  if (hasErrors(t.diagnostics)) return { status: 'skipped', reason: 'the table does not decode cleanly' };
  const want = Uint8Array.from(bytes.subarray(0, bytes.length - (t.extra?.length ?? 0)));
  let checksum: { stored: number; computed: number } | undefined;
  if (t.diagnostics.some((d) => d.code === 'acpi-bad-checksum') && want.length > CHECKSUM_OFFSET) {
    checksum = { stored: want[CHECKSUM_OFFSET]!, computed: computeChecksum(want) };
    want[CHECKSUM_OFFSET] = checksum.computed;
  }
  const encoded = encodeTable(t.model);
  if (!encoded.bytes) return { status: 'differs', detail: `encode refuses the decoded model: ${encoded.diagnostics.map((d) => d.message).join('; ')}` };
  const got = encoded.bytes;
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  if (i === got.length && i === want.length) return { status: 'identical', size: got.length, ...(checksum ? { checksum } : {}) };
  return { status: 'differs', offset: i, detail: `encoding the decoded table gives ${got.length} bytes that differ from the ${want.length} read, first at 0x${i.toString(16)}` };
}
