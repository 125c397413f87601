/**
 * RMR nodes from the reserved memory of devices behind an SMMU: memory the
 * device uses for DMA before the OS takes over, which the SMMU must keep
 * mapped 1:1 for the device's stream IDs. One node per SMMU and region,
 * listing every stream ID that uses it as single mappings (the form Linux
 * reads: each mapping's Output Base is a stream ID). Linux reads RMR nodes
 * only from table revision 5 (E.d) on, so older tables get none.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import type { ReservedRegion } from '../../model/topology-schema.js';
import { IortCode } from './codes.js';
import type { Targets } from './from-topology-pci.js';
import type { IortRmr } from './model.js';
import { RMR_MIN_TABLE_REVISION } from './findings.js';
import { SINGLE_MAPPING } from './spec.js';

/** Access attributes 5 (normal memory, write-back, inner shareable) in Flags bits 9:2; not remappable. */
const RMR_FLAGS = 5 << 2;

interface Use {
  smmu: number;
  streamIds: readonly number[];
  regions: readonly ReservedRegion[];
  docPath: string;
}

export function reservedMemoryNodes(
  resolved: ResolvedTopology,
  targets: Targets,
  revisions: { revision: number; nodeRevision: number },
  diagnostics: Diagnostic[],
): IortRmr[] {
  const identityOf = new Map(resolved.iommus.map((u) => [u.id, u.identity]));
  const uses: Use[] = [];
  const add = (iommu: string | null, streamIds: readonly number[], regions: readonly ReservedRegion[] | undefined, docPath: string) => {
    const smmu = iommu === null ? undefined : targets.iommus.get(identityOf.get(iommu) ?? '');
    if (smmu !== undefined && regions?.length && streamIds.length) uses.push({ smmu, streamIds, regions, docPath });
  };
  for (const f of resolved.functions) add(f.iommu, f.outputIds, f.node.reservedMemory, f.docPath);
  for (const d of resolved.platformDevices) add(d.iommu, d.outputIds, d.node.reservedMemory, d.docPath);
  if (uses.length === 0) return [];
  if (revisions.revision < RMR_MIN_TABLE_REVISION) {
    diagnostics.push({
      severity: 'warning',
      code: IortCode.rmrIgnored,
      path: uses[0]!.docPath,
      message: `reserved memory behind an SMMU needs RMR nodes, which Linux reads only from IORT revision ${RMR_MIN_TABLE_REVISION}; none written for revision ${revisions.revision}`,
    });
    return [];
  }
  const nodes = new Map<string, IortRmr>();
  for (const use of uses) {
    for (const region of use.regions) {
      const baseAddress = parseAddress(region.base);
      const length = parseAddress(region.size);
      const key = `${use.smmu}:${baseAddress}:${length}`;
      let rmr = nodes.get(key);
      if (!rmr) {
        rmr = { type: 'Rmr', revision: revisions.nodeRevision, identifier: 0, flags: RMR_FLAGS, memoryRanges: [{ baseAddress, length }], idMappings: [] };
        nodes.set(key, rmr);
      }
      for (const sid of use.streamIds) {
        if (rmr.idMappings.some((m) => m.outputBase === sid)) continue;
        rmr.idMappings.push({ inputBase: 0, numberOfIds: 0, outputBase: sid, outputReference: { node: use.smmu }, flags: SINGLE_MAPPING });
      }
    }
  }
  return [...nodes.values()];
}
