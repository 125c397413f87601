/**
 * Which IOMMU a node is given, and whether the tables can say so: DMAR
 * cannot carve devices out of an INCLUDE_PCI_ALL unit, a VT-d unit serves one
 * segment and sees RIDs (no stream IDs), IORT/VIOT name platform masters by
 * their stream IDs, and DMAR-only devices (I/O APIC, HPET, ANDD) only exist
 * under VT-d.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import type { HostBridge, Iommu, PciNode, VtdUnit } from '../topology-schema.js';
import { finding } from './finding.js';
import { listed, type PciSite, type TopologyIndex } from './topology-index.js';

/** A host bridge or PCI function: both carry the inherited assignment fields. */
interface Assignable {
  node: HostBridge | PciNode;
  path: string;
  segment: number;
  /** The PCI node's place in the tree, for inheritance; undefined for a host bridge. */
  site?: PciSite;
}

export function checkIommuAssignment(ix: TopologyIndex): Diagnostic[] {
  const all = assignables(ix);
  const includeAll = includeAllUnits(ix);
  const stating = all.filter((a) => a.node.iommu !== undefined || a.node.streamIdBase !== undefined);
  return [
    ...stating.flatMap((a) => iommuAndBypass(a)),
    ...stating.flatMap((a) => segmentMismatch(ix, a.node.iommu, a.segment, a.path)),
    ...stating.flatMap((a) => streamIdOnVtd(ix, a, includeAll)),
    ...includeAllConflicts(ix, all, includeAll),
    ...platformDevices(ix),
    ...dmarOnlyDevices(ix),
  ];
}

/** Whether a node states any field these checks read (iommu, streamIdBase, bypassIommu). */
const statesAssignment = (n: HostBridge | PciNode): boolean => n.iommu !== undefined || n.streamIdBase !== undefined || n.bypassIommu !== undefined;

/**
 * The host bridges and PCI nodes that state an assignment field, in document order: the others (most of a
 * tree: they inherit) can be wrong about none, and an object and map entry for each was a second per
 * million nodes.
 */
function assignables(ix: TopologyIndex): Assignable[] {
  const out: Assignable[] = [];
  for (const { item, path } of listed(ix.topology.hostBridges, 'hostBridges')) {
    if (statesAssignment(item)) out.push({ node: item, path, segment: item.segment ?? 0 });
  }
  for (const site of ix.sites) {
    if (statesAssignment(site.node)) out.push({ node: site.node, path: site.path, segment: site.segment, site });
  }
  return out;
}

/**
 * The IOMMU that translates a node as the topology states it: the nearest
 * `iommu` or `bypassIommu: true` up the tree (its host bridge last), else
 * the segment's INCLUDE_PCI_ALL unit; undefined when nothing translates it.
 */
function effectiveIommu(ix: TopologyIndex, a: Assignable, includeAll: Map<number, VtdUnit>): Iommu | undefined {
  const up: (HostBridge | PciNode)[] = [];
  for (let s: PciSite | undefined = a.site; s; s = s.parent) up.push(s.node);
  up.push(a.site ? a.site.hostBridge : a.node);
  for (const node of up) {
    if (node.iommu !== undefined) return ix.iommus.get(node.iommu);
    if (node.bypassIommu) return undefined;
  }
  return includeAll.get(a.segment);
}

/** The first INCLUDE_PCI_ALL VT-d unit of each segment. */
function includeAllUnits(ix: TopologyIndex): Map<number, VtdUnit> {
  const units = new Map<number, VtdUnit>();
  for (const iommu of ix.topology.iommus ?? []) {
    if (iommu.type === 'vtd' && iommu.includeAll && !units.has(iommu.segment ?? 0)) units.set(iommu.segment ?? 0, iommu);
  }
  return units;
}

function iommuAndBypass(a: Assignable): Diagnostic[] {
  if (a.node.iommu === undefined || !a.node.bypassIommu) return [];
  const message = `names IOMMU "${a.node.iommu}" and also sets bypassIommu: true; keep one of the two`;
  return [finding('iommu-and-bypass', childPath(a.path, 'bypassIommu'), message)];
}

/** A DRHD (an IVHD) lists devices of its own segment only. */
function segmentMismatch(ix: TopologyIndex, iommuId: string | undefined, segment: number, path: string): Diagnostic[] {
  const unit = iommuId === undefined ? undefined : ix.iommus.get(iommuId);
  if ((unit?.type !== 'vtd' && unit?.type !== 'amd-vi') || (unit.segment ?? 0) === segment) return [];
  const [what, block] = unit.type === 'vtd' ? ['VT-d', 'DRHD'] : ['AMD-Vi', 'IVHD'];
  const message = `${what} unit "${unit.id}" serves segment ${unit.segment ?? 0}, but this is in segment ${segment}; an ${block} only covers its own segment`;
  return [finding('iommu-segment-mismatch', childPath(path, 'iommu'), message)];
}

function streamIdOnVtd(ix: TopologyIndex, a: Assignable, includeAll: Map<number, VtdUnit>): Diagnostic[] {
  if (a.node.streamIdBase === undefined) return [];
  const unit = effectiveIommu(ix, a, includeAll);
  if (unit?.type !== 'vtd' && unit?.type !== 'amd-vi') return [];
  const [what, table] = unit.type === 'vtd' ? ['VT-d', 'DMAR'] : ['AMD-Vi', 'IVRS'];
  const message = `streamIdBase has no meaning under ${what} unit "${unit.id}": the ${table} output ID is the requester ID itself`;
  return [finding('stream-id-on-vtd', childPath(a.path, 'streamIdBase'), message)];
}

function includeAllConflicts(ix: TopologyIndex, all: Assignable[], includeAll: Map<number, VtdUnit>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { item: iommu, path } of listed(ix.topology.iommus, 'iommus')) {
    if (iommu.type !== 'vtd' || !iommu.includeAll) continue;
    const first = includeAll.get(iommu.segment ?? 0)!;
    if (first === iommu) continue;
    const message = `segment ${iommu.segment ?? 0} already has the INCLUDE_PCI_ALL unit "${first.id}"; a segment has at most one`;
    out.push(finding('include-all-conflict', childPath(path, 'includeAll'), message));
  }
  for (const a of all) {
    const unit = includeAll.get(a.segment);
    if (!a.node.bypassIommu || !unit) continue;
    const message = `bypassIommu cannot be expressed in DMAR: VT-d unit "${unit.id}" is INCLUDE_PCI_ALL for segment ${a.segment} and takes every device no other unit lists; give it explicit scopes (drop includeAll, assign iommu on host bridges) instead`;
    out.push(finding('include-all-conflict', childPath(a.path, 'bypassIommu'), message));
  }
  return out;
}

/** Platform masters appear in IORT/VIOT by stream ID; DMAR has no place for them (use acpiDevices), nor has ridmap's IVRS. */
function platformDevices(ix: TopologyIndex): Diagnostic[] {
  return listed(ix.topology.platformDevices, 'platformDevices').flatMap(({ item, path }) => {
    const unit = item.iommu === undefined ? undefined : ix.iommus.get(item.iommu);
    if (!unit) return [];
    if (unit.type === 'vtd') {
      const message = `platform device "${item.id}" cannot be behind VT-d unit "${unit.id}": DMAR describes MMIO masters only as ACPI namespace devices (acpiDevices)`;
      return [finding('wrong-iommu-kind', childPath(path, 'iommu'), message)];
    }
    if (unit.type === 'amd-vi') {
      // IVRS names ACPI devices (F0h entries) by _HID/_UID, which the topology has no place for yet.
      const message = `platform device "${item.id}" cannot be behind AMD-Vi unit "${unit.id}": ridmap's IVRS names PCI functions, I/O APICs and HPETs only`;
      return [finding('wrong-iommu-kind', childPath(path, 'iommu'), message)];
    }
    if (item.streamIds !== undefined) return [];
    const message = `platform device "${item.id}" is behind ${unit.type} "${unit.id}" but lists no streamIds; IORT and VIOT need the IDs it emits`;
    return [finding('missing-stream-ids', childPath(path, 'iommu'), message)];
  });
}

/**
 * I/O APICs, HPETs and ACPI namespace devices are DMAR device scopes: VT-d
 * only, same segment; I/O APICs and HPETs are also IVRS special entries, so
 * an AMD-Vi unit may name them too.
 */
function dmarOnlyDevices(ix: TopologyIndex): Diagnostic[] {
  const t = ix.topology;
  const devices = [
    ...listed(t.ioapics, 'ioapics').map((x) => ({ ...x, what: 'an I/O APIC', ivrs: true })),
    ...listed(t.hpets, 'hpets').map((x) => ({ ...x, what: 'an HPET', ivrs: true })),
    ...listed(t.acpiDevices, 'acpiDevices').map((x) => ({ ...x, what: 'an ACPI namespace device', ivrs: false })),
  ];
  return devices.flatMap(({ item, path, what, ivrs }) => {
    const unit = ix.iommus.get(item.iommu);
    if (!unit) return [];
    if (unit.type !== 'vtd' && !(ivrs && unit.type === 'amd-vi')) {
      const tables = ivrs ? 'a DMAR device scope or an IVRS special entry, so its iommu must be a vtd or amd-vi unit' : 'a DMAR device scope, so its iommu must be a vtd unit';
      const message = `${what} is listed in ${tables}, not ${unit.type} "${unit.id}"`;
      return [finding('wrong-iommu-kind', childPath(path, 'iommu'), message)];
    }
    return segmentMismatch(ix, item.iommu, item.segment ?? 0, path);
  });
}
