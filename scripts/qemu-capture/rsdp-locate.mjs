/**
 * Where the RSDP is, as the OS learns it. A BIOS (SeaBIOS) leaves it on a
 * 16-byte boundary in the F segment, where the OS searches. UEFI (EDK2)
 * hands the OS its address in the system table's configuration table, and
 * that is the only copy to trust: EDK2 keeps QEMU's loader blob (with its
 * own RSDP and tables) in memory beside the tables it installed, and its
 * RSDP need not be 16-byte aligned.
 */
import { RSDP_SIGNATURE, scanSignature, u32At, u64At } from './acpi-walk.mjs';

/** The BIOS read-only area the OS searches for the RSDP (ACPI 5.2.5.1). */
export const BIOS_RSDP_AREA = { base: 0xe0000n, size: 0x20000 };
const RSDP_ALIGN = 16;

const EFI_SYSTEM_TABLE_SIGNATURE = 'IBI SYST';
/** EFI_SYSTEM_TABLE (64-bit): Hdr.HeaderSize @12, NumberOfTableEntries @104, ConfigurationTable @112. */
const EFI_ST = { headerSize: 12, entries: 104, table: 112, size: 0x78 };
const EFI_CONFIG_ENTRY = 24;
const MAX_CONFIG_ENTRIES = 256;
/** EFI_ACPI_20_TABLE_GUID, then EFI_ACPI_TABLE_GUID (1.0), as their 16 bytes in memory. */
const ACPI_GUIDS = ['71e86888f1e4d311bc220080c73c8881', '302d9deb882dd3119a160090273fc14d'];

/** @param {Uint8Array} biosArea  the bytes of BIOS_RSDP_AREA */
export function biosRsdps(biosArea) {
  return scanSignature(biosArea, BIOS_RSDP_AREA.base, RSDP_SIGNATURE, RSDP_ALIGN);
}

/**
 * Plausible EFI system tables in a RAM image (signature on 8 bytes, the
 * 64-bit header size).
 * @param {Uint8Array} image
 * @param {bigint} base
 */
export function efiSystemTables(image, base) {
  return scanSignature(image, base, EFI_SYSTEM_TABLE_SIGNATURE, 8).filter((address) => {
    const at = Number(address - base);
    return at + EFI_ST.size <= image.length && u32At(image, at + EFI_ST.headerSize) === EFI_ST.size;
  });
}

/**
 * RSDP addresses a system table's configuration table lists, ACPI 2.0 first.
 * @param {import('./acpi-walk.mjs').GuestMemory} mem
 * @param {bigint} systemTable
 */
export async function efiRsdps(mem, systemTable) {
  const st = await mem.read(systemTable, EFI_ST.size);
  if (!st) return [];
  const count = Number(u64At(st, EFI_ST.entries));
  if (count > MAX_CONFIG_ENTRIES) return [];
  const entries = await mem.read(u64At(st, EFI_ST.table), count * EFI_CONFIG_ENTRY);
  if (!entries) return [];
  const byGuid = new Map();
  for (let i = 0; i < count; i++) {
    const e = entries.subarray(i * EFI_CONFIG_ENTRY, (i + 1) * EFI_CONFIG_ENTRY);
    byGuid.set(Buffer.from(e.subarray(0, 16)).toString('hex'), u64At(e, 16));
  }
  return ACPI_GUIDS.flatMap((g) => (byGuid.has(g) ? [byGuid.get(g)] : []));
}
