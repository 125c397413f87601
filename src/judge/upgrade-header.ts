/**
 * The ACPI header a table needs for Linux's table upgrade to take it. Linux
 * (drivers/acpi/tables.c, acpi_table_initrd_override) replaces a firmware table
 * only when signature, OEM ID and OEM Table ID match the firmware's and the
 * OEM Revision is higher: booted here, Debian's 6.1 logs "DMAR ACPI table found
 * in initrd" for a table with QEMU's OEM Revision (1) and keeps QEMU's table,
 * and overrides it with revision 2. Normal builds keep the topology's own
 * header: only the judge calls this, on a copy of the topology.
 */
import type { Topology } from '../model/topology-schema.js';

export interface FirmwareTableIdentity {
  oemId: string;
  oemTableId: string;
  oemRevision: number;
}

/**
 * What QEMU writes in every ACPI table it builds (hw/acpi: ACPI_BUILD_APPNAME6
 * "BOCHS ", ACPI_BUILD_APPNAME8 "BXPC    ", OEM revision 1), the same in QEMU 7.2
 * and in the corpus's qemu-expected DMAR (tests/data/acpi/x86/q35/DMAR.dmar).
 */
export const QEMU_TABLE_IDENTITY: FirmwareTableIdentity = { oemId: 'BOCHS', oemTableId: 'BXPC', oemRevision: 1 };

/** The topology with the header defaults that make its tables upgrade `firmware`'s (header-defaults.ts pads them). */
export function topologyForTableUpgrade(topology: Topology, firmware: FirmwareTableIdentity = QEMU_TABLE_IDENTITY): Topology {
  return {
    ...topology,
    acpi: { ...topology.acpi, oemId: firmware.oemId, oemTableId: firmware.oemTableId, oemRevision: firmware.oemRevision + 1 },
  };
}
