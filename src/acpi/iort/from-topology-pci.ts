/**
 * Root complex ID mappings from the topology's own translations (THE
 * OUTPUT-ID RULE, model/iommu-assignment.ts): each maximal run of RIDs with
 * one SMMU and consecutive StreamIDs is one mapping to that SMMU, and the
 * RIDs no SMMU translates go straight to their MSI controller's ITS group
 * (identity DeviceIDs), the way QEMU writes bypassed buses and, beside a
 * VIOT, the RIDs a virtio-iommu translates. Written with
 * Number of IDs = count − 1, so neighbouring runs never share an ID.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { PciFunction, ResolvedTopology } from '../../model/resolved.js';
import { rid } from '../../model/rid.js';
import { RidTable } from '../../model/rid-table.js';
import { IortCode } from './codes.js';
import type { IortIdMapping } from './model.js';

/** Node index of each SMMU by identity, of each ITS group by topology id. */
export interface Targets {
  iommus: ReadonlyMap<string, number>;
  itsGroups: ReadonlyMap<string, number>;
}

const mapping = (first: number, last: number, outputBase: number, node: number): IortIdMapping => ({
  inputBase: first,
  numberOfIds: last - first,
  outputBase,
  outputReference: { node },
  flags: 0,
});

export function rootComplexMappings(resolved: ResolvedTopology, segment: number, targets: Targets, diagnostics: Diagnostic[]): IortIdMapping[] {
  const out: IortIdMapping[] = [];
  const reported = new Set<string>();
  const msi = msiControllerRids(resolved, segment);
  for (const t of resolved.map.translations.filter((x) => x.segment === segment)) {
    const node = targets.iommus.get(t.iommu);
    if (node !== undefined) {
      out.push(mapping(t.first, t.last, t.outputBase, node));
      // Their MSIs reach the ITS through the SMMU.
      msi.setRange(segment, t.first, t.last, null);
    } else if (isVirtioIommu(resolved, t.iommu)) {
      // VIOT describes the translation; IORT routes only their MSIs, straight to the ITS, as QEMU does.
    } else if (!reported.has(t.iommu)) {
      reported.add(t.iommu);
      diagnostics.push({
        severity: 'error',
        code: IortCode.cannotExpress,
        path: 'iommus',
        message: `segment ${segment}: RIDs go to ${t.iommu}, which is no SMMU; IORT can only name SMMUs (VT-d is DMAR's, virtio-iommu VIOT's)`,
      });
    }
  }
  for (const run of msi.translations('msi')) {
    const node = targets.itsGroups.get(run.iommu);
    if (node !== undefined) out.push(mapping(run.first, run.last, run.outputBase, node));
  }
  return out.sort((a, b) => a.inputBase - b.inputBase);
}

function isVirtioIommu(resolved: ResolvedTopology, identity: string): boolean {
  const type = resolved.iommus.find((u) => u.identity === identity)?.node.type;
  return type === 'virtio-iommu-pci' || type === 'virtio-iommu-mmio';
}

/** Per resolve, the functions that state an msiController, by segment, in depth-first order. */
const settingBySegment = new WeakMap<ResolvedTopology, Map<number, PciFunction[]>>();

/**
 * The functions that state an msiController, by segment: listed once per
 * resolve, since a root complex is built per segment (a scan of every
 * function per segment grew as segments × functions: 160 × 1M at 1M endpoints).
 */
function msiSettingFunctions(resolved: ResolvedTopology): Map<number, PciFunction[]> {
  let bySegment = settingBySegment.get(resolved);
  if (!bySegment) {
    bySegment = new Map();
    for (const f of resolved.functions) {
      if (f.node.msiController === undefined) continue;
      const list = bySegment.get(f.segment);
      if (list) list.push(f);
      else bySegment.set(f.segment, [f]);
    }
    settingBySegment.set(resolved, bySegment);
  }
  return bySegment;
}

/**
 * The ITS group each RID's MSIs go to, by the same inheritance as the IOMMU
 * settings: a host bridge's range, overridden by each node below that says
 * otherwise (its own RID and, for a bridge, its bus range), deepest last.
 */
function msiControllerRids(resolved: ResolvedTopology, segment: number): RidTable {
  const table = new RidTable();
  for (const hb of resolved.hostBridges) {
    if (hb.segment !== segment) continue;
    const its = hb.node.msiController ?? null;
    table.setRange(segment, rid(hb.rootBus, 0), rid(hb.busLimit, 0xff), its);
  }
  for (const f of msiSettingFunctions(resolved).get(segment) ?? []) {
    const its = f.node.msiController ?? null; // stated: never undefined here
    table.set(segment, f.rid, its, f.rid);
    if (f.isBridge) table.setRange(segment, rid(f.secondary!, 0), rid(f.subordinate!, 0xff), its);
  }
  return table;
}
