/**
 * Checks of the topology itself, from what its finding functions say: the
 * model findings of resolveTopology (alias groups split between IOMMUs or
 * address spaces, incompatible IOMMUs, colliding aliases, output IDs out of
 * range) under their own ids, and a table the topology asks for but no
 * table can express (build-refused, from the build's refusals).
 */
import type { Severity } from '../diagnostic.js';
import { REFUSAL_SEVERITY, RISCV_IOMMU_LINUX_VERSION, SMMUV3_STREAM_SHARED, VIRTIO_IOMMU_ALIAS_PROBE } from '../model/linux-probe.js';
import { reporting, sessionCheck, type Check } from './check.js';

/** A finding resolveTopology makes under a code that is the check's id. */
function modelFinding(id: string, description: string, severity: Severity = 'error'): Check {
  return sessionCheck({
    id,
    severity,
    description,
    needs: { topology: true },
    run: (session) => {
      const t = session.topology;
      return (t?.resolved.findings ?? []).filter((d) => d.code === id).map((d) => ({ ...reporting(d, id), file: t!.file }));
    },
  });
}

export const buildRefused = sessionCheck({
  id: 'build-refused',
  severity: 'error',
  description:
    'a topology given as input asks for something no table can express (a device that must bypass the IOMMU below ' +
    'another unit\'s sub-hierarchy scope, units whose scopes nest both ways, ...), so that table is not built',
  needs: { topology: true, build: true },
  run: (session) => {
    const t = session.topology;
    return (t?.build?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => ({ ...reporting(d, 'build-refused'), file: t!.file }));
  },
});

export const TOPOLOGY_CHECKS: readonly Check[] = [
  modelFinding('group-split-iommu', 'an alias group whose members are behind different IOMMUs (or partly untranslated): they cannot be isolated from each other'),
  modelFinding('group-split-address-space', 'an alias group used in several address spaces (VFIO refuses: "group used in multiple address spaces")'),
  modelFinding('incompatible-iommus', 'one address space behind IOMMUs that cannot share its page tables (formats, page sizes and granules, coherency, input, output or PASID widths); names the property and the devices that could share a vIOMMU instead'),
  modelFinding('alias-collision', 'two devices issue a common RID but are given different IOMMUs or output IDs for it'),
  modelFinding(SMMUV3_STREAM_SHARED, 'Linux\'s arm-smmu-v3 refuses a device whose StreamID an earlier device already holds (two devices behind one PCIe-to-PCI bridge): it gets no IOMMU', REFUSAL_SEVERITY[SMMUV3_STREAM_SHARED]),
  modelFinding(VIRTIO_IOMMU_ALIAS_PROBE, 'a device behind a PCIe-to-PCI or conventional bridge on a virtio-iommu: the VMM knows it only by its alias, Linux probes its own RID, and it gets no IOMMU', REFUSAL_SEVERITY[VIRTIO_IOMMU_ALIAS_PROBE]),
  modelFinding(RISCV_IOMMU_LINUX_VERSION, 'with --os linux-6.1 or linux-6.12: that kernel has no RISC-V IOMMU driver (6.13) nor RIMT parsing (6.17), so a device behind a RISC-V IOMMU gets none', REFUSAL_SEVERITY[RISCV_IOMMU_LINUX_VERSION]),
  modelFinding('output-id-out-of-range', 'streamIdBase gives a RID an output ID outside 32 bits; such RIDs stay untranslated'),
  buildRefused,
];
