/**
 * User-created SMMUv3s: `-device arm-smmuv3,primary-bus=BUS` on Arm virt
 * (QEMU 10.1+). Each one translates one PCIe root complex (pcie.0 or a
 * pxb-pcie) and everything below it; several may sit on one machine, one
 * per root complex. QEMU puts them on virt's platform bus, so their
 * registers and interrupts follow from the order they are created.
 * The rules and messages are QEMU 11.1's (hw/arm/virt.c pre-plug,
 * hw/arm/smmuv3.c realize), checked against qemu-system-aarch64 11.1 in the
 * reference root; the layout against its DT (dumpdtb) and QEMU 10.2's
 * IORT.smmuv3-dev.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { IommuCapabilities } from '../../model/topology-schema.js';
import type { DeviceContext, DeviceRequest } from './devices.js';
import type { IommuChoice } from './iommu.js';
import { VIRT_LAYOUT } from './machines.js';
import { parseBool, parseUint } from './opts.js';
import { checked, fail, problem } from './problems.js';
import { formatQemuVersion, qemuAtLeast, type QemuVersion } from './qemu-version.js';

/**
 * The first QEMU whose virt takes `-device arm-smmuv3` (before it, the SMMUv3
 * is -M virt,iommu=smmuv3 only): 10.1 as issue 18 says; not checked against a
 * 10.1 binary (the reference root has 7.2 and 11.1), and libvirt dates the
 * smmu_per_bus property it probes for to 10.2.
 */
export const ARM_SMMUV3_DEVICE_SINCE: QemuVersion = [10, 1];

export type Smmuv3DeviceChoice = Extract<IommuChoice, { kind: 'smmuv3-dev' }>;

/**
 * virt's platform bus (VIRT_PLATFORM_BUS, its first SPI) and what one SMMUv3
 * takes of it: 0x20000 of registers and four SPIs (event, PRI, sync, gerror).
 * The n-th SMMUv3 created is at base + n * 0x20000 with SPIs first + 4n:
 * QEMU 11.1's DT puts a third one at 0xc040000 with SPIs 120-123.
 */
export const VIRT_PLATFORM_BUS = { base: 0x0c000000, firstSpi: 112, smmuv3Size: 0x20000, smmuv3Spis: 4 };

/** Register base and interrupt GSIVs of the index-th user-created SMMUv3. */
export function smmuv3DeviceLayout(index: number): { base: number; interrupts: { event: number; pri: number; sync: number; gerror: number } } {
  const gsiv = (n: number) => VIRT_LAYOUT.spiBase + VIRT_PLATFORM_BUS.firstSpi + index * VIRT_PLATFORM_BUS.smmuv3Spis + n;
  return {
    base: VIRT_PLATFORM_BUS.base + index * VIRT_PLATFORM_BUS.smmuv3Size,
    interrupts: { event: gsiv(0), pri: gsiv(1), sync: gsiv(2), gerror: gsiv(3) },
  };
}

/**
 * Other devices on virt's platform bus take registers and SPIs from the same
 * allocator: the importer does not follow that allocation, so with them the
 * SMMUs' bases would be guesses.
 */
const PLATFORM_BUS_DEVICES = /^(tpm-tis-device|uefi-vars-sysbus|vfio-platform|vfio-calxeda-xgmac|vfio-amd-xgbe)$/;

/** Properties of QEMU 11.1's arm-smmuv3 that have no topology field, with what they do. */
const NO_FIELD: Record<string, string> = {
  ril: 'range invalidation (ril) has no topology field',
  cmdqv: 'the NVIDIA CMDQ-Virtualization extension (cmdqv) has no topology field',
  ats: 'ATS on the SMMU (ats) has no field on the IOMMU (a host bridge\'s ats says it of its root complex)',
  'msi-gpa': 'msi-gpa (the guest address of the MSI doorbell for accel=on) has no topology field',
  bus_num: 'bus_num is set by the machine for its own SMMU; ignored',
  smmu_per_bus: 'smmu_per_bus is set by the machine for its own SMMU; ignored',
  identifier: 'identifier is set by the machine (the IORT node identifier); ignored',
  memory: 'memory is a link QEMU sets; ignored',
  'secure-memory': 'secure-memory is a link QEMU sets; ignored',
};
const USED = new Set(['driver', 'id', 'primary-bus', 'accel', 'stage', 'oas', 'ssidsize']);

/** QEMU's arm-smmuv3 `stage=` → the page-table formats it walks (stage 1 the default). */
export const SMMUV3_STAGE_FORMATS: Record<string, string[]> = { '1': ['arm-lpae-s1'], '2': ['arm-lpae-s2'], nested: ['arm-lpae-s1', 'arm-lpae-s2'] };

/** What QEMU's arm-smmuv3 can do without accel, besides its stage: coherent, 48-bit input, 44-bit output, no SubstreamIDs, PRI or stall. */
export const SMMUV3_NO_ACCEL: Omit<IommuCapabilities, 'pageTableFormats'> = {
  coherent: true, stall: false, pri: false, inputAddressBits: 48, outputAddressBits: 44, pasidBits: 0,
};

const onOffAuto = (req: DeviceRequest, key: string): 'on' | 'off' | 'auto' => {
  const v = req.props.get(key) ?? 'auto';
  if (v === 'auto') return v;
  return checked(req.arg, key, () => parseBool(v)) ? 'on' : 'off';
};

/**
 * One `-device arm-smmuv3`: refused where QEMU 11.1 refuses it (with its
 * words), else its root complex, place on the platform bus and capabilities.
 */
export function smmuv3DeviceChoice(req: DeviceRequest, ctx: DeviceContext, iommus: readonly IommuChoice[]): Smmuv3DeviceChoice {
  const { config, warnings } = ctx;
  if (config.def.kind !== 'virt') fail('qemu-unsupported-device', req.arg, 'arm-smmuv3 exists on the Arm virt machine only (qemu-system-aarch64 -M virt)');
  if (!qemuAtLeast(config.qemuVersion, ARM_SMMUV3_DEVICE_SINCE)) {
    fail('qemu-unsupported-device', req.arg, `-device arm-smmuv3 needs QEMU ${formatQemuVersion(ARM_SMMUV3_DEVICE_SINCE)} or later (the line is for QEMU ${formatQemuVersion(config.qemuVersion)}, whose SMMUv3 is -M virt,iommu=smmuv3)`);
  }
  if (config.smmuv3) fail('qemu-multiple-iommus', req.arg, 'QEMU: "virt machine already has iommu=smmuv3 set. Doesn\'t support incompatible iommus"');
  const other = iommus.find((i) => i.kind !== 'smmuv3-dev');
  if (other) fail('qemu-multiple-iommus', req.arg, `QEMU: "virt machine already has ${other.kind} set. Doesn't support incompatible iommus" (\`${other.arg.text}\`)`);
  const busName = req.props.get('primary-bus');
  if (busName === undefined) fail('qemu-iommu-option', req.arg, 'QEMU: "SMMU is not attached to any PCI bus!" (give primary-bus=pcie.0 or a pxb-pcie\'s id)');
  const bus = ctx.buses.bus(busName.split('/').pop()!);
  if (!bus) fail('qemu-unknown-bus', req.arg, `QEMU: "Device '${busName}' not found" (primary-bus names a bus created before it; PCI buses so far: ${ctx.buses.busNames().join(', ')})`);
  const host = bus.host;
  if (host.bus !== bus || host.kind !== 'pcie') {
    fail('qemu-iommu-option', req.arg, `primary-bus=${busName}: QEMU: "SMMU should be attached to a default PCIe root complex(pcie.0) or a pxb-pcie based root complex"`);
  }
  const bypass = host.expander ? host.bypassIommu : config.defaultBusBypassIommu;
  if (bypass) fail('qemu-iommu-option', req.arg, `primary-bus=${busName}: QEMU: "Bypass option cannot be set for SMMUv3 associated PCIe RC" (${host.expander ? 'bypass_iommu=on on its pxb-pcie' : 'default_bus_bypass_iommu=on'})`);
  const smmus = iommus.filter((i): i is Smmuv3DeviceChoice => i.kind === 'smmuv3-dev');
  const same = smmus.find((s) => s.host === host);
  if (same) fail('qemu-multiple-iommus', req.arg, `primary-bus=${busName}: QEMU: "An iommu is already attached to this bus" (\`${same.arg.text}\`)`);
  if (host.expander) {
    warnings.push(problem('qemu-acpi-only', req.arg, `QEMU: "SMMUv3 device only supported with pcie.0 for DT": under a Device Tree QEMU describes no SMMU for ${host.id} (its DT's iommu-map is pcie.0's); booted with ACPI the IORT has it`, 'warning'));
  }
  return {
    kind: 'smmuv3-dev',
    arg: req.arg,
    host,
    index: smmus.length,
    capabilities: capabilities(req, config.kvm && config.kernelIrqchip === 'on', warnings),
    ...(req.props.has('id') ? { qemuId: req.props.get('id')! } : {}),
  };
}

/**
 * What the SMMU can do, from its properties (hw/arm/smmuv3.c): without
 * accel QEMU's SMMUv3 is stage 1 by default, 44-bit output, no SubstreamIDs,
 * no PRI, no stall, coherent; accel=on (nesting on the host SMMU through
 * iommufd) takes oas and ssidsize from the command line, or from the host
 * when auto.
 */
function capabilities(req: DeviceRequest, kvmIrqchip: boolean, warnings: Diagnostic[]): IommuCapabilities {
  const warn = (message: string) => warnings.push(problem('qemu-ignored', req.arg, message, 'warning'));
  const accelText = req.props.get('accel');
  const accel = accelText !== undefined && checked(req.arg, 'accel', () => parseBool(accelText));
  if (accel && !kvmIrqchip) fail('qemu-iommu-option', req.arg, 'QEMU: "SMMUv3 accel=on requires KVM with kernel-irqchip=on support"');
  if (accel) warn('accel=on: QEMU nests this SMMU on the host\'s through iommufd; at run time it needs vfio-pci devices with an iommufd backend behind it (the tables are the same)');
  // accel=off refuses what only the host SMMU could give (QEMU's words).
  const ats = onOffAuto(req, 'ats');
  const ril = onOffAuto(req, 'ril');
  const cmdqv = onOffAuto(req, 'cmdqv');
  if (!accel && ats === 'on') fail('qemu-iommu-option', req.arg, 'QEMU: "ats can only be enabled if accel=on"');
  if (!accel && ril === 'off') fail('qemu-iommu-option', req.arg, 'QEMU: "ril can only be disabled if accel=on"');
  if (!accel && cmdqv === 'on') fail('qemu-iommu-option', req.arg, 'QEMU: "cmdqv can only be enabled if accel=on"');

  const { coherent, stall, pri, inputAddressBits } = SMMUV3_NO_ACCEL;
  const caps: IommuCapabilities = { coherent, stall, pri, inputAddressBits };
  const stage = req.props.get('stage') ?? '1';
  const formats = SMMUV3_STAGE_FORMATS[stage];
  if (formats) caps.pageTableFormats = formats;
  else warn(`stage=${stage}: QEMU 11.1 knows 1, 2 and nested; pageTableFormats left out`);

  const oas = req.props.get('oas') ?? 'auto';
  if (oas !== 'auto' && oas !== '44' && oas !== '48') fail('qemu-iommu-option', req.arg, `oas=${oas}: QEMU takes 44, 48 and auto`);
  if (!accel && oas === '48') fail('qemu-iommu-option', req.arg, 'QEMU: "oas must be 44 bits when accel=off"');
  if (oas !== 'auto') caps.outputAddressBits = Number(oas);
  else if (!accel) caps.outputAddressBits = SMMUV3_NO_ACCEL.outputAddressBits;
  else warn('oas=auto with accel=on: the output address size is the host SMMU\'s; outputAddressBits left out');

  const ssid = req.props.get('ssidsize') ?? 'auto';
  const ssidBits = ssid === 'auto' ? undefined : checked(req.arg, 'ssidsize', () => parseUint(ssid, 20));
  if (!accel && ssidBits !== undefined && ssidBits > 0) fail('qemu-iommu-option', req.arg, 'QEMU: "ssidsize can only be greater than 0 bits if accel=on"');
  if (ssidBits !== undefined) caps.pasidBits = ssidBits;
  else if (!accel) caps.pasidBits = SMMUV3_NO_ACCEL.pasidBits;
  else warn('ssidsize=auto with accel=on: the SubstreamID width is the host SMMU\'s; pasidBits left out');

  for (const key of req.props.keys()) {
    if (USED.has(key)) continue;
    const why = NO_FIELD[key];
    if (why) {
      if (key === 'ats' || key === 'ril' || key === 'cmdqv') {
        if (req.props.get(key) !== 'auto') warn(`${key}=${req.props.get(key)}: ${why}`);
      } else warn(why);
    } else warn(`${key}: QEMU 11.1's arm-smmuv3 has no such property (it refuses it: "Property 'arm-smmuv3.${key}' not found"); ignored`);
  }
  return caps;
}

/** Refuses a line where another platform-bus device shares the allocator with user-created SMMUv3s. */
export function checkPlatformBus(requests: readonly DeviceRequest[]): void {
  if (!requests.some((r) => r.driver === 'arm-smmuv3')) return;
  const other = requests.find((r) => PLATFORM_BUS_DEVICES.test(r.driver));
  if (other) {
    fail('qemu-unsupported-device', other.arg, `${other.driver} sits on virt's platform bus with the arm-smmuv3 devices: the importer does not follow that bus's allocation, so it cannot say where QEMU puts the SMMUs' registers and interrupts`);
  }
}
