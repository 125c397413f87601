/**
 * How Linux follows IORT ID mappings (drivers/acpi/arm64/iort.c,
 * iort_id_map and iort_node_map_id), restated over the model:
 *
 * - A mapping covers [Input base, Input base + Number of IDs]: the upper
 *   bound is inclusive, since the field holds the count minus one.
 * - Matching the last ID of a range with Number of IDs > 0 is only
 *   tentative: firmware that wrote the count instead (QEMU before its 2024
 *   fix) makes that ID also the first of the next range, and a later mapping
 *   starting exactly there wins. Any other later match is a conflict Linux
 *   ignores.
 * - The single-mapping flag (input ignored, Output Base is the node's own
 *   ID) counts only on named components and root complexes.
 * - An SMMUv3's DeviceID mapping and a PMCG's MSI mapping are skipped while
 *   walking, so that an SMMU's own DeviceID never translates a master's ID.
 * - The walk goes from node to node until a node of the wanted kind; it
 *   fails (Linux then keeps the input ID) at a node without mappings, with no
 *   match, or at a reference it cannot follow. A bounded number of steps
 *   stands in for the firmware never making a cycle.
 */
import type { IortIdMapping, IortNode, IortTable, IortUnknownNode } from './model.js';
import { isKnownNode } from './model.js';
import { SINGLE_MAPPING } from './spec.js';

/** Steps a walk may take: a real chain (RC → SMMU → ITS) takes two; more means a cycle. */
export const MAX_WALK_STEPS = 16;

const SMMU_V3_DEVICEID_VALID = 1 << 4;
/** Node revision from which the SMMUv3 flag (not the GSIVs) says whether the DeviceID index is valid (E.e). */
const SMMU_V3_DEVICEID_FLAG_REVISION = 5;

export type NodeName = IortNode['type'];
export const IOMMU_NODES: ReadonlySet<NodeName> = new Set(['Smmu', 'SmmuV3']);
export const MSI_NODES: ReadonlySet<NodeName> = new Set(['ItsGroup']);
/** Node types whose single mapping gives their own ID (iort_node_get_id). */
const GET_ID_NODES: ReadonlySet<NodeName> = new Set(['NamedComponent', 'RootComplex', 'SmmuV3', 'Pmcg', 'Rmr']);

/** The last 16-bit PCI requester ID (bus:dev.fn): Linux walks a PCI device's RID and its DMA aliases, nothing wider. */
export const MAX_RID = 0xffff;

/** [first, last] of the 16-bit RIDs a root complex mapping matches (Linux adds in 32 bits), or undefined for none. */
export function ridRange(m: IortIdMapping): [number, number] | undefined {
  // A single mapping on a root complex matches any input ID.
  if ((m.flags & SINGLE_MAPPING) !== 0) return [0, MAX_RID];
  const last = (m.inputBase + m.numberOfIds) >>> 0;
  if (m.inputBase > MAX_RID || last < m.inputBase) return undefined;
  return [m.inputBase, Math.min(last, MAX_RID)];
}

export const NO_MATCH = 0;
export const MATCH = 1;
export const TENTATIVE = 2;
export type MapOutcome = typeof NO_MATCH | typeof MATCH | typeof TENTATIVE;

/**
 * iort_id_map: one mapping against one input ID; on a match the output ID
 * goes to `out.id`. (A result code and a reused holder rather than a new
 * object: this runs 64 Ki times per root complex.)
 */
export function idMap(map: IortIdMapping, nodeType: NodeName, idIn: number, afterTentative: boolean, out: { id: number }): MapOutcome {
  if ((map.flags & SINGLE_MAPPING) !== 0) {
    if (nodeType !== 'NamedComponent' && nodeType !== 'RootComplex') return NO_MATCH;
    out.id = map.outputBase;
    return MATCH;
  }
  // Linux adds in 32 bits, so a range that wraps past 0xffffffff ends early.
  const last = (map.inputBase + map.numberOfIds) >>> 0;
  if (idIn < map.inputBase || idIn > last) return NO_MATCH;
  if (afterTentative && idIn !== map.inputBase) return NO_MATCH;
  out.id = (map.outputBase + (idIn - map.inputBase)) >>> 0;
  return map.numberOfIds > 0 && idIn === last ? TENTATIVE : MATCH;
}

/**
 * iort_get_id_mapping_index: the mapping that gives the node's own MSI
 * DeviceID (skipped when walking), or -1. `outOfRange` is set when an SMMUv3
 * names a mapping it does not have (Linux: FW_BUG, no special mapping).
 */
export function specialMappingIndex(n: IortNode): { index: number; outOfRange?: number } {
  if (n.type === 'Pmcg') return { index: n.overflowInterruptGsiv === 0 && n.idMappings.length > 0 ? 0 : -1 };
  if (n.type !== 'SmmuV3' || n.revision < 1 || n.deviceIdMappingIndex === undefined) return { index: -1 };
  if (n.revision < SMMU_V3_DEVICEID_FLAG_REVISION) {
    if (n.eventGsiv && n.priGsiv && n.gerrGsiv && n.syncGsiv) return { index: -1 };
  } else if ((n.flags & SMMU_V3_DEVICEID_VALID) === 0) {
    return { index: -1 };
  }
  if (n.deviceIdMappingIndex >= n.idMappings.length) return { index: -1, outOfRange: n.deviceIdMappingIndex };
  return { index: n.deviceIdMappingIndex };
}

export interface Reached {
  node: number;
  id: number;
}

/**
 * One node's turn in iort_node_map_id: the mapping whose reference the walk
 * follows for input `id` (a definite match, else the last tentative one),
 * with the output ID in `out.id`; undefined when the walk fails here.
 */
function nodeStep(n: IortNode, id: number, out: { id: number }): IortIdMapping | undefined {
  const i = stepMapping(n, id, out);
  return i < 0 ? undefined : n.idMappings[i];
}

/** nodeStep as the index of the mapping in the node's ID array (-1: the walk fails here), for naming the entry that decides. */
export function stepMapping(n: IortNode, id: number, out: { id: number }): number {
  const maps = n.idMappings;
  // Linux gives up on a node whose first mapping has a null Output Reference (a firmware bug it reports).
  if (maps.length === 0 || ('offset' in maps[0]!.outputReference && maps[0]!.outputReference.offset === 0)) return -1;
  const skip = specialMappingIndex(n).index;
  const holder = { id: 0 };
  let tentative = -1;
  for (let i = 0; i < maps.length; i++) {
    if (i === skip) continue;
    const rc = idMap(maps[i]!, n.type, id, tentative >= 0, holder);
    if (rc === NO_MATCH) continue;
    out.id = holder.id;
    if (rc === MATCH) return i;
    tentative = i;
  }
  return tentative;
}

/** iort_node_map_id: from node `start` with ID `id` to the first node whose type is in `targets`. */
export function mapId(t: IortTable, start: number, id: number, targets: ReadonlySet<NodeName>): Reached | undefined {
  const end = walkId(t, start, id, targets);
  return 'node' in end ? end : undefined;
}

/**
 * mapId, telling a walk that fails from one that ridmap stops following
 * after MAX_WALK_STEPS (`tooLong`): a cycle, or a chain longer than any real
 * table's, which Linux would follow on.
 */
export function walkId(t: IortTable, start: number, id: number, targets: ReadonlySet<NodeName>): Reached | { tooLong: boolean } {
  const out = { id };
  let index = start;
  for (let step = 0; step <= MAX_WALK_STEPS; step++) {
    const n: IortNode | IortUnknownNode | undefined = t.nodes[index];
    if (!n || !isKnownNode(n)) return { tooLong: false };
    if (targets.has(n.type)) return { node: index, id: out.id };
    const ref = nodeStep(n, out.id, out)?.outputReference;
    if (!ref || !('node' in ref)) return { tooLong: false };
    index = ref.node;
  }
  return { tooLong: true };
}

/** Called with the input IDs from..to whose walk ridmap stopped following after MAX_WALK_STEPS. */
export type TooLong = (from: number, to: number) => void;

/**
 * mapId for every ID in [first, last], reported as runs: `emit(from, to,
 * node, id, step)` says IDs from..to reach `node` with output id + step·(x −
 * from). Exact, and linear in the mappings rather than the IDs: between the
 * start node's breakpoints (each mapping's first and last ID and the IDs
 * after them) its mappings decide alike for every ID, so one decision serves
 * the run; a run that lands on another node that is not a target is walked
 * on from there as a range (recursively, as far as mapId would go, so the
 * depth is bounded by MAX_WALK_STEPS whatever the table); runs cut there go
 * to `tooLong`.
 */
export function mapIdRange(
  t: IortTable,
  start: number,
  first: number,
  last: number,
  targets: ReadonlySet<NodeName>,
  emit: (from: number, to: number, node: number, id: number, step: 0 | 1) => void,
  tooLong?: TooLong,
  /** Hops already taken (the recursion's own; callers leave it out). */
  depth = 0,
): void {
  const n = t.nodes[start];
  if (!n || !isKnownNode(n)) return;
  if (targets.has(n.type)) {
    emit(first, last, start, first, 1);
    return;
  }
  if (depth >= MAX_WALK_STEPS) {
    tooLong?.(first, last);
    return;
  }
  const cuts = new Set([first, last + 1]);
  for (const m of n.idMappings) {
    const end = (m.inputBase + m.numberOfIds) >>> 0;
    for (const v of [m.inputBase, m.inputBase + 1, end, end + 1]) if (v > first && v <= last) cuts.add(v);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = { id: 0 };
  for (let k = 0; k + 1 < points.length; k++) {
    const from = points[k]!;
    const to = points[k + 1]! - 1;
    const m = nodeStep(n, from, out);
    const ref = m?.outputReference;
    if (!m || !ref || !('node' in ref)) continue;
    const single = (m.flags & SINGLE_MAPPING) !== 0 && (n.type === 'NamedComponent' || n.type === 'RootComplex');
    const base = out.id;
    if (single) {
      // Every ID of the run leaves with the same ID: one walk serves them all.
      const r = walkId(t, ref.node, base, targets);
      if ('node' in r) emit(from, to, r.node, r.id, 0);
      else if (r.tooLong) tooLong?.(from, to);
      continue;
    }
    const span = to - from;
    if (base + span > 0xffffffff) {
      // The output range wraps past 32 bits (Linux adds in 32 bits): ID by ID.
      for (let x = from; x <= to; x++) {
        const r = walkId(t, start, x, targets);
        if ('node' in r) emit(x, x, r.node, r.id, 0);
        else if (r.tooLong) tooLong?.(x, x);
      }
      continue;
    }
    const back = (a: number) => from + (a - base);
    mapIdRange(t, ref.node, base, base + span, targets, (a, b, node, id, step) => emit(back(a), back(b), node, id, step),
      tooLong && ((a, b) => tooLong(back(a), back(b))), depth + 1);
  }
}

/**
 * iort_node_map_platform_id: mapping `index` of a node must be a single
 * mapping (its Output Base is the node's own ID); that ID is then walked on
 * from the node it refers to, unless that node is already of the wanted kind.
 */
export function mapPlatformId(t: IortTable, node: number, index: number, targets: ReadonlySet<NodeName>): Reached | undefined {
  const n = t.nodes[node];
  if (!n || !isKnownNode(n) || !GET_ID_NODES.has(n.type)) return undefined;
  const map = n.idMappings[index];
  if (!map || (map.flags & SINGLE_MAPPING) === 0 || !('node' in map.outputReference)) return undefined;
  return mapId(t, map.outputReference.node, map.outputBase, targets);
}
