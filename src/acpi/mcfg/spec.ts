/**
 * MCFG, the PCI Express memory-mapped configuration space table (PCI
 * Firmware Specification 3.x, section 4.1.2), declared once: this
 * declaration alone drives decode, encode, text and JSON. Layout and labels
 * are ACPICA 20260408's (actbl1.h ACPI_TABLE_MCFG, dmtbinfo2.c
 * AcpiDmTableInfoMcfg/Mcfg0), so that the text is what `iasl -d` prints.
 *
 * After the header come 8 reserved bytes, then one 16-byte allocation per
 * ECAM window to the end of the table (no count field: Linux's
 * pci_mcfg_init divides the remaining length by 16). Bytes after the last
 * whole allocation are kept as trailing bytes and reported
 * (bin-partial-element).
 */
import { array, field, reserved, struct, u16le, u64le, u8, type StructSpec } from '../../codec/index.js';
import { once } from '../../once.js';
import { acpiHeaderMembers } from '../header.js';

export const MCFG_SIGNATURE = 'MCFG';
/** iasl's name for the table (ahtable.c). */
export const MCFG_DESCRIPTION = 'Memory Mapped Configuration Table';
/** Header and the reserved 8 bytes: where the first allocation starts. */
export const MCFG_HEADER_SIZE = 44;
export const MCFG_ALLOCATION_SIZE = 16;

/** The MCFG's declarations, built on the first call (a run that reads no MCFG builds none; issue 21). */
function declare() {
  /**
   * One ECAM window: the configuration space of buses Start..End (inclusive)
   * of one PCI segment group, at Base Address + (bus << 20 | devfn << 12).
   * Base Address is where bus 0 would be, even when Start Bus Number is not 0.
   */
  const allocation: StructSpec = struct({
    name: 'Allocation',
    typeName: 'McfgAllocation',
    members: [
      field('baseAddress', 'Base Address', u64le),
      field('segment', 'Segment Group Number', u16le),
      field('startBus', 'Start Bus Number', u8),
      field('endBus', 'End Bus Number', u8),
      reserved('Reserved', 4, 'int'),
    ],
  });

  /** The MCFG: the ACPI header, 8 reserved bytes, then the allocations to the end. */
  const mcfgSpec: StructSpec = struct({
    name: 'MCFG',
    typeName: 'McfgTable',
    members: [
      ...acpiHeaderMembers(MCFG_DESCRIPTION),
      { ...reserved('Reserved', 8, 'int'), block: true },
      array('allocations', 'Allocations', allocation),
    ],
  });
  return { allocation, mcfgSpec };
}

/** The MCFG's structure declarations (built on the first call). */
export const mcfgDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The MCFG table's declaration. */
export const mcfgSpec = (): StructSpec => mcfgDeclarations().mcfgSpec;
