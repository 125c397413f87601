/**
 * TypeScript shapes of the DMAR model that `dmar/spec.ts` decodes to and
 * encodes from. Names follow the VT-d spec (DmarDrhd for the DMA Remapping
 * Hardware Unit Definition, ...); keys are its field names in camelCase.
 * Derived fields (Length, Type numbers, Checksum) are not here: encode
 * computes them. Reserved bytes appear only when they are not zero, and
 * `trailing` only when a structure's Length covers bytes its fields do not.
 */
import type { AcpiHeader } from '../header.js';

export type DmarPciPath = {
  device: number;
  function: number;
};

export type DmarDeviceScope = {
  /** 1 PCI endpoint, 2 PCI sub-hierarchy, 3 I/O APIC, 4 MSI-capable HPET, 5 ACPI namespace device (see DmarScopeType). */
  type: number;
  /** VT-d 3.4+ device properties (SCOPE_FLAG_BITS); zero in older tables. */
  flags: number;
  reserved?: Uint8Array;
  /** I/O APIC ID, HPET number or ANDD device number; 0 for PCI scopes. */
  enumerationId: number;
  /** The root bus the path starts from. */
  startBusNumber: number;
  path: DmarPciPath[];
  /** An odd byte at the end of the path, kept as read. */
  trailing?: Uint8Array;
};

type Kept = {
  reserved?: Uint8Array;
  trailing?: Uint8Array;
};

// A DRHD has no reserved bytes (Flags, Size, then the segment).
export type DmarDrhd = Pick<Kept, 'trailing'> & {
  type: 'DRHD';
  /** DRHD_FLAG_BITS: bit 0 INCLUDE_PCI_ALL. */
  flags: number;
  /** Bits 3:0: register set size is 2^N 4 KiB pages. */
  size: number;
  segmentNumber: number;
  registerBaseAddress: bigint;
  deviceScopes: DmarDeviceScope[];
};

export type DmarRmrr = Kept & {
  type: 'RMRR';
  segmentNumber: number;
  baseAddress: bigint;
  /** Last byte of the region (inclusive). */
  limitAddress: bigint;
  deviceScopes: DmarDeviceScope[];
};

export type DmarAtsr = Kept & {
  type: 'ATSR';
  /** Bit 0 ALL_PORTS. */
  flags: number;
  segmentNumber: number;
  deviceScopes: DmarDeviceScope[];
};

export type DmarRhsa = Kept & {
  type: 'RHSA';
  registerBaseAddress: bigint;
  proximityDomain: number;
};

export type DmarAndd = Kept & {
  type: 'ANDD';
  acpiDeviceNumber: number;
  /** Full ACPI path, without the terminating NUL. */
  acpiObjectName: string;
  /** Bytes after the NUL inside Length (usually zero padding). */
  padding?: Uint8Array;
};

export type DmarSatc = Kept & {
  type: 'SATC';
  /** Bit 0 ATC_REQUIRED. */
  flags: number;
  segmentNumber: number;
  deviceScopes: DmarDeviceScope[];
};

export type DmarSidp = Kept & {
  type: 'SIDP';
  segmentNumber: number;
  deviceScopes: DmarDeviceScope[];
};

/** A structure of a reserved type, or one too short for its type: kept as bytes after Type and Length. */
export type DmarUnknownStructure = {
  type: number;
  raw: Uint8Array;
};

export type DmarRemappingStructure =
  | DmarDrhd
  | DmarRmrr
  | DmarAtsr
  | DmarRhsa
  | DmarAndd
  | DmarSatc
  | DmarSidp
  | DmarUnknownStructure;

export type DmarTable = AcpiHeader & Kept & {
  /** N-1, where N is the maximum DMA physical address width. */
  hostAddressWidth: number;
  /** DMAR_FLAG_BITS: INTR_REMAP, X2APIC_OPT_OUT, DMA_CTRL_PLATFORM_OPT_IN. */
  flags: number;
  remappingStructures: DmarRemappingStructure[];
};
