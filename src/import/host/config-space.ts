/**
 * What a PCI function's configuration space says about its place in the
 * IOMMU picture (PCIe Base 6.0, chapter 7): identity, header type and bus
 * numbers, the PCIe capability's port type, ACS controls and ATS. Both
 * snapshot readers use it: sysfs's `config` file and lspci's -x/-xxx dump
 * are the same bytes.
 *
 * The capability lists are linked lists the device (or a corrupt dump)
 * controls: each walk is bounded by the space's size and stops at a visited
 * offset, so a loop in the links cannot hang it.
 */
import type { HostAcs, HostPciFunction, HostPcieType } from './host-snapshot.js';

const CAP_PCIE = 0x10;
const EXT_CAP_ACS = 0x000d;
const EXT_CAP_ATS = 0x000f;
/** The first extended capability sits at 0x100 (PCIe Base 6.0, 7.6). */
const EXT_CAP_START = 0x100;

/** PCIe Capabilities Register, Device/Port Type (bits 7:4). */
const PORT_TYPES: Readonly<Record<number, HostPcieType>> = {
  0x0: 'endpoint',
  0x1: 'legacy-endpoint',
  0x4: 'root-port',
  0x5: 'switch-upstream',
  0x6: 'switch-downstream',
  0x7: 'pcie-to-pci-bridge',
  0x8: 'pci-to-pcie-bridge',
  0x9: 'rciep',
  0xa: 'rc-event-collector',
};

/** The config-space facts of HostPciFunction (identity and place aside). */
export type ConfigFacts = Pick<
  HostPciFunction,
  'vendorId' | 'deviceId' | 'classCode' | 'headerType' | 'multifunction' | 'secondaryBus' | 'subordinateBus' | 'pcieType' | 'pcieKnown' | 'acs' | 'ats' | 'phantomFunctions'
>;

/**
 * Read the facts `config` holds. A space of 64 bytes (what an unprivileged
 * read of sysfs gives) says identity and bus numbers only; of 256, the
 * capability list too; of 4096, the extended capabilities (ACS, ATS). What
 * the bytes do not reach stays absent, so "no ACS" is never claimed from a
 * space that stops at 0x100.
 */
export function configFacts(config: Uint8Array): ConfigFacts {
  const out: ConfigFacts = {};
  if (config.length < 0x10) return out;
  const u8 = (o: number) => config[o]!;
  const u16 = (o: number) => config[o]! | (config[o + 1]! << 8);
  const u32 = (o: number) => (u16(o) | (u16(o + 2) << 16)) >>> 0;
  out.vendorId = u16(0);
  out.deviceId = u16(2);
  out.classCode = u8(0x09) | (u8(0x0a) << 8) | (u8(0x0b) << 16);
  out.headerType = u8(0x0e) & 0x7f;
  out.multifunction = (u8(0x0e) & 0x80) !== 0;
  if (out.headerType === 1 && config.length >= 0x1b) {
    out.secondaryBus = u8(0x19);
    out.subordinateBus = u8(0x1a);
  }
  // Capabilities List bit of Status; the pointer is at 0x34 (0x14 for CardBus).
  const hasCaps = config.length >= 0x40 && (u16(0x06) & 0x10) !== 0;
  if (config.length >= 0x100) out.pcieKnown = true;
  if (hasCaps && config.length >= 0x100) {
    const seen = new Set<number>();
    let at = u8(out.headerType === 2 ? 0x14 : 0x34) & 0xfc;
    while (at >= 0x40 && at + 2 <= 0x100 && !seen.has(at)) {
      seen.add(at);
      if (u8(at) === CAP_PCIE && at + 8 <= 0x100) {
        const type = PORT_TYPES[(u16(at + 2) >> 4) & 0xf];
        if (type) out.pcieType = type;
        out.phantomFunctions = (u32(at + 4) >> 3) & 0x3;
      }
      at = u8(at + 1) & 0xfc;
    }
  }
  // Extended capabilities exist only on PCIe functions, and only a full 4 KiB read shows them.
  if (out.pcieType !== undefined && config.length >= 0x1000) {
    out.acs = null;
    out.ats = false;
    const seen = new Set<number>();
    let at = EXT_CAP_START;
    while (at >= EXT_CAP_START && at + 4 <= config.length && !seen.has(at)) {
      seen.add(at);
      const header = u32(at);
      if (header === 0 || header === 0xffffffff) break;
      const id = header & 0xffff;
      if (id === EXT_CAP_ACS && at + 8 <= config.length) out.acs = acsControls(u16(at + 6));
      if (id === EXT_CAP_ATS) out.ats = true;
      at = (header >>> 20) & 0xffc;
    }
  }
  return out;
}

/** ACS Control Register (PCIe Base 6.0, 7.7.8.3). */
function acsControls(control: number): HostAcs {
  return {
    sourceValidation: (control & 0x01) !== 0,
    requestRedirect: (control & 0x04) !== 0,
    completionRedirect: (control & 0x08) !== 0,
    upstreamForwarding: (control & 0x10) !== 0,
    egressControl: (control & 0x20) !== 0,
    directTranslated: (control & 0x40) !== 0,
  };
}

/** The controls Linux's pci_acs_path_enabled asks of every port up to the root (REQ_ACS_FLAGS: SV, RR, CR, UF). */
export function acsIsolates(acs: HostAcs | null | undefined): boolean {
  return !!acs && acs.sourceValidation && acs.requestRedirect && acs.completionRedirect && acs.upstreamForwarding;
}
