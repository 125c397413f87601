/**
 * The RIMT a resolved topology calls for: an IOMMU node per RISC-V IOMMU
 * (`riscv-iommu`: its base and wired interrupts; `riscv-iommu-pci`: flagged
 * PCIe IOMMU, its function's segment and B/D/F under the topology's
 * numbering), then one PCIe root complex node per segment whose ID mappings
 * are the map's runs of RIDs to those IOMMUs, then a platform device node per
 * platform device behind one (by its ACPI path), one mapping per stream ID.
 *
 * The translations are the map's (iommu-assignment.ts): they already leave
 * out bypassed buses and the IOMMU's own function, and their output IDs are
 * the device IDs, so a mapping says exactly what the map says. Number of IDs
 * is the last ID minus the first, as Linux reads it (inclusive), not the
 * count QEMU writes. Linux never reads Hardware ID (it matches an IOMMU by
 * base or B/D/F); `RSCV0004`, the RISC-V IOMMU's ACPI ID, is written for
 * both kinds.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import { translationsPerHostBridge } from '../../model/host-bridge-translations.js';
import type { ResolvedIommu, ResolvedTopology } from '../../model/resolved.js';
import type { RiscvIommu, RiscvIommuPci } from '../../model/topology-schema.js';
import { generatedHeader } from '../header-defaults.js';
import type { RimtIdMapping, RimtIommu, RimtNode, RimtPcieRootComplex, RimtPlatformDevice, RimtTable } from './model.js';
import { INTERRUPT_WIRE_FLAG_BITS, IOMMU_FLAG_BITS, ROOT_COMPLEX_FLAG_BITS } from './spec.js';

/** ACPI 6.6 RIMT, as QEMU writes it: table and nodes revision 1. */
export const RIMT_REVISION = 1;
const NODE_REVISION = 1;
const RISCV_IOMMU_HID = 'RSCV0004';
const bit = (bits: readonly { name: string; bit: number }[], name: string) => 1 << bits.find((b) => b.name === name)!.bit;

export interface RimtBuild {
  /** Undefined when the topology has no RISC-V IOMMU. */
  table?: RimtTable;
  diagnostics: Diagnostic[];
}

type RiscvUnit = ResolvedIommu & { node: RiscvIommu | RiscvIommuPci };

const isRiscv = (u: ResolvedIommu): u is RiscvUnit => u.node.type === 'riscv-iommu' || u.node.type === 'riscv-iommu-pci';

export function rimtFromTopology(resolved: ResolvedTopology): RimtBuild {
  const units = resolved.iommus.filter(isRiscv);
  if (units.length === 0) return { diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const nodeOf = new Map(units.map((u, i) => [u.identity, i]));
  const nodeOfId = new Map(units.map((u, i) => [u.id, i]));
  const mapping = (sourceIdBase: number, last: number, destinationIdBase: number, node: number): RimtIdMapping =>
    ({ sourceIdBase, numberOfIds: last - sourceIdBase, destinationIdBase, destinationIommu: { node }, flags: 0 });

  const bySegment = new Map<number, RimtIdMapping[]>();
  for (const t of translationsPerHostBridge(resolved).flatMap((h) => h.translations)) {
    const node = nodeOf.get(t.iommu);
    if (node === undefined) continue;
    const list = bySegment.get(t.segment) ?? [];
    list.push(mapping(t.first, t.last, t.outputBase, node));
    bySegment.set(t.segment, list);
  }
  const rootComplexes: RimtPcieRootComplex[] = [...bySegment]
    .sort(([a], [b]) => a - b)
    .map(([pcieSegment, idMappings]) => ({
      type: 'PcieRootComplex', revision: NODE_REVISION, id: 0, flags: atsFlag(resolved, pcieSegment), pcieSegment,
      idMappings: idMappings.sort((a, b) => a.sourceIdBase - b.sourceIdBase),
    }));

  const platform: RimtPlatformDevice[] = [];
  for (const d of resolved.platformDevices) {
    const node = d.iommu === null ? undefined : nodeOfId.get(d.iommu);
    if (node === undefined) continue;
    const name = d.node.acpiPath;
    if (name === undefined || d.outputIds.length === 0) {
      diagnostics.push({ severity: 'error', code: 'rimt-platform-device-unnamed', path: d.docPath,
        message: `${d.id} is behind ${d.iommu}, but a RIMT platform device node needs ${name === undefined ? 'its acpiPath (Linux matches the node by the device\'s full ACPI path)' : 'a device ID: it has no streamIds'}` });
      continue;
    }
    // Linux reads only each mapping's Destination Device ID Base for a platform device (rimt_plat_iommu_map).
    platform.push({ type: 'PlatformDevice', revision: NODE_REVISION, id: 0, deviceName: name,
      idMappings: d.outputIds.map((id, k) => mapping(k, k, id, node)) });
  }

  const nodes: RimtNode[] = [...units.map((u) => iommuNode(u, resolved)), ...rootComplexes, ...platform];
  nodes.forEach((n, i) => (n.id = i));
  return { table: { ...generatedHeader(resolved.topology, 'RIMT', RIMT_REVISION), nodes }, diagnostics };
}

/** ATS Supported when a host bridge of the segment says so: Linux then lets the segment's devices use ATS (IOMMU_FWSPEC_PCI_RC_ATS). */
function atsFlag(resolved: ResolvedTopology, segment: number): number {
  const ats = resolved.hostBridges.some((hb) => hb.segment === segment && hb.node.ats === true);
  return ats ? bit(ROOT_COMPLEX_FLAG_BITS, 'ATS_SUPPORTED') : 0;
}

function iommuNode(u: RiscvUnit, resolved: ResolvedTopology): RimtIommu {
  const pxm = u.node.proximityDomain;
  const common = {
    type: 'Iommu', revision: NODE_REVISION, id: 0, hardwareId: RISCV_IOMMU_HID,
    flags: pxm === undefined ? 0 : bit(IOMMU_FLAG_BITS, 'PXM_VALID'), proximityDomain: pxm ?? 0,
  } as const;
  if (u.node.type === 'riscv-iommu-pci') {
    // The validator checks that the device is a PCI function of the topology.
    const f = resolved.byId.get(u.node.device)!;
    return { ...common, flags: common.flags | bit(IOMMU_FLAG_BITS, 'PCIE'), baseAddress: 0n, pcieSegment: f.segment, pcieBdf: f.rid, interruptWires: [] };
  }
  const interruptWires = (u.node.interrupts ?? []).map((w) => ({
    interruptNumber: w.gsiv,
    flags: (w.edge ? 0 : bit(INTERRUPT_WIRE_FLAG_BITS, 'LEVEL_TRIGGERED')) | bit(INTERRUPT_WIRE_FLAG_BITS, 'ACTIVE_HIGH'),
  }));
  return { ...common, baseAddress: parseAddress(u.node.base), pcieSegment: 0, pcieBdf: 0, interruptWires };
}
