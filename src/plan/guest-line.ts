/**
 * The planned guest as a QEMU command line with an emulated stand-in
 * (pci-testdev) for each assigned function, at the bus and address the
 * function gets. `import qemu` of this line is the guest topology, so the
 * topology is what QEMU builds by construction; vfio-line.ts then puts the
 * host devices in place of the stand-ins.
 */
import { GENERIC_ENDPOINT } from '../import/qemu/catalog.js';
import type { GuestViommu } from './guest-layout.js';

export type GuestMachine = 'q35' | 'virt';
export type ViommuModel = 'intel-iommu' | 'amd-iommu' | 'virtio-iommu' | 'arm-smmuv3';

export const VIOMMU_MODELS: readonly ViommuModel[] = ['intel-iommu', 'amd-iommu', 'virtio-iommu', 'arm-smmuv3'];
export const DEFAULT_VIOMMU: Record<GuestMachine, ViommuModel> = { q35: 'intel-iommu', virt: 'arm-smmuv3' };
/** The machines QEMU has each vIOMMU on (intel-iommu and amd-iommu are x86's; arm-smmuv3 is Arm virt's). */
export const VIOMMU_MACHINES: Record<ViommuModel, readonly GuestMachine[]> = {
  'intel-iommu': ['q35'],
  'amd-iommu': ['q35'],
  'virtio-iommu': ['q35', 'virt'],
  'arm-smmuv3': ['virt'],
};

const MACHINE_ARGS: Record<GuestMachine, string[]> = {
  q35: ['qemu-system-x86_64', '-M', 'q35', '-nodefaults'],
  virt: ['qemu-system-aarch64', '-M', 'virt,gic-version=3', '-nodefaults'],
};

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * `viommus` with a machine-wide model (all but arm-smmuv3) are served by
 * the first one alone: QEMU builds one; plan.ts gives the tables-only
 * topology the others.
 */
export function standInLine(machine: GuestMachine, model: ViommuModel, viommus: readonly GuestViommu[]): string[] {
  const argv = [...MACHINE_ARGS[machine]];
  const device = (value: string) => argv.push('-device', value);
  const first = viommus[0];
  // intel-iommu before every PCI device: QEMU wants it first for the devices' address spaces.
  if (model === 'intel-iommu' && first) device(`intel-iommu,id=${first.viommu}`);
  let chassis = 0;
  for (const v of viommus) {
    device(`pxb-pcie,id=${v.expander},bus_nr=0x${hex2(v.busNr)},bus=pcie.0,addr=${hex2(v.index)}.0`);
    if (model === 'arm-smmuv3') device(`arm-smmuv3,primary-bus=${v.expander},id=${v.viommu}`);
    for (const p of v.ports) {
      device(`pcie-root-port,id=${p.id},bus=${v.expander},chassis=${++chassis},addr=${p.addr}`);
      if (p.bridge) device(`pcie-pci-bridge,id=${p.bridge},bus=${p.id},addr=00.0`);
      const bus = p.bridge ?? p.id;
      for (const d of p.devices) {
        const slot = d.addr.split('.')[0];
        const multi = d.addr.endsWith('.0') && p.devices.some((o) => o !== d && o.addr.split('.')[0] === slot);
        device(`${GENERIC_ENDPOINT},id=${d.id},bus=${bus},addr=${d.addr}${multi ? ',multifunction=on' : ''}`);
      }
    }
  }
  // After the expanders' functions (slots 1..n), so that its own slot is the next free one.
  if (model === 'virtio-iommu' && first) device(`virtio-iommu-pci,id=${first.viommu},bus=pcie.0,addr=${hex2(viommus.length + 1)}.0`);
  // Last: its own function takes the first free slot of the root bus.
  if (model === 'amd-iommu' && first) device(`amd-iommu,id=${first.viommu}`);
  return argv;
}
