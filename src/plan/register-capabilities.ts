/**
 * What a host IOMMU can do, from the registers Linux shows under
 * /sys/class/iommu (HostIommu.registers), in the topology's capability terms
 * so that the one comparison of address spaces (model/address-space-findings.ts
 * capabilityConflicts, the `incompatible-iommus` rule) judges hosts too.
 *
 * Register keys are the sysfs file names: `cap` and `ecap` (intel-iommu/),
 * `features` (amd-iommu/, the Extended Feature Register; `efr` is read too).
 */
import type { IommuCapabilities } from '../model/topology-schema.js';

const KIB = 1024;
const bits = (value: bigint, low: number, width: number): number => Number((value >> BigInt(low)) & ((1n << BigInt(width)) - 1n));
const bit = (value: bigint, n: number): boolean => bits(value, n, 1) === 1;

/**
 * VT-d CAP/ECAP (Intel VT-d 4.1, 11.4.2 and 11.4.3):
 *   CAP.MGAW 21:16   the widest IOVA (value + 1 bits) -> inputAddressBits;
 *   CAP.SAGAW 12:8   the second-stage table depths (bit 1: 3 levels/39 bits, 2: 4/48, 3: 5/57); the
 *                    deepest one bounds the width the unit walks, so it caps inputAddressBits;
 *   CAP.SLLPS 37:34  second-stage super pages (bit 34: 2 MiB, bit 35: 1 GiB) -> pageSizes;
 *   CAP.FS1GP 56     first-stage 1 GiB pages (only with first-stage support);
 *   ECAP.C 0         page walks snoop the caches -> coherent;
 *   ECAP.SMTS 43, ECAP.SLTS 46, ECAP.FLTS 47: second-stage tables exist unless a scalable-mode unit
 *                    lacks SLTS; first-stage (x86 page tables) with FLTS -> pageTableFormats;
 *   ECAP.PASID 40, ECAP.PSS 39:35: PASID width PSS + 1 -> pasidBits.
 */
export function vtdRegisterCapabilities(cap: bigint, ecap: bigint | undefined): IommuCapabilities {
  const mgaw = bits(cap, 16, 6) + 1;
  const sagaw = bits(cap, 8, 5);
  const deepest = [57, 48, 39].find((_, i) => (sagaw & (1 << (3 - i))) !== 0);
  const sllps = bits(cap, 34, 4);
  const secondStage = ecap === undefined || !bit(ecap, 43) || bit(ecap, 46);
  const firstStage = ecap !== undefined && bit(ecap, 47);
  const sizes = [4 * KIB];
  if (secondStage ? (sllps & 1) !== 0 : firstStage) sizes.push(2 * KIB * KIB);
  if (secondStage ? (sllps & 2) !== 0 : firstStage && bit(cap, 56)) sizes.push(KIB * KIB * KIB);
  const caps: IommuCapabilities = {
    pageTableFormats: [...(secondStage ? ['vtd-sl'] : []), ...(firstStage ? ['vtd-fl'] : [])],
    pageSizes: sizes,
    inputAddressBits: deepest !== undefined ? Math.min(mgaw, deepest) : mgaw,
  };
  if (ecap !== undefined) {
    caps.coherent = bit(ecap, 0);
    caps.pasidBits = bit(ecap, 40) ? bits(ecap, 35, 5) + 1 : 0;
  }
  return caps;
}

/**
 * AMD-Vi EFR (AMD IOMMU 3.10, 3.4.12 MMIO Offset 0030h):
 *   GTSup 4          guest (x86-format, v2) page tables besides the host (v1) ones -> pageTableFormats;
 *   HATS 11:10       host table depth: 00b 4 levels (48 bits), 01b 5 (57), 10b 6 (64) -> inputAddressBits;
 *   PASmax 36:32     PASID width PASmax + 1 (with GTSup) -> pasidBits.
 * AMD v1 tables map every power-of-two size from 4 KiB: no pageSizes to compare.
 */
export function amdViRegisterCapabilities(efr: bigint): IommuCapabilities {
  const guest = bit(efr, 4);
  const hats = bits(efr, 10, 2);
  const caps: IommuCapabilities = {
    pageTableFormats: ['amd-v1', ...(guest ? ['amd-v2'] : [])],
    pasidBits: guest ? bits(efr, 32, 5) + 1 : 0,
  };
  // 11b is reserved (with HATDis, the unit translates nothing): leave the width unsaid.
  if (hats < 3) caps.inputAddressBits = [48, 57, 64][hats]!;
  return caps;
}

/** The capabilities a HostIommu's registers give, by which registers it has; undefined when none is known. */
export function registerCapabilities(registers: Readonly<Record<string, bigint>> | undefined): IommuCapabilities | undefined {
  if (!registers) return undefined;
  if (registers.cap !== undefined && (registers.ecap !== undefined || registers.features === undefined)) {
    return vtdRegisterCapabilities(registers.cap, registers.ecap);
  }
  const efr = registers.features ?? registers.efr;
  return efr !== undefined ? amdViRegisterCapabilities(efr) : undefined;
}
