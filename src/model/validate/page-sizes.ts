/**
 * `capabilities.pageSizes` are page sizes in bytes, each a power of two: an
 * IOMMU maps naturally aligned pages (SMMU granules and blocks, VT-d super
 * pages, virtio-iommu's page_size_mask bits), so 3000 or 12288 is a typo,
 * and the smallest entry (the granule) would be compared wrongly.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import { finding } from './finding.js';
import { listed, type TopologyIndex } from './topology-index.js';

const isPowerOfTwo = (n: number) => Number.isInteger(Math.log2(n));

export function checkPageSizes(ix: TopologyIndex): Diagnostic[] {
  return listed(ix.topology.iommus, 'iommus').flatMap(({ item: iommu, path }) =>
    (iommu.capabilities?.pageSizes ?? []).flatMap((size, i) =>
      isPowerOfTwo(size)
        ? []
        : [finding('bad-page-size', ['capabilities', 'pageSizes', i].reduce<string>(childPath, path),
          `page size ${size} (0x${size.toString(16)}) is not a power of two: an IOMMU maps naturally aligned pages of 2^n bytes`)],
    ),
  );
}
