/**
 * A complete ACPI table set in one memory image, for tables Linux's table
 * upgrade refuses (VIOT: "Unknown signature", drivers/acpi/tables.c): every
 * table the firmware gave Linux except the replaced ones, plus ridmap's, behind
 * a new RSDP (revision 2) and XSDT, with the FADT's DSDT and FACS pointers
 * moved to the copies. Linux is pointed at it with `acpi_rsdp=`. Pure: bytes
 * in, bytes out; headers and checksums through src/acpi.
 */
import { computeChecksum, peekSignature } from '../acpi/header.js';
import { decodeTable, encodeTable, signatureOf } from '../acpi/table.js';
import { JudgeError } from './boot.js';
import type { AcpiTableFile } from './initramfs.js';

export interface TableSetImage {
  /** Guest-physical address of the image's first byte, where the RSDP is. */
  address: bigint;
  bytes: Uint8Array;
  /** Where each table went (the RSDP first), for messages and tests. */
  placed: { signature: string; address: bigint; length: number }[];
}

/** ACPI 6.5 §5.2.5.3, Root System Description Pointer: the fields ridmap writes. */
const RSDP = {
  signature: 0, checksum: 8, oemId: 9, revision: 15, rsdtAddress: 16, length: 20, xsdtAddress: 24, extendedChecksum: 32,
  /** Bytes the first checksum covers (the ACPI 1.0 part). */
  v1Length: 20,
  size: 36,
} as const;

/**
 * ACPI 6.5 §5.2.9, FADT: where it points at the FACS and DSDT. Offsets in the
 * table; a field beyond the table's Length is absent (older revisions).
 */
const FADT_POINTERS = [
  { field: 'FIRMWARE_CTRL', offset: 36, size: 4, target: 'FACS' },
  { field: 'DSDT', offset: 40, size: 4, target: 'DSDT' },
  { field: 'X_FIRMWARE_CTRL', offset: 132, size: 8, target: 'FACS' },
  { field: 'X_DSDT', offset: 140, size: 8, target: 'DSDT' },
] as const;

/** Tables the set's own root replaces (sysfs does not show them; a dump might). */
const ROOT_SIGNATURES = new Set(['RSDT', 'XSDT', 'RSD PTR ']);

/** ACPI 6.5 §5.2.10: the FACS must be 64-byte aligned; 16 for the others keeps every field naturally aligned. */
const FACS_ALIGN = 64;
const TABLE_ALIGN = 16;

/**
 * The image at `address`: RSDP, XSDT (the FADT first, as firmware lists it),
 * then FACS, DSDT, FADT and the others. `firmware` are the tables as Linux
 * held them (/sys/firmware/acpi/tables); a table whose signature is among
 * `replacements`' is dropped, and the replacements are added.
 */
export function rebuildTableSet(firmware: readonly Uint8Array[], replacements: readonly AcpiTableFile[], address: bigint): TableSetImage {
  if (address % BigInt(FACS_ALIGN) !== 0n) throw new JudgeError(`the table set's address 0x${address.toString(16)} is not ${FACS_ALIGN}-byte aligned`, '');
  const replaced = new Set(replacements.map((t) => t.signature));
  const kept = firmware.filter((t) => !replaced.has(peekSignature(t)) && !ROOT_SIGNATURES.has(signatureOf(t)));
  const only = (signature: string): Uint8Array | undefined => {
    const found = kept.filter((t) => peekSignature(t) === signature);
    if (found.length > 1) throw new JudgeError(`the firmware gave ${found.length} ${signature} tables; a rebuilt set can point at one`, '');
    return found[0];
  };
  const fadt = only('FACP');
  if (fadt === undefined) throw new JudgeError('the firmware\'s tables have no FADT (FACP): nothing to rebuild a table set around', '');
  const facs = only('FACS');
  const dsdt = only('DSDT');
  const others = [...kept.filter((t) => !['FACP', 'FACS', 'DSDT'].includes(peekSignature(t))), ...replacements.map((t) => t.bytes)];
  const xsdtEntries = [fadt, ...others];
  const xsdtLength = 36 + 8 * xsdtEntries.length;

  // Addresses first (every length is known), then the bytes.
  const layout: { signature: string; offset: number; bytes: Uint8Array | undefined; length: number }[] = [];
  let at = 0;
  const place = (signature: string, bytes: Uint8Array | undefined, length: number, align: number) => {
    at = Math.ceil(at / align) * align;
    layout.push({ signature, offset: at, bytes, length });
    at += length;
  };
  place('RSD PTR ', undefined, RSDP.size, TABLE_ALIGN);
  place('XSDT', undefined, xsdtLength, TABLE_ALIGN);
  if (facs) place('FACS', facs, facs.length, FACS_ALIGN);
  if (dsdt) place('DSDT', dsdt, dsdt.length, TABLE_ALIGN);
  const tableAt = new Map<Uint8Array, number>();
  for (const t of [fadt, ...others]) {
    place(peekSignature(t), t, t.length, TABLE_ALIGN);
    tableAt.set(t, layout.at(-1)!.offset);
  }
  const addressOf = (offset: number) => address + BigInt(offset);
  const targets = new Map<string, bigint>();
  for (const l of layout) if (l.signature === 'FACS' || l.signature === 'DSDT') targets.set(l.signature, addressOf(l.offset));
  if (addressOf(at) > 0xffff_ffffn) throw new JudgeError(`the table set must lie below 4 GiB (the FADT's 32-bit pointers); 0x${address.toString(16)} is too high`, '');

  const image = new Uint8Array(at);
  for (const l of layout) {
    if (l.bytes === fadt) image.set(patchFadt(fadt, targets), l.offset);
    else if (l.bytes) image.set(l.bytes, l.offset);
  }
  const xsdtOffset = layout[1]!.offset;
  image.set(xsdt(fadt, xsdtEntries.map((t) => addressOf(tableAt.get(t)!))), xsdtOffset);
  image.set(rsdp(fadt, addressOf(xsdtOffset)), 0);
  return { address, bytes: image, placed: layout.map((l) => ({ signature: l.signature, address: addressOf(l.offset), length: l.length })) };
}

/** The FADT with each FACS/DSDT pointer the firmware set moved to the copy; a pointer the firmware left 0 stays 0 (QEMU sets FIRMWARE_CTRL, not X_FIRMWARE_CTRL). */
function patchFadt(fadt: Uint8Array, targets: ReadonlyMap<string, bigint>): Uint8Array {
  const table = decodeTable(fadt);
  const data = new Uint8Array(table.model['data'] as Uint8Array);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const p of FADT_POINTERS) {
    const at = p.offset - 36;
    if (at + p.size > data.length) continue;
    const old = p.size === 4 ? BigInt(view.getUint32(at, true)) : view.getBigUint64(at, true);
    if (old === 0n) continue;
    const target = targets.get(p.target);
    if (target === undefined) throw new JudgeError(`the FADT's ${p.field} points at a ${p.target} (0x${old.toString(16)}) that the firmware's tables do not hold`, '');
    if (p.size === 4) view.setUint32(at, Number(target), true);
    else view.setBigUint64(at, target, true);
  }
  return encoded({ ...table.model, data }, 'FADT');
}

/** An XSDT listing `entries`, under the FADT's OEM ID and Table ID (the set is still the firmware's platform). */
function xsdt(fadt: Uint8Array, entries: readonly bigint[]): Uint8Array {
  const data = new Uint8Array(8 * entries.length);
  const view = new DataView(data.buffer);
  entries.forEach((e, i) => view.setBigUint64(8 * i, e, true));
  const header = decodeTable(fadt).model;
  return encoded({
    signature: 'XSDT', revision: 1, oemId: header['oemId'], oemTableId: header['oemTableId'], oemRevision: header['oemRevision'],
    creatorId: header['creatorId'], creatorRevision: header['creatorRevision'], data,
  }, 'XSDT');
}

/**
 * A revision-2 RSDP pointing at the XSDT only: Linux (ACPICA) takes the XSDT
 * whenever the revision is above 1 and its address is not 0, so no RSDT is built.
 */
function rsdp(fadt: Uint8Array, xsdtAddress: bigint): Uint8Array {
  const out = new Uint8Array(RSDP.size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RSD PTR '), RSDP.signature);
  // The FADT's OEM ID (header offset 10, 6 bytes), as firmware writes the same one in both.
  out.set(fadt.subarray(10, 16), RSDP.oemId);
  out[RSDP.revision] = 2;
  view.setUint32(RSDP.rsdtAddress, 0, true);
  view.setUint32(RSDP.length, RSDP.size, true);
  view.setBigUint64(RSDP.xsdtAddress, xsdtAddress, true);
  out[RSDP.checksum] = computeChecksum(out, RSDP.v1Length, RSDP.checksum);
  out[RSDP.extendedChecksum] = computeChecksum(out, RSDP.size, RSDP.extendedChecksum);
  return out;
}

function encoded(model: Record<string, unknown>, what: string): Uint8Array {
  const e = encodeTable(model);
  // The models are built here from decoded tables: a problem is a bug, not the user's input.
  if (!e.bytes) throw new Error(`judge: cannot encode the rebuilt ${what}: ${e.diagnostics.map((d) => d.message).join('; ')}`);
  return e.bytes;
}
