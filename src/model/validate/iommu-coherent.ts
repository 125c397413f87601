/**
 * `capabilities.coherent` and an SMMU's own coherency key (`coherent`,
 * `coherentWalk`) are one fact (model/iommu-coherent.ts); a unit that says
 * both must say the same, or tables would be written from one and checks
 * made with the other.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import { ownCoherentKey } from '../iommu-coherent.js';
import { finding } from './finding.js';
import { listed, type TopologyIndex } from './topology-index.js';

export function checkIommuCoherent(ix: TopologyIndex): Diagnostic[] {
  return listed(ix.topology.iommus, 'iommus').flatMap(({ item: iommu, path }) => {
    const own = ownCoherentKey(iommu);
    const capability = iommu.capabilities?.coherent;
    if (!own || own.value === undefined || capability === undefined || own.value === capability) return [];
    const message =
      `${own.key}: ${own.value} and capabilities.coherent: ${capability} say opposite things about one fact ` +
      '(whether the SMMU accesses memory coherently: IORT COHACC or Coherent Walk, DT dma-coherent); keep one of them';
    return [finding('coherent-disagree', childPath(childPath(path, 'capabilities'), 'coherent'), message)];
  });
}
