/**
 * The machine-wide half of `export qemu`: which machine (q35, Arm virt or
 * RISC-V virt), its IOMMU and ITS, and everything outside the PCI tree. The facts are the
 * importer's (machines.ts, iommu.ts): a topology part is exported only when
 * the importer builds that same part from the command line, else it is
 * refused with the reason, naming its document path.
 */
import { DEFAULT_HOST_ADDRESS_WIDTH } from '../../acpi/dmar/from-topology.js';
import { formatAddress, parseAddress } from '../../model/address.js';
import type { Address, AmdViUnit, Iommu, ItsGroup, RiscvIommu, SmmuV3, Topology, VtdUnit } from '../../model/topology-schema.js';
import { isDeepStrictEqual } from 'node:util';
import type { ExportReport } from './export-problems.js';
import { planSmmuv3Devices, wantsSmmuv3Devices } from './export-smmuv3-devices.js';
import { virtioIommuCapabilities, virtioIommuDefaults, virtioIommuGranule, vtdCapabilities } from './iommu-props.js';
import { formatQemuVersion, NEWEST_VERIFIED_QEMU, OLDEST_QEMU, type QemuVersion } from './qemu-version.js';
import { MACHINES, Q35_AMDVI, Q35_VTD, RISCV_VIRT_LAYOUT, VIRT_LAYOUT, type MachineDef, type MachineKind } from './machines.js';

/** One option of the command line and the topology part it comes from. */
export interface ExportArg {
  name: string;
  value?: string;
  path: string;
}

export interface MachinePlan {
  def: MachineDef;
  /** -M options after the type, in order. */
  machineProps: string[];
  /** The IOMMU, when QEMU can build it. */
  unit?: Iommu;
  its?: ItsGroup;
  /** -device intel-iommu (its properties are completed once the root ports are known). */
  vtdProps?: string[];
  /** The QEMU has no pcie-root-port disable-acs (11.1; RISC-V virt's lines are for 10.1+, checked with 11.1): a root port without ACS cannot be built. */
  rootPortsAlwaysAcs?: boolean;
  /** -device amd-iommu's properties; it comes last, so that its own function takes the first free slot, the topology's. */
  amdViProps?: string[];
  /** -device arm-smmuv3 lines (QEMU 10.1+, export-smmuv3-devices.ts): after the PCI devices they name. */
  smmuv3Devices?: ExportArg[];
}

const hex = (a: Address) => formatAddress(parseAddress(a));
const sameAddress = (a: Address | undefined, b: number) => a !== undefined && parseAddress(a) === BigInt(b);

/** Arm virt when the topology has something only virt has: an SMMUv3, an ITS, an ECAM for the DT, gpex-root. */
function wantsVirt(t: Topology): boolean {
  const unit = t.iommus?.[0];
  if (unit?.type === 'smmuv3') return true;
  if ((t.msiControllers?.length ?? 0) > 0) return true;
  const main = t.hostBridges?.[0];
  return main?.ecam !== undefined || (main?.children ?? []).some((c) => c.addr === '00.0' && c.model === 'gpex-root');
}

/**
 * RISC-V virt for a RISC-V IOMMU, or, without an IOMMU, for RISC-V virt's
 * ECAM address (no other machine has its ECAM there); else q35 or Arm virt.
 */
function machineFor(t: Topology): MachineKind {
  const unit = t.iommus?.[0];
  if (unit?.type === 'riscv-iommu' || unit?.type === 'riscv-iommu-pci') return 'riscv-virt';
  if (!unit && sameAddress(t.hostBridges?.[0]?.ecam, RISCV_VIRT_LAYOUT.ecam)) return 'riscv-virt';
  if (wantsVirt(t)) return 'virt';
  // A conventional PCI root bus is pc's (i440FX); q35's and virt's are PCIe.
  return t.hostBridges?.[0]?.kind === 'pci' ? 'pc' : 'q35';
}

const releases = `QEMU ${formatQemuVersion(OLDEST_QEMU)} to ${formatQemuVersion(NEWEST_VERIFIED_QEMU)}`;

/**
 * Why a machine takes one vIOMMU, in QEMU's own words (the same from 7.2 to
 * 11.1, tried with both): q35 refuses a second intel-iommu, amd-iommu or
 * virtio-iommu-pci in its pre-plug hook; virt a second of iommu=smmuv3 and
 * virtio-iommu-pci.
 */
const ONE_VIOMMU: Record<MachineKind, string> = {
  // pc takes virtio-iommu-pci only (intel-iommu and amd-iommu are q35's for import qemu), one per machine as q35.
  pc: `${releases} take one per pc machine (virtio-iommu-pci; "QEMU does not support multiple vIOMMUs for x86 yet")`,
  q35: `${releases} take one per q35 machine (intel-iommu, amd-iommu and virtio-iommu-pci alike: "QEMU does not support multiple vIOMMUs for x86 yet")`,
  virt: `${releases} take one iommu=smmuv3 or virtio-iommu-pci per virt machine ("virt machine does not support multiple IOMMUs")`,
  // hw/riscv/virt.c switches iommu-sys off when a riscv-iommu-pci is plugged.
  'riscv-virt': 'QEMU\'s RISC-V virt has one (a riscv-iommu-pci switches iommu-sys off)',
};

/** `version`: the QEMU the line is for (its defaults decide what the line leaves unsaid). */
export function planMachine(t: Topology, report: ExportReport, version: QemuVersion = OLDEST_QEMU): MachinePlan {
  const iommus = t.iommus ?? [];
  const def = MACHINES[machineFor(t)];
  const one = ONE_VIOMMU[def.kind];
  const smmuv3Devices = def.kind === 'virt' && wantsSmmuv3Devices(t);
  if (!smmuv3Devices) iommus.slice(1).forEach((_, i) => report.refuse(`iommus[${i + 1}]`, `${i === 0 ? 'a second' : 'one more'} IOMMU: ${one}, and import qemu reads one`));
  const plan: MachinePlan = { def, machineProps: [] };
  const unit = iommus[0];
  if (unit && !smmuv3Devices) {
    const ok = iommuPlan(unit, plan, t, report, version);
    if (ok) plan.unit = unit;
  }
  if (def.kind === 'virt') virtPlan(t, plan, report);
  else if (def.kind === 'riscv-virt') riscvVirtPlan(t, plan, report);
  else if ((t.msiControllers?.length ?? 0) > 0) report.refuse('msiControllers', 'q35 has no ITS');
  if (smmuv3Devices) plan.smmuv3Devices = planSmmuv3Devices(t, plan.its?.id, report);
  outsidePci(t, report);
  return plan;
}

function iommuPlan(unit: Iommu, plan: MachinePlan, t: Topology, report: ExportReport, version: QemuVersion): boolean {
  const path = 'iommus[0]';
  switch (unit.type) {
    case 'vtd':
      if (plan.def.kind !== 'q35') {
        report.refuse(path, 'a VT-d unit with an ITS or an Arm host bridge: QEMU\'s intel-iommu exists on q35 only');
        return false;
      }
      return vtdPlan(unit, plan, t, report);
    case 'smmuv3':
      return smmuv3Plan(unit, plan, report);
    case 'virtio-iommu-pci': {
      if (unit.proximityDomain !== undefined) report.notCarried(`${path}.proximityDomain`, 'proximityDomain: QEMU\'s VIOT does not carry it');
      // The line leaves granule and aw-bits to QEMU's defaults: capabilities equal to those are carried.
      const d = virtioIommuDefaults(version, plan.def.kind);
      const defaults = virtioIommuCapabilities(virtioIommuGranule(d.granule)!, d.awBits);
      if (unit.capabilities !== undefined && !isDeepStrictEqual(unit.capabilities, defaults)) {
        report.notCarried(`${path}.capabilities`, `capabilities: the line gives QEMU ${formatQemuVersion(version)}'s default virtio-iommu (${JSON.stringify(defaults)})`);
      }
      return true;
    }
    case 'smmuv2':
      report.refuse(path, 'an SMMUv2: QEMU emulates no SMMUv2 (virt\'s IOMMUs are SMMUv3 and virtio-iommu)');
      return false;
    case 'virtio-iommu-mmio':
      report.refuse(path, 'virtio-iommu on virtio-mmio: import qemu reads virtio-iommu-pci only (QEMU\'s virt has no virtio-iommu-device in its tables)');
      return false;
    case 'riscv-iommu':
      return riscvIommuSysPlan(unit, plan, report);
    case 'riscv-iommu-pci':
      // Its function is placed (and checked) by export-pci.ts; QEMU's RIMT writes proximity domain 0.
      if (unit.proximityDomain !== undefined) report.notCarried(`${path}.proximityDomain`, 'proximityDomain: QEMU\'s RIMT does not carry it');
      // The line leaves pas-bits at 0: the capabilities import gives that unit are carried.
      if (unit.capabilities !== undefined && !isDeepStrictEqual(unit.capabilities, { pasidBits: 0 })) {
        report.notCarried(`${path}.capabilities`, 'capabilities: the line gives QEMU\'s default riscv-iommu-pci (pas-bits 0)');
      }
      return true;
    case 'amd-vi':
      if (plan.def.kind !== 'q35') {
        report.refuse(path, 'an AMD-Vi unit with an ITS or an Arm host bridge: QEMU\'s amd-iommu exists on q35 only');
        return false;
      }
      return amdViPlan(unit, plan, t, report);
  }
}

function vtdPlan(unit: VtdUnit, plan: MachinePlan, t: Topology, report: ExportReport): boolean {
  const path = 'iommus[0]';
  let ok = true;
  if (!sameAddress(unit.base, Q35_VTD.base)) {
    report.refuse(`${path}.base`, `base ${hex(unit.base)}: QEMU's intel-iommu registers are at ${hex(Q35_VTD.base)}`);
    ok = false;
  }
  if ((unit.segment ?? 0) !== 0) {
    report.refuse(`${path}.segment`, 'segment: QEMU\'s q35 has PCI segment 0 only');
    ok = false;
  }
  for (const key of ['registerSetSize', 'atsRequired', 'proximityDomain'] as const) {
    if (unit[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: QEMU's DMAR does not carry it`);
  }
  const dmar = t.dmar ?? {};
  const aw = dmar.hostAddressWidth ?? DEFAULT_HOST_ADDRESS_WIDTH;
  // The line sets aw-bits in legacy mode: the capabilities import qemu gives that unit are carried; others are not.
  const legacy = vtdCapabilities({ awBits: aw, firstStage: false, pasidBits: 0 });
  if (unit.capabilities !== undefined && !isDeepStrictEqual(unit.capabilities, legacy)) {
    report.notCarried(`${path}.capabilities`, `capabilities: the line gives QEMU's legacy-mode unit (${JSON.stringify(legacy)})`);
  }
  if (!Q35_VTD.awBits.includes(aw)) {
    report.refuse('dmar.hostAddressWidth', `hostAddressWidth ${aw}: QEMU's intel-iommu takes aw-bits ${Q35_VTD.awBits.join(' or ')}`);
    ok = false;
  }
  for (const key of ['x2apicOptOut', 'dmaControlOptIn', 'atcRequired'] as const) {
    if (dmar[key]) report.notCarried(`dmar.${key}`, `${key}: import qemu does not set it`);
  }
  plan.vtdProps = [`aw-bits=${aw}`, `intremap=${dmar.interruptRemapping ? 'on' : 'off'}`];
  // Interrupt remapping under KVM needs the split irqchip; TCG does not mind it.
  if (dmar.interruptRemapping) plan.machineProps.push('kernel-irqchip=split');
  vtdIoapic(unit, t, report);
  return ok;
}

/** QEMU's DMAR scopes one I/O APIC, as ff:00.0 with ID 0; no HPET, no ACPI namespace device. */
function vtdIoapic(unit: VtdUnit, t: Topology, report: ExportReport): void {
  const ioapics = t.ioapics ?? [];
  const want = `ioapicId ${Q35_VTD.ioapic.ioapicId}, sourceId "${Q35_VTD.ioapic.sourceId}", iommu ${unit.id}`;
  if (ioapics.length === 0) report.refuse('ioapics', `QEMU's DMAR always scopes its I/O APIC (${want}); the topology has none`);
  ioapics.forEach((a, i) => {
    const same = a.ioapicId === Q35_VTD.ioapic.ioapicId && a.sourceId.toLowerCase() === Q35_VTD.ioapic.sourceId && a.iommu === unit.id;
    if (i > 0 || !same) report.refuse(`ioapics[${i}]`, `QEMU's DMAR scopes one I/O APIC: ${want}`);
  });
}

/**
 * amd-iommu: QEMU's base and segment, and the IVHD fields QEMU 11.1 writes
 * (xtsup=on when they are its XTSup ones); an I/O APIC named as QEMU names it
 * is intremap=on, none is intremap=off.
 */
function amdViPlan(unit: AmdViUnit, plan: MachinePlan, t: Topology, report: ExportReport): boolean {
  const path = 'iommus[0]';
  let ok = true;
  if (!sameAddress(unit.base, Q35_AMDVI.base)) {
    report.refuse(`${path}.base`, `base ${hex(unit.base)}: QEMU's amd-iommu registers are at ${hex(Q35_AMDVI.base)}`);
    ok = false;
  }
  if ((unit.segment ?? 0) !== 0) {
    report.refuse(`${path}.segment`, 'segment: QEMU\'s q35 has PCI segment 0 only');
    ok = false;
  }
  const xtsup = unit.featureReporting === (Q35_AMDVI.featureReporting | Q35_AMDVI.xtsup.featureReporting);
  const xt = xtsup ? Q35_AMDVI.xtsup : { featureReporting: 0, efr: 0 };
  const qemu = { capabilityOffset: Q35_AMDVI.capabilityOffset, info: 0, ivhdFlags: Q35_AMDVI.ivhdFlags, featureReporting: Q35_AMDVI.featureReporting | xt.featureReporting };
  for (const key of ['capabilityOffset', 'info', 'ivhdFlags', 'featureReporting'] as const) {
    const v = unit[key];
    if (v !== undefined && v !== qemu[key]) report.notCarried(`${path}.${key}`, `${key}: QEMU's amd-iommu writes 0x${qemu[key].toString(16)}`);
  }
  const efr = Q35_AMDVI.efr | xt.efr;
  if (unit.efr !== undefined && !sameAddress(unit.efr, efr)) report.notCarried(`${path}.efr`, `efr: QEMU's amd-iommu writes 0x${efr.toString(16)}`);
  for (const key of ['capabilities', 'proximityDomain'] as const) {
    if (unit[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: QEMU's IVRS does not carry it`);
  }
  const ioapics = t.ioapics ?? [];
  const want = `ioapicId ${Q35_AMDVI.ioapic.ioapicId}, sourceId "${Q35_AMDVI.ioapic.sourceId}", iommu ${unit.id}`;
  ioapics.forEach((a, i) => {
    const same = a.ioapicId === Q35_AMDVI.ioapic.ioapicId && a.sourceId.toLowerCase() === Q35_AMDVI.ioapic.sourceId && a.iommu === unit.id;
    if (i > 0 || !same) report.refuse(`ioapics[${i}]`, `QEMU's IVRS names one I/O APIC, with intremap on: ${want}`);
  });
  plan.amdViProps = [`intremap=${ioapics.length > 0 ? 'on' : 'off'}`, ...(xtsup ? ['xtsup=on'] : [])];
  return ok;
}

function smmuv3Plan(unit: SmmuV3, plan: MachinePlan, report: ExportReport): boolean {
  const path = 'iommus[0]';
  let ok = true;
  if (!sameAddress(unit.base, VIRT_LAYOUT.smmuv3.base)) {
    report.refuse(`${path}.base`, `base ${hex(unit.base)}: virt's SMMUv3 is at ${hex(VIRT_LAYOUT.smmuv3.base)}`);
    ok = false;
  }
  const gsiv = (n: number) => VIRT_LAYOUT.spiBase + VIRT_LAYOUT.smmuv3.firstSpi + n;
  const irq = unit.interrupts;
  const want = { event: gsiv(0), pri: gsiv(1), sync: gsiv(2), gerror: gsiv(3) };
  if (irq && (Object.keys(want) as (keyof typeof want)[]).some((k) => irq[k] !== undefined && irq[k] !== want[k])) {
    report.refuse(`${path}.interrupts`, `virt's SMMUv3 interrupts are GSIV event ${want.event}, pri ${want.pri}, sync ${want.sync}, gerror ${want.gerror}`);
    ok = false;
  }
  for (const key of ['model', 'httu', 'vatos', 'deviceId', 'capabilities', 'proximityDomain'] as const) {
    if (unit[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: QEMU's IORT does not carry it`);
  }
  if (unit.coherent === false) report.notCarried(`${path}.coherent`, 'coherent false: QEMU\'s SMMUv3 is coherent');
  plan.machineProps.push('iommu=smmuv3');
  return ok;
}

/** -M virt,iommu-sys=on: QEMU's platform RISC-V IOMMU, always at VIRT_IOMMU_SYS. */
function riscvIommuSysPlan(unit: RiscvIommu, plan: MachinePlan, report: ExportReport): boolean {
  const path = 'iommus[0]';
  if (!sameAddress(unit.base, RISCV_VIRT_LAYOUT.iommuSys)) {
    report.refuse(`${path}.base`, `base ${hex(unit.base)}: RISC-V virt's platform IOMMU (iommu-sys=on) is at ${hex(RISCV_VIRT_LAYOUT.iommuSys)}`);
    return false;
  }
  // QEMU's RIMT gives its IOMMU no interrupt wires (it signals by MSI) and proximity domain 0; Linux maps devices without them.
  for (const key of ['interrupts', 'capabilities', 'proximityDomain'] as const) {
    if (unit[key] !== undefined) report.notCarried(`${path}.${key}`, `${key}: QEMU's RIMT does not carry it`);
  }
  plan.machineProps.push('iommu-sys=on');
  return true;
}

/**
 * RISC-V virt: ACPI on (QEMU then writes the RIMT Linux reads) with the
 * APLIC and IMSIC (hw/riscv/virt.c aia=aplic-imsic: without an IMSIC no
 * PCIe function has MSIs, and the MADT describes no IMSIC for Linux), as
 * EDK2 boots it; and where its ECAM is.
 */
function riscvVirtPlan(t: Topology, plan: MachinePlan, report: ExportReport): void {
  plan.machineProps.unshift('acpi=on', 'aia=aplic-imsic');
  (t.msiControllers ?? []).forEach((_, i) =>
    report.refuse(`msiControllers[${i}]`, 'an ITS group: RISC-V virt\'s MSIs go to its IMSICs, which have no ITS IDs'),
  );
  const main = t.hostBridges?.[0];
  if (main?.ecam !== undefined && !sameAddress(main.ecam, RISCV_VIRT_LAYOUT.ecam)) {
    report.refuse('hostBridges[0].ecam', `ecam ${hex(main.ecam)}: RISC-V virt's ECAM is at ${hex(RISCV_VIRT_LAYOUT.ecam)}`);
  }
  if (main?.busLimit !== undefined && main.busLimit !== 0xff) {
    report.refuse('hostBridges[0].busLimit', `busLimit ${main.busLimit}: RISC-V virt's root complex ends at bus 255`);
  }
}

/** virt: GICv3 with its ITS (or GICv2 without one), and where its ECAM is. */
function virtPlan(t: Topology, plan: MachinePlan, report: ExportReport): void {
  const its = t.msiControllers ?? [];
  its.slice(1).forEach((_, i) => report.refuse(`msiControllers[${i + 1}]`, 'a second ITS group: virt has one ITS'));
  const first = its[0];
  if (first) {
    if (first.itsIds.length !== 1 || first.itsIds[0] !== VIRT_LAYOUT.its.id) {
      report.refuse('msiControllers[0].itsIds', `virt's one ITS has ID ${VIRT_LAYOUT.its.id}`);
    }
    if (first.base !== undefined && !sameAddress(first.base, VIRT_LAYOUT.its.base)) {
      report.refuse('msiControllers[0].base', `virt's ITS is at ${hex(VIRT_LAYOUT.its.base)}`);
    }
    plan.its = first;
  }
  // GICv2 (virt's default) has no ITS; GICv3 has one (its=on by default).
  plan.machineProps.push(`gic-version=${first ? 3 : 2}`);
  const unit = t.iommus?.[0];
  if (unit?.type === 'smmuv3' && first && unit.msiController !== undefined && unit.msiController !== first.id) {
    report.refuse('iommus[0].msiController', `virt's SMMUv3 sends its MSIs to the ITS ${first.id}`);
  }
  const main = t.hostBridges?.[0];
  const low = sameAddress(main?.ecam, VIRT_LAYOUT.ecamLow) || main?.busLimit === VIRT_LAYOUT.lowEcamBuses - 1;
  if (main?.ecam !== undefined && !sameAddress(main.ecam, VIRT_LAYOUT.ecamLow) && !sameAddress(main.ecam, VIRT_LAYOUT.ecamHigh)) {
    report.refuse('hostBridges[0].ecam', `ecam ${hex(main.ecam)}: virt's ECAM is at ${hex(VIRT_LAYOUT.ecamHigh)} (or ${hex(VIRT_LAYOUT.ecamLow)} with highmem=off)`);
  }
  if (main?.busLimit !== undefined && main.busLimit !== 0xff && main.busLimit !== VIRT_LAYOUT.lowEcamBuses - 1) {
    report.refuse('hostBridges[0].busLimit', `busLimit ${main.busLimit}: virt's root complex ends at bus 255 (15 with highmem=off)`);
  }
  // The low ECAM holds 16 buses: that is what highmem=off gives.
  if (low) plan.machineProps.push('highmem=off');
}

/** Parts of a topology that are not PCI: QEMU's tables have none of them (or import qemu reads none back). */
function outsidePci(t: Topology, report: ExportReport): void {
  (t.platformDevices ?? []).forEach((_, i) =>
    report.refuse(`platformDevices[${i}]`, 'a platform (MMIO) device: import qemu describes PCI functions only, and QEMU\'s IORT and RIMT name no platform device behind their IOMMU'),
  );
  (t.hpets ?? []).forEach((_, i) => report.refuse(`hpets[${i}]`, 'an HPET scope: QEMU\'s DMAR and IVRS name no HPET'));
  (t.acpiDevices ?? []).forEach((_, i) => report.refuse(`acpiDevices[${i}]`, 'an ACPI namespace device (ANDD): QEMU\'s DMAR has none'));
  // The VT-d and AMD-Vi cases are vtdIoapic's and amdViPlan's.
  const unitType = t.iommus?.[0]?.type;
  if (unitType !== 'vtd' && unitType !== 'amd-vi') {
    (t.ioapics ?? []).forEach((_, i) => report.refuse(`ioapics[${i}]`, 'an I/O APIC scope without VT-d or AMD-Vi: only QEMU\'s DMAR and IVRS name I/O APICs'));
  }
  (t.addressSpaces ?? []).forEach((_, i) =>
    report.notCarried(`addressSpaces[${i}]`, 'an address space (which devices a guest gets together) is the user\'s plan, not QEMU hardware'),
  );
  if (t.acpi !== undefined) report.notCarried('acpi', 'ACPI header fields: QEMU writes its own (BOCHS/BXPC)');
}
