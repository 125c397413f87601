/**
 * The machine's IOMMUs: intel-iommu or amd-iommu on q35, virtio-iommu-pci on either
 * machine, -M virt,iommu=smmuv3 on virt; on RISC-V virt riscv-iommu-pci or
 * -M virt,iommu-sys=on. QEMU takes one of these per machine ("does not
 * support multiple vIOMMUs"), and so does the importer; only arm-smmuv3
 * devices (QEMU 10.1+, smmuv3-devices.ts) come several, one per root complex.
 */
import type { IommuCapabilities } from '../../model/topology-schema.js';
import type { MachineConfig } from './machine-config.js';
import type { Diagnostic } from '../../diagnostic.js';
import { amdViProps, amdViWritesEfr, vtdProps, type VtdProps } from './iommu-props.js';
import { parseBool } from './opts.js';
import type { HostBridgeDraft, PlacedFunction } from './pci-buses.js';
import { checked, fail, type ArgRef } from './problems.js';
import { lookupDevice } from './catalog.js';
import type { DeviceContext, DeviceRequest } from './devices.js';
import { addFunction } from './place-function.js';

export type IommuChoice =
  | ({ kind: 'vtd'; qemuId?: string; arg: ArgRef; interruptRemapping: boolean } & VtdProps)
  | { kind: 'amd-vi'; qemuId?: string; fn: PlacedFunction; arg: ArgRef; interruptRemapping: boolean; xtsup: boolean; efr: boolean }
  | { kind: 'virtio-iommu'; fn: PlacedFunction; arg: ArgRef; capabilities: IommuCapabilities }
  | { kind: 'smmuv3'; arg: ArgRef }
  /** -device arm-smmuv3 (smmuv3-devices.ts): one per root complex, index-th on virt's platform bus. */
  | { kind: 'smmuv3-dev'; qemuId?: string; arg: ArgRef; host: HostBridgeDraft; index: number; capabilities: IommuCapabilities }
  | { kind: 'riscv-iommu-pci'; fn: PlacedFunction; arg: ArgRef; capabilities: IommuCapabilities }
  | { kind: 'riscv-iommu-sys'; arg: ArgRef };

/**
 * intel-iommu and amd-iommu on pc: QEMU 7.2 refuses them ("expects a dynamic
 * sysbus device type for the machine"); QEMU 11.1 creates them, but what
 * its DMAR or IVRS then says of an i440FX machine is not modelled here.
 */
const PC_IOMMU_REFUSED = 'intel-iommu and amd-iommu on pc (i440FX): QEMU 7.2 refuses them ("expects a dynamic sysbus device type for the machine"), and their tables on QEMU 11.1\'s pc are not modelled by the importer; use -M q35, or virtio-iommu-pci (a VIOT) on pc';

/**
 * Fails when a second IOMMU arrives (several arm-smmuv3 are smmuv3-devices.ts's
 * rule). QEMU 11.1 takes a virtio-iommu-pci after arm-smmuv3 (it checks the
 * other order only), but then writes an IORT and a VIOT that both claim the
 * same devices (captured: pcie.0 to the SMMUv3 in one, to the virtio-iommu
 * in the other).
 */
export function claimIommu(current: readonly IommuChoice[], arg: ArgRef): void {
  const first = current[0];
  if (first?.kind === 'smmuv3-dev') {
    fail('qemu-multiple-iommus', arg, `the machine already has arm-smmuv3 devices (\`${first.arg.text}\`): QEMU 11.1 builds this line, but its IORT and VIOT then both claim the same devices; use one kind of IOMMU`);
  }
  if (first) fail('qemu-multiple-iommus', arg, `the machine already has an IOMMU (\`${first.arg.text}\`); QEMU supports one`);
}

/** intremap=auto is on unless KVM runs the whole irqchip in the kernel (QEMU then turns it off, and refuses intremap=on). */
function interruptRemapping(req: DeviceRequest, config: MachineConfig): boolean {
  const irqchipInKernel = config.kvm && config.kernelIrqchip === 'on';
  const intremap = req.props.get('intremap') ?? 'auto';
  let on = !irqchipInKernel;
  if (intremap !== 'auto') on = checked(req.arg, 'intremap', () => parseBool(intremap));
  if (on && irqchipInKernel) {
    fail('qemu-iommu-option', req.arg, 'interrupt remapping cannot work with KVM\'s kernel-irqchip=on (QEMU\'s default); use -M q35,kernel-irqchip=split');
  }
  return on;
}

/**
 * amd-iommu's settings; its own PCI function takes the first free slot of
 * the root bus when QEMU creates the device, so it is placed here, in
 * command-line order.
 */
export function amdViChoice(req: DeviceRequest, config: MachineConfig, ctx: DeviceContext): IommuChoice {
  if (config.def.kind === 'pc') fail('qemu-unsupported-device', req.arg, PC_IOMMU_REFUSED);
  if (config.def.kind !== 'q35') fail('qemu-unsupported-device', req.arg, 'amd-iommu exists on x86 machines only (q35)');
  amdViProps(req, config, ctx.warnings);
  const xt = req.props.get('xtsup');
  const xtsup = xt !== undefined && checked(req.arg, 'xtsup', () => parseBool(xt));
  const fn = addFunction(ctx.buses, ctx.buses.main.bus, {
    driver: 'AMDVI-PCI',
    lookup: lookupDevice('AMDVI-PCI'),
    multifunction: false,
    arg: req.arg,
    origin: 'amd-iommu\'s own PCI function: QEMU puts it in the first free slot of the root bus',
  });
  return {
    kind: 'amd-vi',
    fn,
    arg: req.arg,
    interruptRemapping: interruptRemapping(req, config),
    xtsup,
    efr: amdViWritesEfr(config),
    ...(req.props.has('id') ? { qemuId: req.props.get('id')! } : {}),
  };
}

/**
 * intel-iommu's settings. intremap=auto is on unless KVM runs the whole
 * irqchip in the kernel (QEMU then turns it off, and refuses intremap=on).
 */
export function vtdChoice(req: DeviceRequest, config: MachineConfig, warnings: Diagnostic[]): IommuChoice {
  if (config.def.kind === 'pc') fail('qemu-unsupported-device', req.arg, PC_IOMMU_REFUSED);
  if (config.def.kind !== 'q35') fail('qemu-unsupported-device', req.arg, 'intel-iommu exists on x86 machines only (q35)');
  return {
    kind: 'vtd',
    arg: req.arg,
    interruptRemapping: interruptRemapping(req, config),
    ...vtdProps(req, config, warnings),
    ...(req.props.has('id') ? { qemuId: req.props.get('id')! } : {}),
  };
}
