/**
 * The IORT a resolved topology calls for, in the node order QEMU and EDK2
 * use: ITS groups, SMMUs, one root complex per PCI segment, named
 * components for platform devices, RMR nodes; identifiers 0, 1, 2, ...
 *
 * Table revision 5 (E.d) by default: the first Linux reads RMR nodes from.
 * Node revisions follow the table revision as EDK2's generator sets them,
 * and with them the node sizes (a root complex of revision 1-3 carries the
 * memory address size limit, of revision 4 PASID capabilities and Flags).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import { iommuCoherent } from '../../model/iommu-coherent.js';
import type { ResolvedIommu, ResolvedTopology } from '../../model/resolved.js';
import type { ItsGroup, PlatformDevice, SmmuV2, SmmuV3 } from '../../model/topology-schema.js';
import { generatedHeader } from '../header-defaults.js';
import { IortCode } from './codes.js';
import { rootComplexMappings, type Targets } from './from-topology-pci.js';
import type {
  IortIdMapping,
  IortItsGroup,
  IortMemoryAccessProperties,
  IortNamedComponent,
  IortNode,
  IortRootComplex,
  IortSmmu,
  IortSmmuV3,
  IortTable,
} from './model.js';
import { reservedMemoryNodes } from './from-topology-rmr.js';
import { SINGLE_MAPPING } from './spec.js';
import { specialMappingIndex } from './walk.js';
import { appendAll, minOf } from '../../append.js';

export const DEFAULT_IORT_REVISION = 5;
/** Table revisions ridmap writes: 0 (issue D), 3 (E.b), 5 (E.d), 6 (E.e). */
export const IORT_REVISIONS: readonly number[] = [0, 3, 5, 6];

export interface IortBuildOptions {
  /** Table revision (IORT_REVISIONS); default 5. */
  revision?: number;
}

export interface IortBuild {
  /** Undefined when the topology has neither an SMMU nor an ITS group. */
  table?: IortTable;
  diagnostics: Diagnostic[];
}

/** Node revisions by table revision (EDK2's generator; QEMU uses the same for E.b). */
const NODE_REVISIONS: Record<number, Record<'ItsGroup' | 'NamedComponent' | 'RootComplex' | 'Smmu' | 'SmmuV3' | 'Rmr', number>> = {
  0: { ItsGroup: 0, NamedComponent: 2, RootComplex: 1, Smmu: 1, SmmuV3: 2, Rmr: 0 },
  3: { ItsGroup: 1, NamedComponent: 4, RootComplex: 3, Smmu: 3, SmmuV3: 4, Rmr: 1 },
  5: { ItsGroup: 1, NamedComponent: 4, RootComplex: 4, Smmu: 3, SmmuV3: 4, Rmr: 3 },
  6: { ItsGroup: 1, NamedComponent: 4, RootComplex: 4, Smmu: 3, SmmuV3: 5, Rmr: 3 },
};

/** Address bits a device may use when the topology does not say. */
const DEFAULT_ADDRESS_LIMIT = 64;
const COHERENT: IortMemoryAccessProperties = { cacheCoherency: 1, allocationHints: 0, memoryAccessFlags: 0b11 };
const NOT_COHERENT: IortMemoryAccessProperties = { cacheCoherency: 0, allocationHints: 0, memoryAccessFlags: 0 };
/** An ITS mapping covers at least the 16-bit RID space, as QEMU's does. */
const MIN_ITS_IDS = 0x10000;

const SMMU_V3_MODELS = { generic: 0, 'hisilicon-hi161x': 1, 'cavium-cn99xx': 2 } as const;
const SMMU_MODELS = { 'generic-v1': 0, 'generic-v2': 1, 'mmu-400': 2, 'mmu-500': 3, 'mmu-401': 4, 'cavium-thunderx': 5 } as const;
const HTTU = { none: 0, access: 1, 'access-dirty': 2 } as const;

type Smmu3 = ResolvedIommu & { node: SmmuV3 };
type Smmu2 = ResolvedIommu & { node: SmmuV2 };

export function iortFromTopology(resolved: ResolvedTopology, opts: IortBuildOptions = {}): IortBuild {
  const revision = opts.revision ?? DEFAULT_IORT_REVISION;
  const diagnostics: Diagnostic[] = [];
  const nodeRevision = NODE_REVISIONS[revision];
  if (!nodeRevision) {
    return { diagnostics: [{ severity: 'error', code: IortCode.invalidModel, message: `IORT revision ${revision} is not one ridmap writes (${IORT_REVISIONS.join(', ')})` }] };
  }
  const topology = resolved.topology;
  const groups = topology.msiControllers ?? [];
  const smmus = resolved.iommus.filter((u): u is Smmu3 | Smmu2 => u.node.type === 'smmuv3' || u.node.type === 'smmuv2');
  if (smmus.length === 0 && groups.length === 0) return { diagnostics };

  const nodes: IortNode[] = [];
  const targets: Targets = {
    itsGroups: new Map(groups.map((g, i) => [g.id, i])),
    iommus: new Map(smmus.map((u, i) => [u.identity, groups.length + i])),
  };
  for (const g of groups) nodes.push(itsGroup(g, nodeRevision.ItsGroup));
  for (const u of smmus) {
    nodes.push(u.node.type === 'smmuv3'
      ? smmuV3(u as Smmu3, resolved, targets, nodeRevision.SmmuV3, revision, diagnostics)
      : smmuV2(u as Smmu2, resolved, targets, nodeRevision.Smmu));
  }
  // One root complex node per PCI segment, its ID mappings covering every host bridge of the segment (expanders
  // included, each range to its own SMMU or straight to the ITS): Linux matches a PCI device to the first RC node
  // whose PCI Segment Number is its domain (iort_match_node_callback: "each segment number can represent only one
  // root complex"), so a second RC node of one segment would never be read. QEMU's build_iort writes one RC the same way.
  const segments = [...new Set(resolved.hostBridges.map((hb) => hb.segment))].sort((a, b) => a - b);
  for (const segment of segments) nodes.push(rootComplex(resolved, segment, targets, nodeRevision.RootComplex, diagnostics));
  resolved.platformDevices.forEach((d) => {
    const nc = namedComponent(d.node, d.docPath, targets, smmus, nodeRevision.NamedComponent, diagnostics);
    if (nc) nodes.push(nc);
  });
  appendAll(nodes, reservedMemoryNodes(resolved, targets, { revision, nodeRevision: nodeRevision.Rmr }, diagnostics));
  nodes.forEach((n, i) => (n.identifier = revision === 0 ? 0 : i));

  const table: IortTable = { ...generatedHeader(topology, 'IORT', revision), nodes };
  return { table, diagnostics };
}

function itsGroup(g: ItsGroup, revision: number): IortItsGroup {
  return { type: 'ItsGroup', revision, identifier: 0, itsIdentifiers: [...g.itsIds], idMappings: [] };
}

/** Stream IDs the SMMU hands on: its translations' and its platform devices'. */
function highestStreamId(resolved: ResolvedTopology, u: ResolvedIommu): number {
  let max = 0;
  for (const t of resolved.map.translations) if (t.iommu === u.identity) max = Math.max(max, t.outputBase + (t.last - t.first));
  for (const d of resolved.platformDevices) if (d.iommu === u.id) for (const s of d.outputIds) max = Math.max(max, s);
  return max;
}

/**
 * An SMMU's mapping of the stream IDs it hands on to DeviceIDs of its ITS
 * group, so its masters' MSIs reach the ITS through it: none without an
 * msiController. A PCI master's DeviceID is its RID, as the DT's msi-map
 * says and as RIDs that bypass the SMMU reach the ITS, so that no two
 * devices share one (the ITS tells devices apart by DeviceID alone; check's
 * iort-msi-device-id-shared). Where every stream ID is the RID (QEMU's
 * layout) and no platform master names another DeviceID, that is one
 * mapping, unchanged, over every ID the SMMU can hand on, as QEMU writes it;
 * otherwise one mapping per run of stream IDs back to its RIDs, and one per
 * platform master's stream ID to its DeviceID. Two SMMUs that each number
 * their masters from 0 thus no longer collide at a shared ITS.
 */
function streamIdsToIts(u: Smmu3 | Smmu2, resolved: ResolvedTopology, targets: Targets): IortIdMapping[] {
  const its = u.node.msiController === undefined ? undefined : targets.itsGroups.get(u.node.msiController);
  if (its === undefined) return [];
  const runs = resolved.map.translations.filter((t) => t.iommu === u.identity);
  const masters = resolved.platformDevices.filter((d) => d.iommu === u.id);
  const toIts = (inputBase: number, count: number, outputBase: number): IortIdMapping => ({ inputBase, numberOfIds: count - 1, outputBase, outputReference: { node: its }, flags: 0 });
  if (runs.every((t) => t.outputBase === t.first) && masters.every((d) => d.node.deviceId === undefined)) {
    return [toIts(0, Math.max(MIN_ITS_IDS, highestStreamId(resolved, u) + 1), 0)];
  }
  const mappings = runs.map((t) => toIts(t.outputBase, t.last - t.first + 1, t.first));
  for (const d of masters) for (const sid of d.outputIds) mappings.push(toIts(sid, 1, d.node.deviceId ?? sid));
  return disjointMappings(mappings.sort((a, b) => a.inputBase - b.inputBase || a.outputBase - b.outputBase));
}

/**
 * Mappings sorted by input made disjoint and joined: a stream ID two runs
 * hand on (the topology gives two RIDs one stream ID, which the SMMU cannot
 * tell apart either) keeps the first run's DeviceID, as Linux's walk takes
 * the first mapping that matches; runs that continue each other in input
 * and output become one mapping.
 */
function disjointMappings(sorted: readonly IortIdMapping[]): IortIdMapping[] {
  const out: IortIdMapping[] = [];
  for (const m of sorted) {
    const prev = out[out.length - 1];
    const prevEnd = prev ? prev.inputBase + prev.numberOfIds : -1;
    const end = m.inputBase + m.numberOfIds;
    if (end <= prevEnd) continue;
    const skip = Math.max(0, prevEnd + 1 - m.inputBase);
    const next = { ...m, inputBase: m.inputBase + skip, numberOfIds: m.numberOfIds - skip, outputBase: m.outputBase + skip };
    if (prev && next.inputBase === prevEnd + 1 && next.outputBase === prev.outputBase + prev.numberOfIds + 1) prev.numberOfIds += next.numberOfIds + 1;
    else out.push(next);
  }
  return out;
}

/**
 * An SMMUv3 node: its masters' mapping to the ITS first, then, when the
 * topology gives one, the SMMU's own DeviceID as a separate single mapping,
 * which the Device ID Mapping Index names. Linux skips the mapping the index
 * names when it walks a master's ID (iort_get_id_mapping_index), so the
 * index must never name the masters' mapping: without an own mapping it is
 * 0 only where every kernel ignores it (all four GSIVs wired, as QEMU
 * writes), and otherwise points past the mappings, which Linux ignores
 * (reporting a firmware bug, unless a node of revision 5 says through its
 * clear DeviceID Valid flag that there is none).
 */
function smmuV3(u: Smmu3, resolved: ResolvedTopology, targets: Targets, revision: number, tableRevision: number, diagnostics: Diagnostic[]): IortSmmuV3 {
  const s = u.node;
  const idMappings = streamIdsToIts(u, resolved, targets);
  const its = s.msiController === undefined ? undefined : targets.itsGroups.get(s.msiController);
  const own = its !== undefined && s.deviceId !== undefined;
  const deviceIdMappingIndex = idMappings.length;
  if (own) idMappings.push({ inputBase: 0, numberOfIds: 0, outputBase: s.deviceId!, outputReference: { node: its }, flags: SINGLE_MAPPING });
  const flags =
    (iommuCoherent(s) ? 1 : 0) |
    (HTTU[s.httu ?? 'none'] << 1) |
    (s.proximityDomain !== undefined ? 1 << 3 : 0) |
    // E.e: say outright that the DeviceID mapping is valid (node revision 5, table revision 6).
    (own && tableRevision >= 6 ? 1 << 4 : 0);
  const node: IortSmmuV3 = {
    type: 'SmmuV3',
    revision,
    identifier: 0,
    baseAddress: parseAddress(s.base),
    flags,
    vatosAddress: s.vatos === undefined ? 0n : parseAddress(s.vatos),
    model: SMMU_V3_MODELS[s.model ?? 'generic'],
    eventGsiv: s.interrupts?.event ?? 0,
    priGsiv: s.interrupts?.pri ?? 0,
    gerrGsiv: s.interrupts?.gerror ?? 0,
    syncGsiv: s.interrupts?.sync ?? 0,
    proximityDomain: s.proximityDomain ?? 0,
    deviceIdMappingIndex,
    idMappings,
  };
  if (own) return node;
  // No own mapping. All four GSIVs wired: every kernel ignores the index, so 0 (as QEMU writes it).
  if (node.eventGsiv && node.priGsiv && node.gerrGsiv && node.syncGsiv) {
    node.deviceIdMappingIndex = 0;
    return node;
  }
  // Otherwise past the mappings: from E.e (node revision 5) the clear DeviceID Valid flag already says "none",
  // but kernels from before E.e support read the index whatever the revision, and this names nothing for them either.
  if (specialMappingIndex(node).outOfRange !== undefined) {
    diagnostics.push({
      severity: 'warning',
      code: IortCode.deviceIdIndex,
      path: `iommus[${resolved.topology.iommus?.findIndex((x) => x.id === u.id) ?? 0}]`,
      message:
        `${u.id} has neither all four interrupts nor a deviceId with an msiController: before IORT E.e (revision 6) ` +
        `its Device ID Mapping Index names the mapping of its own MSI DeviceID, and it has none, so the index is ` +
        `written as ${deviceIdMappingIndex}, past its mappings: Linux reports a firmware bug and ignores it (no ` +
        'master\'s mapping is skipped), and the SMMU itself gets no interrupts. Give it interrupts or a deviceId',
    });
  }
  return node;
}

function smmuV2(u: Smmu2, resolved: ResolvedTopology, targets: Targets, revision: number): IortSmmu {
  const s = u.node;
  const irq = (i: { gsiv: number; edge?: boolean } | undefined) => ({ gsiv: i?.gsiv ?? 0, flags: i?.edge ? 1 : 0 });
  const [nsg, nsgCfg] = [irq(s.globalInterrupts?.[0]), irq(s.globalInterrupts?.[1])];
  return {
    type: 'Smmu',
    revision,
    identifier: 0,
    baseAddress: parseAddress(s.base),
    span: parseAddress(s.span),
    model: SMMU_MODELS[s.model ?? 'generic-v2'],
    flags: (s.dvm ? 1 : 0) | (iommuCoherent(s) ? 2 : 0),
    globalInterrupts: { nsgIrpt: nsg.gsiv, nsgIrptFlags: nsg.flags, nsgCfgIrpt: nsgCfg.gsiv, nsgCfgIrptFlags: nsgCfg.flags },
    contextInterrupts: (s.contextInterrupts ?? []).map(irq),
    pmuInterrupts: (s.pmuInterrupts ?? []).map(irq),
    idMappings: streamIdsToIts(u, resolved, targets),
  };
}

function rootComplex(resolved: ResolvedTopology, segment: number, targets: Targets, revision: number, diagnostics: Diagnostic[]): IortRootComplex {
  const bridges = resolved.hostBridges.filter((hb) => hb.segment === segment);
  const limits = bridges.map((hb) => hb.node.memoryAddressSizeLimit).filter((l): l is number => l !== undefined);
  const rc: IortRootComplex = {
    type: 'RootComplex',
    revision,
    identifier: 0,
    memoryProperties: { ...COHERENT },
    // One node speaks for every host bridge of the segment: ATS only if all have it.
    atsAttribute: bridges.every((hb) => hb.node.ats === true) ? 1 : 0,
    pciSegmentNumber: segment,
    memoryAddressSizeLimit: limits.length ? minOf(limits) : DEFAULT_ADDRESS_LIMIT,
    // Revisions 1-3 have 3 reserved bytes here; PASID capabilities and its reserved byte are the same zeros.
    pasidCapabilities: 0,
    idMappings: rootComplexMappings(resolved, segment, targets, diagnostics),
  };
  if (revision >= 4) rc.flags = 0;
  return rc;
}

/**
 * A platform device as a named component: one single mapping per stream ID
 * to its SMMU (how Linux finds a platform device's IDs), and, for MSIs that
 * do not pass an SMMU, one to its ITS group with its DeviceID.
 */
function namedComponent(
  d: PlatformDevice,
  docPath: string,
  targets: Targets,
  smmus: readonly ResolvedIommu[],
  revision: number,
  diagnostics: Diagnostic[],
): IortNamedComponent | undefined {
  const smmu = d.iommu === undefined ? undefined : smmus.find((u) => u.id === d.iommu);
  const its = d.msiController === undefined ? undefined : targets.itsGroups.get(d.msiController);
  if (!smmu && its === undefined) {
    if (d.iommu !== undefined) diagnostics.push(cannotExpress(docPath, `${d.id} is translated by ${d.iommu}, which is no SMMU`));
    return undefined;
  }
  if (d.acpiPath === undefined) {
    diagnostics.push(cannotExpress(docPath, `${d.id} needs an acpiPath: a named component is found by its ACPI name`));
    return undefined;
  }
  const idMappings: IortIdMapping[] = [];
  const single = (outputBase: number, node: number): IortIdMapping => ({ inputBase: 0, numberOfIds: 0, outputBase, outputReference: { node }, flags: SINGLE_MAPPING });
  if (smmu) for (const sid of d.streamIds ?? []) idMappings.push(single(sid, targets.iommus.get(smmu.identity)!));
  // MSIs pass the SMMU when it maps stream IDs to this ITS group; otherwise the device names its DeviceID itself.
  const viaSmmu = (smmu?.node.type === 'smmuv3' || smmu?.node.type === 'smmuv2') && smmu.node.msiController === d.msiController;
  const deviceId = d.deviceId ?? d.streamIds?.[0];
  if (its !== undefined && !viaSmmu && deviceId !== undefined) idMappings.push(single(deviceId, its));
  const nc: IortNamedComponent = {
    type: 'NamedComponent',
    revision,
    identifier: 0,
    nodeFlags: 0,
    memoryProperties: { ...(d.coherent ? COHERENT : NOT_COHERENT) },
    memoryAddressLimit: d.memoryAddressSizeLimit ?? DEFAULT_ADDRESS_LIMIT,
    deviceName: d.acpiPath,
    idMappings,
  };
  // Like EDK2, pad the name so that the mappings start 4-byte aligned.
  const pad = (4 - ((29 + d.acpiPath.length + 1) % 4)) % 4;
  if (pad && idMappings.length) nc.layout = { gaps: { idMappings: new Uint8Array(pad) } };
  return nc;
}

export function cannotExpress(path: string, message: string): Diagnostic {
  return { severity: 'error', code: IortCode.cannotExpress, path, message };
}
