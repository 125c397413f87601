/**
 * The PCI quirks of Linux (drivers/pci/quirks.c, 6.18) that change which
 * functions share an IOMMU group, by vendor and device: the one table of
 * these facts in ridmap. Two kinds matter:
 *
 * - ACS quirks (pci_dev_acs_enabled[]): functions without an ACS capability
 *   (or with a broken one) that Linux nevertheless treats as isolating, so
 *   a port or a multi-function device is not merged with its peers;
 * - DMA alias quirks (quirk_dma_func0_alias, quirk_dma_func1_alias): a
 *   function that also issues DMA with another function's requester ID, so
 *   Linux puts the two in one group.
 *
 * Linux asks the quirks before the capability (pci_dev_specific_acs_enabled
 * in pci_acs_enabled), so a quirk wins over what config space says. Quirks
 * whose answer depends on more than vendor, device and port type (AMD's
 * southbridge, which reads the IVRS; Cavium's and Zhaoxin's, which match
 * device ranges by port type too) are not listed: a difference they cause
 * is reported by the comparison, not predicted.
 */
import type { HostPciFunction, HostPcieType } from './host-snapshot.js';

const INTEL = 0x8086;

interface AcsQuirk {
  vendor: number;
  /** Device IDs (inclusive ranges); absent: any device of the vendor. */
  devices?: readonly (readonly [number, number])[];
  /** The PCIe port types the quirk answers for; absent: any. */
  types?: readonly HostPcieType[];
  /** Linux's function, for the note that says why. */
  quirk: string;
}

const one = (...ids: number[]) => ids.map((id) => [id, id] as const);
const range = (first: number, last: number) => [[first, last] as const];
const ROOT_PORTS: readonly HostPcieType[] = ['root-port'];

/**
 * pci_dev_acs_enabled[], the entries that decide on vendor, device and type
 * alone. pci_quirk_mf_endpoint_acs: multi-function endpoints verified not to
 * do peer-to-peer between their functions; pci_quirk_rciep_acs: every Intel
 * RCiEP (VT-d 3.16, root-complex peer-to-peer only on translated addresses);
 * pci_quirk_intel_pch_acs / _spt_pch_acs: PCH root ports with no (or a
 * mis-laid-out) ACS capability that Linux enables by hand; the root-port
 * quirks of Qualcomm, HXT, NXP, Broadcom iProc, Loongson, APM/Ampere X-Gene
 * and Annapurna Labs: root ports that cannot reach each other.
 */
const ACS_QUIRKS: readonly AcsQuirk[] = [
  { vendor: 0x1924, devices: one(0x0903, 0x0923, 0x0a03), quirk: 'pci_quirk_mf_endpoint_acs (Solarflare)' },
  {
    vendor: INTEL,
    devices: one(
      0x10c6, 0x10db, 0x10dd, 0x10e1, 0x10f1, 0x10f7, 0x10f8, 0x10f9, 0x10fa, 0x10fb, 0x10fc, 0x1507, 0x1514, 0x151c, 0x1529,
      0x152a, 0x154d, 0x154f, 0x1551, 0x1558, // 82598, 82599, X520, X540
      0x1509, 0x150e, 0x150f, 0x1510, 0x1511, 0x1516, 0x1527, // 82580
      0x10c9, 0x10e6, 0x10e7, 0x10e8, 0x150a, 0x150d, 0x1518, 0x1526, // 82576
      0x10a7, 0x10a9, 0x10d6, // 82575
      0x1521, 0x1522, 0x1523, 0x1524, // I350
      0x105e, 0x105f, 0x1060, 0x10d9, // 82571
      0x15b7, 0x15b8, // I219
    ),
    quirk: 'pci_quirk_mf_endpoint_acs (Intel NICs)',
  },
  { vendor: INTEL, types: ['rciep'], quirk: 'pci_quirk_rciep_acs (Intel RCiEPs)' },
  {
    vendor: INTEL,
    types: ROOT_PORTS,
    devices: [
      ...range(0x3b42, 0x3b51), ...range(0x1c10, 0x1c1f), ...range(0x1e10, 0x1e1f), ...range(0x8c10, 0x8c1f), ...range(0x9c10, 0x9c1b),
      ...range(0x9c90, 0x9c9b), ...one(0x1d10, 0x1d12, 0x1d14, 0x1d16, 0x1d18, 0x1d1a, 0x1d1c, 0x1d1e), ...range(0x8d10, 0x8d1e),
      ...one(0x8c90, 0x8c92, 0x8c94, 0x8c96, 0x8c98, 0x8c9a, 0x8c9c, 0x8c9e),
    ],
    quirk: 'pci_quirk_intel_pch_acs (Intel PCH root ports without ACS)',
  },
  { vendor: 0x19a2, devices: one(0x0710), quirk: 'pci_quirk_mf_endpoint_acs (Emulex BE3-R)' },
  { vendor: 0x10df, devices: one(0x0720), quirk: 'pci_quirk_mf_endpoint_acs (Emulex Skyhawk-R)' },
  { vendor: 0x177d, devices: one(0xa026, 0xa059, 0xa060), quirk: 'pci_quirk_mf_endpoint_acs (Cavium)' },
  { vendor: 0x14e4, devices: one(0x16d7, 0x1750, 0x1751, 0x1752, 0x1760, 0x1761, 0x1762, 0x1763), quirk: 'pci_quirk_mf_endpoint_acs (Broadcom)' },
  { vendor: 0x1d17, devices: one(0x3038, 0x3104, 0x9083), quirk: 'pci_quirk_mf_endpoint_acs (Zhaoxin)' },
  { vendor: 0x17cb, devices: one(0x0400, 0x0401, 0x0115), quirk: 'pci_quirk_qcom_rp_acs (Qualcomm root ports)' },
  { vendor: 0x1dbf, devices: one(0x0401), quirk: 'pci_quirk_qcom_rp_acs (HXT root ports)' },
  { vendor: 0x14e4, devices: one(0xd714), quirk: 'pci_quirk_brcm_acs (Broadcom iProc root ports)' },
  { vendor: 0x10e8, devices: one(0xe004), quirk: 'pci_quirk_xgene_acs (APM X-Gene root ports)' },
  { vendor: 0x1def, devices: range(0xe005, 0xe00c), quirk: 'pci_quirk_xgene_acs (Ampere root ports)' },
  { vendor: 0x0014, devices: one(0x3c09, 0x3c19, 0x3c29, 0x7a09, 0x7a19, 0x7a29, 0x7a39, 0x7a49, 0x7a59, 0x7a69), quirk: 'pci_quirk_loongson_acs (Loongson root ports)' },
  { vendor: 0x1c36, devices: one(0x0031), types: ROOT_PORTS, quirk: 'pci_quirk_al_acs (Annapurna Labs root ports)' },
  {
    vendor: 0x1957,
    devices: one(0x8d81, 0x8da1, 0x8d83, 0x8d80, 0x8da0, 0x8d82, 0x8d90, 0x8db0, 0x8d92, 0x8d91, 0x8db1, 0x8d93, 0x8d89, 0x8da9, 0x8d8b, 0x8d88, 0x8da8, 0x8d8a, 0x8d98, 0x8db8, 0x8d9a, 0x8d99, 0x8db9, 0x8d9b),
    quirk: 'pci_quirk_nxp_rp_acs (NXP LX2xx0 root ports)',
  },
  { vendor: 0x8088, devices: [...range(0x0100, 0x010f), ...one(0x1001, 0x2001, 0x5010, 0x5025, 0x5040, 0x5110, 0x5125, 0x5140)], quirk: 'pci_quirk_wangxun_nic_acs (Wangxun NICs)' },
];

/**
 * Intel's Sunrise Point, Union Point and 7th/8th-generation mobile PCH root
 * ports lay the ACS control register out as a dword at +8, not a word at +6
 * (pci_quirk_intel_spt_pch_acs): the capability's standard reading is wrong
 * there, and Linux reads the quirk's.
 */
const INTEL_SPT_ROOT_PORTS: readonly (readonly [number, number])[] = [
  [0xa110, 0xa11f], [0xa167, 0xa16a], [0xa290, 0xa29f], [0xa2e7, 0xa2ee], [0x9d10, 0x9d1b],
];

const inRanges = (id: number, ranges: readonly (readonly [number, number])[]) => ranges.some(([a, b]) => id >= a && id <= b);

/** The ACS quirk Linux applies to `f` that makes it isolating, if any (its name, for a note). */
export function acsQuirk(f: HostPciFunction): string | undefined {
  if (f.vendorId === undefined || f.deviceId === undefined) return undefined;
  const hit = ACS_QUIRKS.find((q) =>
    q.vendor === f.vendorId &&
    (!q.devices || inRanges(f.deviceId!, q.devices)) &&
    (!q.types || (f.pcieType !== undefined && q.types.includes(f.pcieType))));
  return hit?.quirk;
}

/** An Intel PCH root port whose ACS control register sits where the standard reading does not look. */
export function misreadAcsQuirk(f: HostPciFunction): string | undefined {
  const spt = f.vendorId === INTEL && f.pcieType === 'root-port' && f.deviceId !== undefined && inRanges(f.deviceId, INTEL_SPT_ROOT_PORTS);
  return spt ? 'pci_quirk_intel_spt_pch_acs (Intel Sunrise/Union Point PCH root ports: ACS control at +8)' : undefined;
}

interface DmaAliasQuirk {
  vendor: number;
  devices: readonly (readonly [number, number])[];
  /** The function number the device also requests as. */
  fn: number;
  quirk: string;
}

/**
 * quirk_dma_func1_alias (Marvell SATA/SSD controllers and Highpoint/TTI
 * RocketRAID on Marvell silicon: DMA from function 0 arrives as function 1)
 * and quirk_dma_func0_alias (Ricoh card readers: every function DMAs as
 * function 0).
 */
const DMA_ALIAS_QUIRKS: readonly DmaAliasQuirk[] = [
  {
    vendor: 0x1b4b,
    devices: one(0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9170, 0x9172, 0x917a, 0x9182, 0x9183, 0x91a0, 0x9215, 0x9220, 0x9230, 0x9235),
    fn: 1,
    quirk: 'quirk_dma_func1_alias (Marvell)',
  },
  { vendor: 0x1103, devices: one(0x0642, 0x0645), fn: 1, quirk: 'quirk_dma_func1_alias (HighPoint)' },
  { vendor: 0x1180, devices: one(0xe832, 0xe476), fn: 0, quirk: 'quirk_dma_func0_alias (Ricoh)' },
];

/** The other function `f` also issues DMA as, by Linux's quirk (the function itself is never its own alias). */
export function dmaAliasQuirk(f: HostPciFunction): { fn: number; quirk: string } | undefined {
  if (f.vendorId === undefined || f.deviceId === undefined) return undefined;
  const hit = DMA_ALIAS_QUIRKS.find((q) => q.vendor === f.vendorId && inRanges(f.deviceId!, q.devices));
  return hit && hit.fn !== f.fn ? { fn: hit.fn, quirk: hit.quirk } : undefined;
}
