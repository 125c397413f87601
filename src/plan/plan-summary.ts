/**
 * plan.txt and the command's stdout: per host IOMMU, its devices and the
 * vIOMMU, expander and guest address they get; then why the address spaces
 * are apart, and what cannot work.
 */
import { formatSbdf } from '../model/rid.js';
import type { GuestMachine, ViommuModel } from './guest-line.js';
import type { Plan } from './plan.js';
import type { PlanHost } from './plan-host.js';

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
        lines.push(`  ${d.host.sbdf} (host group ${d.host.group}) -> ${d.id} at ${at}, behind ${p.bridge ? `root port ${p.id} and PCIe-to-PCI bridge ${p.bridge} (the host group shares one address space)` : `root port ${p.id}`}`);
      }
    }
  }
  for (const f of plan.findings) lines.push(`${f.severity === 'error' ? 'cannot' : 'note'} [${f.code}]: ${f.message}`);
  return lines.join('\n') + '\n';
}
