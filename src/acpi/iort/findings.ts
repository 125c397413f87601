/**
 * What is wrong with an IORT as Linux reads it, found from the model alone:
 * references that lead nowhere or round in circles, ranges that overlap
 * (the QEMU off-by-one among them), flags on node types that may not carry
 * them, duplicate PCI segments. Each is a named code (codes.ts) with the
 * structure path of the node or mapping at fault.
 */
import { listItemPaths } from '../../codec/index.js';
import type { Diagnostic, Severity } from '../../diagnostic.js';
import { IortCode } from './codes.js';
import { isKnownNode, type IortIdMapping, type IortNode, type IortRootComplex, type IortTable } from './model.js';
import { iortDeclarations, NODE_TITLES, SINGLE_MAPPING } from './spec.js';
import { referenceCycles } from './reference-cycles.js';
import { ridRange, specialMappingIndex } from './walk.js';

/** Linux reads RMR nodes only from this table revision (E.d) on. */
export const RMR_MIN_TABLE_REVISION = 5;

/** Structure path of each node (`IORT/SmmuV3[1]`), as decode names them (listItemPaths). */
export function nodePaths(t: IortTable): string[] {
  return listItemPaths('IORT', iortDeclarations().nodes, t.nodes);
}

export function nodeTitle(t: IortTable, index: number): string {
  const n = t.nodes[index];
  const title = n && isKnownNode(n) ? NODE_TITLES[n.type] : `type ${n?.type ?? '?'}`;
  return `node ${index} (${title})`;
}

const hex = (n: number): string => '0x' + n.toString(16);
const lastId = (m: IortIdMapping): number => m.inputBase + m.numberOfIds;

/** The codes each group of findings below can give: what lets a caller that wants a few skip the others. */
const GROUP_CODES = {
  reference: [IortCode.danglingReference, IortCode.selfReference],
  cycle: [IortCode.referenceCycle],
  overlap: [IortCode.idMappingOverlap],
  flag: [IortCode.deviceIdIndex, IortCode.singleMappingNotAllowed],
  rcRange: [IortCode.rcMappingUnreachable],
  segment: [IortCode.rmrIgnored, IortCode.namedComponentInputIds, IortCode.rcSegmentDuplicate],
} as const;

/**
 * Every finding, or (given `codes`) at least those with one of these codes:
 * `decode` shows three of them, and the overlap search (pairwise in a node's
 * mappings) and the others' messages were most of a small IORT's decode.
 */
export function iortFindings(t: IortTable, codes?: ReadonlySet<string>): Diagnostic[] {
  const wants = (group: keyof typeof GROUP_CODES): boolean => !codes || GROUP_CODES[group].some((c) => codes.has(c));
  const paths = nodePaths(t);
  const out: Diagnostic[] = [];
  const at = (severity: Severity, code: string, path: string, message: string) => out.push({ severity, code, path, message });
  if (wants('reference')) referenceFindings(t, paths, at);
  if (wants('cycle')) cycleFindings(t, paths, at);
  const [overlap, flag, rcRange] = [wants('overlap'), wants('flag'), wants('rcRange')];
  if (overlap || flag || rcRange) {
    t.nodes.forEach((n, i) => {
      if (!isKnownNode(n)) return;
      if (overlap) overlapFindings(n, paths[i]!, at);
      if (flag) flagFindings(n, paths[i]!, at);
      if (rcRange && n.type === 'RootComplex') rcRangeFindings(n, paths[i]!, at);
    });
  }
  if (wants('segment')) segmentFindings(t, paths, at);
  return out;
}

type At = (severity: Severity, code: string, path: string, message: string) => void;

function referenceFindings(t: IortTable, paths: string[], at: At): void {
  const check = (from: number, ref: IortIdMapping['outputReference'], path: string) => {
    if ('offset' in ref) {
      at('error', IortCode.danglingReference, path, `refers to offset ${hex(ref.offset)}, which is no node's start; Linux would read whatever is there`);
    } else if (ref.node < 0 || ref.node >= t.nodes.length) {
      at('error', IortCode.danglingReference, path, `refers to node ${ref.node}; the table has ${t.nodes.length}`);
    } else if (ref.node === from) {
      at('error', IortCode.selfReference, path, `${nodeTitle(t, from)} maps IDs to itself; a walk through it never ends`);
    }
  };
  t.nodes.forEach((n, i) => {
    if (!isKnownNode(n)) return;
    n.idMappings.forEach((m, j) => check(i, m.outputReference, `${paths[i]}/IdMapping[${j}]`));
    if (n.type === 'Pmcg') check(i, n.nodeReference, `${paths[i]}.nodeReference`);
  });
}

/** Output references that lead back to where they started (referenceCycles). */
function cycleFindings(t: IortTable, paths: string[], at: At): void {
  const edges = t.nodes.map((n) => (isKnownNode(n) ? n.idMappings.map((m) => ('node' in m.outputReference ? m.outputReference.node : -1)) : []));
  for (const component of referenceCycles(edges)) {
    at('error', IortCode.referenceCycle, paths[component[0]!]!,
      `output references go round in a cycle through ${component.map((k) => nodeTitle(t, k)).join(', ')}; ` +
      'a walk that enters it never reaches an IOMMU (Linux would loop)');
  }
}

/**
 * Ranges that share IDs. The common case is QEMU's: from 6.2 (IORT support
 * to bypass the SMMU, 2021) until the June 2024 fix that shipped in 9.1,
 * build_iort_id_mapping wrote the count where the spec wants the count minus
 * one, so a range's last ID is the next range's first; Linux then reports a
 * conflicting mapping and lets the range that starts there have the ID.
 */
function overlapFindings(n: IortNode, path: string, at: At): void {
  const maps = n.idMappings.map((m, i) => ({ m, i })).filter(({ m }) => (m.flags & SINGLE_MAPPING) === 0);
  for (const a of maps) {
    for (const b of maps) {
      if (a.i === b.i || a.m.inputBase > b.m.inputBase || (a.m.inputBase === b.m.inputBase && a.i > b.i)) continue;
      if (lastId(a.m) < b.m.inputBase) continue;
      const where = `${path}/IdMapping[${a.i}] and IdMapping[${b.i}]`;
      if (a.m.numberOfIds > 0 && lastId(a.m) === b.m.inputBase) {
        at('warning', IortCode.idMappingOverlap, where,
          `IdMapping[${a.i}] (${hex(a.m.inputBase)}..${hex(lastId(a.m))}) ends at the ID where IdMapping[${b.i}] starts: ` +
          'the count was written where the spec wants the count minus one, as QEMU 6.2 to 9.0 did ' +
          '(fixed in June 2024, QEMU 9.1); Linux reports "conflicting mapping" and gives that ID to the range that starts there');
      } else {
        at('warning', IortCode.idMappingOverlap, where,
          `IdMapping[${a.i}] (${hex(a.m.inputBase)}..${hex(lastId(a.m))}) and IdMapping[${b.i}] ` +
          `(${hex(b.m.inputBase)}..${hex(lastId(b.m))}) share IDs; Linux uses the first that matches and reports the conflict`);
      }
    }
  }
}

/**
 * A root complex whose mappings all start above 0xffff: Linux walks a PCI
 * device's 16-bit RID (bus:dev.fn) from it, which none can match, so no
 * device of the segment reaches an SMMU or an ITS through this table. Seen
 * in Qualcomm laptops' and phones' IORTs (input bases 0x87040000 and up).
 */
function rcRangeFindings(n: IortRootComplex, path: string, at: At): void {
  if (n.idMappings.length === 0 || n.idMappings.some((m) => ridRange(m) !== undefined)) return;
  const lowest = n.idMappings.reduce((low, m) => Math.min(low, m.inputBase), Infinity);
  at('warning', IortCode.rcMappingUnreachable, path,
    `none of its ${n.idMappings.length} ID mapping(s) matches a 16-bit PCI requester ID (the lowest input base is ${hex(lowest)}): ` +
    `Linux walks no device of PCI segment ${n.pciSegmentNumber} through them, so they get neither an SMMU nor an ITS DeviceID from this table`);
}

function flagFindings(n: IortNode, path: string, at: At): void {
  const special = specialMappingIndex(n);
  if (special.outOfRange !== undefined) {
    at('warning', IortCode.deviceIdIndex, `${path}.deviceIdMappingIndex`,
      `DeviceID mapping index ${special.outOfRange} is past the node's ${n.idMappings.length} mapping(s); Linux reports a firmware bug and uses none`);
  }
  // RMR single mappings give the RMR's stream IDs, NC/RC ones an ID for any input: all as meant.
  if (n.type === 'NamedComponent' || n.type === 'RootComplex' || n.type === 'Rmr') return;
  n.idMappings.forEach((m, i) => {
    if ((m.flags & SINGLE_MAPPING) === 0 || i === special.index) return;
    at('warning', IortCode.singleMappingNotAllowed, `${path}/IdMapping[${i}]`,
      `the single-mapping flag is allowed on named components and root complexes (and on an SMMUv3's or PMCG's own DeviceID mapping); ` +
      `Linux skips this mapping of a ${NODE_TITLES[n.type]} node with a firmware-bug warning when a walk reaches it`);
  });
}

function segmentFindings(t: IortTable, paths: string[], at: At): void {
  const first = new Map<number, number>();
  t.nodes.forEach((n, i) => {
    if (!isKnownNode(n)) return;
    if (n.type === 'Rmr' && t.revision < RMR_MIN_TABLE_REVISION) {
      at('warning', IortCode.rmrIgnored, paths[i]!, `Linux reads RMR nodes only from table revision ${RMR_MIN_TABLE_REVISION} (E.d) on; this table has revision ${t.revision}`);
    }
    if (n.type === 'NamedComponent' && n.idMappings.some((m) => (m.flags & SINGLE_MAPPING) === 0)) {
      at('info', IortCode.namedComponentInputIds, paths[i]!,
        `${n.deviceName}: mappings without the single-mapping flag translate input IDs a bus gives the device; ` +
        'Linux uses them only for such devices (its platform devices take single mappings)');
    }
    if (n.type !== 'RootComplex') return;
    const seen = first.get(n.pciSegmentNumber);
    if (seen === undefined) first.set(n.pciSegmentNumber, i);
    else {
      at('warning', IortCode.rcSegmentDuplicate, paths[i]!,
        `PCI segment ${n.pciSegmentNumber} has a root complex already (${nodeTitle(t, seen)}); Linux uses that one for every device of the segment`);
    }
  });
}
