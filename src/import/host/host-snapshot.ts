/**
 * A real machine as Linux shows it: the PCI functions it enumerated, the
 * IOMMUs it registered and the groups it formed, with the firmware tables it
 * read. Two readers make one (import/sysfs from a `ridmap snapshot` of
 * /sys, import/lspci from pasted lspci text); the topology builder, the
 * comparison with Linux and `plan` read only this, so they do not care
 * which source a machine came from.
 *
 * Everything is what the machine reported, nothing derived: a field a
 * source does not show is absent (lspci without -xxx has no config bytes,
 * a non-root sysfs read has only 64 or 256 of them), never guessed.
 */
import { devfn, formatSbdf, parseBdf, rid, ridBus, ridDevfn } from '../../model/rid.js';

/** How a function says what it is: the PCIe capability's Device/Port Type (PCIe Base 6.0, 7.5.3.2), or its absence. */
export type HostPcieType =
  | 'endpoint'
  | 'legacy-endpoint'
  | 'rciep'
  | 'rc-event-collector'
  | 'root-port'
  | 'switch-upstream'
  | 'switch-downstream'
  | 'pcie-to-pci-bridge'
  | 'pci-to-pcie-bridge';

/** The ACS Capability's controls (PCIe Base 6.0, 7.7.8.3): what Linux's pci_acs_enabled reads. */
export interface HostAcs {
  /** ACS Source Validation, Translation Blocking, P2P Request Redirect, P2P Completion Redirect, Upstream Forwarding enabled. */
  sourceValidation: boolean;
  requestRedirect: boolean;
  completionRedirect: boolean;
  upstreamForwarding: boolean;
  /** P2P Egress Control and Direct Translated P2P enabled (they do not decide groups; kept for the record). */
  egressControl?: boolean;
  directTranslated?: boolean;
}

export interface HostPciFunction {
  segment: number;
  bus: number;
  device: number;
  fn: number;
  /** `ssss:bb:dd.f`, lower-case hex, as Linux names the function. */
  sbdf: string;
  vendorId?: number;
  deviceId?: number;
  /** 24-bit class code (base class, sub-class, programming interface). */
  classCode?: number;
  /** Header Type bits 6:0 (0 endpoint, 1 PCI-to-PCI bridge, 2 CardBus bridge). */
  headerType?: number;
  /** Header Type bit 7. */
  multifunction?: boolean;
  /** Bridges: the bus numbers the firmware (or Linux) programmed. */
  secondaryBus?: number;
  subordinateBus?: number;
  /** Absent: no PCIe capability (conventional PCI), or the source did not show it. */
  pcieType?: HostPcieType;
  /** true when the PCIe capability was seen (so an absent pcieType means conventional PCI). */
  pcieKnown?: boolean;
  /** The ACS capability's controls; null: the function has no ACS capability; absent: the source could not tell (config space past 0x100 unread). */
  acs?: HostAcs | null;
  /** ATS capability present. */
  ats?: boolean;
  /** PCIe Device Capabilities Phantom Functions Supported (0-3). */
  phantomFunctions?: number;
  /** The upstream bridge's sbdf from the device path (sysfs realpath, lspci -t); null: on a root bus. */
  parent?: string | null;
  /** Linux's IOMMU for the function: the name under /sys/class/iommu, null when it has none. Absent: not known. */
  iommu?: string | null;
  /** Linux's IOMMU group number, null when it has none. Absent: not known. */
  group?: string | null;
  /** The driver bound at snapshot time. */
  driver?: string | null;
  /** Configuration space bytes as read (64, 256 or 4096). */
  config?: Uint8Array;
}

export interface HostIommu {
  /** The name under /sys/class/iommu (dmar0, ivhd0, smmu3.0x0000000009050000, 0000:00:02.0, ...). */
  name: string;
  /** Register base, where sysfs says (intel-iommu/address). */
  address?: bigint;
  /** The PCI function the IOMMU is, or whose virtio device it is (`ssss:bb:dd.f`). */
  pciFunction?: string;
  /** VT-d CAP and ECAP registers, AMD-Vi capability header and EFR, as sysfs shows them. */
  registers?: Readonly<Record<string, bigint>>;
}

/** A host bridge Linux made a root bus for (`/sys/devices/pciSSSS:BB`). */
export interface HostRootBus {
  segment: number;
  bus: number;
  /** The host bridge's ACPI name (`firmware_node/path`, e.g. `\\_SB_.PCI0`), when Linux has one. */
  acpiPath?: string;
}

export interface HostTable {
  /** The name under /sys/firmware/acpi/tables (DMAR, SSDT1, ...) or `fdt` for /sys/firmware/fdt. */
  name: string;
  bytes: Uint8Array;
}

export interface HostSnapshot {
  /** What was read (a file name), for messages. */
  source: string;
  /** `uname -r`, when the snapshot recorded it. */
  kernel?: string;
  /** /proc/cmdline: pcie_acs_override=, iommu=pt, intel_iommu=off and friends change what Linux does. */
  cmdline?: string;
  /** The snapshot was taken as root: config spaces are whole (4096 bytes on PCIe), so ACS is known. */
  privileged?: boolean;
  /** Every PCI function, in sbdf order. */
  functions: HostPciFunction[];
  /** Root buses Linux made; absent: infer from the functions. */
  rootBuses?: HostRootBus[];
  iommus: HostIommu[];
  /** Firmware tables, in the order read. */
  tables: HostTable[];
  /** Things the reader could not take, each said once (a truncated config file, an unreadable table). */
  warnings: string[];
}

/** `ssss:bb:dd.f` of a function, lower-case hex. */
export function hostSbdf(segment: number, bus: number, device: number, fn: number): string {
  return formatSbdf(segment, rid(bus, devfn(device, fn)));
}

/** Parse `ssss:bb:dd.f` (or `bb:dd.f`, segment 0). */
export function parseHostSbdf(text: string): { segment: number; bus: number; device: number; fn: number } | undefined {
  const p = parseBdf(text);
  if (!p) return undefined;
  const df = ridDevfn(p.rid);
  return { segment: p.segment ?? 0, bus: ridBus(p.rid), device: df >> 3, fn: df & 7 };
}

/**
 * The bridge leading to each bus (`segment:bus`), from the bridges' secondary
 * bus numbers, as lspci -t places functions: for a function whose parent the
 * source did not show. The first bridge to claim a bus keeps it; a secondary
 * bus not above the bridge's own is no link down and is ignored.
 */
export function bridgesBySecondaryBus(functions: readonly HostPciFunction[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of functions) {
    if (f.secondaryBus === undefined || f.secondaryBus <= f.bus) continue;
    const key = busKey(f.segment, f.secondaryBus);
    if (!out.has(key)) out.set(key, f.sbdf);
  }
  return out;
}

/** The key of a bus in bridgesBySecondaryBus. */
export const busKey = (segment: number, bus: number): string => `${segment}:${bus}`;
