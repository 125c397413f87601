/**
 * The MCFG model: what the declaration in spec.ts decodes to and encodes
 * from (test/acpi/mcfg.test.ts holds the keys together). Reserved bytes
 * appear only when not zero; `trailing` only when the table ends inside an
 * allocation.
 */
import type { AcpiHeader } from '../header.js';

export type McfgAllocation = {
  baseAddress: bigint;
  segment: number;
  startBus: number;
  endBus: number;
  reserved?: Uint8Array;
};

export type McfgTable = AcpiHeader & {
  reserved?: Uint8Array;
  allocations: McfgAllocation[];
  trailing?: Uint8Array;
};
