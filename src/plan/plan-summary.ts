/**
 * plan.txt and the command's stdout: per host IOMMU, its devices and the
 * vIOMMU, expander and guest address they get; then why the address spaces
 * are apart, and what cannot work.
 */
import { formatSbdf } from '../model/rid.js';
import type { GuestMachine, ViommuModel } from './guest-line.js';
import type { Plan } from './plan.js';
import type { PlanHost } from './plan-host.js';

/** What the line asks of the host, per vIOMMU model (vfio-line.ts says why). */
const LINE_NEEDS: Record<ViommuModel, string> = {
  'intel-iommu': 'vfio-pci,host= for each device; intel-iommu with caching-mode=on, without which QEMU refuses vfio-pci behind it',
  'amd-iommu': 'vfio-pci,host= for each device; amd-iommu with dma-remap=on (when the release is known to have it), without which QEMU refuses vfio-pci behind it',
  'virtio-iommu': 'vfio-pci,host= for each device behind virtio-iommu-pci',
  'arm-smmuv3': 'vfio-pci,host= with an iommufd backend for each device; arm-smmuv3 accel=on (nested on the host SMMUv3: needs KVM on an Arm host whose SMMUv3 nests), without which QEMU\'s emulated SMMUv3 refuses vfio-pci',
};

export function planSummary(host: PlanHost, opts: { machine: GuestMachine; viommu: ViommuModel }, version: string, plan: Omit<Plan, 'summary'>): string {
  const lines: string[] = [];
  const count = plan.viommus.reduce((n, v) => n + v.ports.reduce((m, p) => m + p.devices.length, 0), 0);
  lines.push(`ridmap plan: ${count} function(s) of ${host.source} for a ${opts.machine} guest with ${opts.viommu} (QEMU ${version})`);
  for (const v of plan.viommus) {
    const unit = host.iommus.find((u) => u.name === v.hostIommu);
    const vIommu = plan.resolved?.byId.get(v.ports[0]!.devices[0]!.id)?.iommu ?? v.viommu;
    lines.push(`host IOMMU ${v.hostIommu}${unit && unit.identity !== unit.name ? ` (${unit.identity})` : ''}: vIOMMU ${vIommu} (${opts.viommu}), expander ${v.expander} (bus 0x${v.busNr.toString(16)}), address space space${v.index}`);
    for (const p of v.ports) {
      for (const d of p.devices) {
        const f = plan.resolved?.byId.get(d.id);
        const at = f ? formatSbdf(f.segment, f.rid) : `bus ${p.bridge ?? p.id}, ${d.addr}`;
        // A host driver still bound must let go first (driverctl, or driver_override and a rebind).
        const rebind = d.host.driver && d.host.driver !== 'vfio-pci' ? `; on the host bound to ${d.host.driver}: rebind it to vfio-pci` : '';
        lines.push(`  ${d.host.sbdf} (host group ${d.host.group}) -> ${d.id} at ${at}, behind ${p.bridge ? `root port ${p.id} and PCIe-to-PCI bridge ${p.bridge} (the host group shares one address space)` : `root port ${p.id}`}${rebind}`);
      }
    }
  }
  if (plan.argv) lines.push(`qemu.sh: ${LINE_NEEDS[opts.viommu]}`);
  const word = { error: 'cannot', warning: 'warning', info: 'note' } as const;
  for (const f of plan.findings) lines.push(`${word[f.severity as keyof typeof word] ?? f.severity} [${f.code}]: ${f.message}`);
  return lines.join('\n') + '\n';
}
