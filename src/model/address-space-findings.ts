/**
 * Findings about address spaces (topology `addressSpaces`: devices that share
 * one DMA address space, such as one VFIO container or one guest).
 *
 * - group-split-address-space: members of one alias group in different
 *   address spaces. VFIO refuses this ("group used in multiple address
 *   spaces"): a group is attached to one container as a whole.
 * - incompatible-iommus: one address space whose devices sit behind IOMMUs
 *   that cannot share its page tables. Compared per pair of units, only where
 *   both state the capability:
 *     pageTableFormats  disjoint: no format both can walk;
 *     coherent          different: one unit snoops page-table writes, the
 *                       other needs cache maintenance, so one table cannot
 *                       serve both as written;
 *     inputAddressBits  different: IOVAs above the narrower width fault on
 *                       that unit;
 *     outputAddressBits different: memory at or above the narrower width
 *                       cannot be mapped for that unit;
 *     pageSizes         no size in common: no page can be mapped the same on
 *                       both; or different granules (smallest sizes): a
 *                       mapping smaller than, or not aligned to, the larger
 *                       granule fails on that unit (iommufd and VFIO
 *                       raise one address space's alignment to the largest
 *                       granule attached, so mappings that worked fail);
 *     pasidBits         different, and a device of the space may use PASIDs.
 *                       The topology has no PASID field per device; a device
 *                       with `ats: true` is taken as one that may (PASID
 *                       work such as SVA rides on ATS/PRI).
 *   stall and pri are not compared: they say how faults are reported, not
 *   what the page tables hold.
 *   One finding per address space names every conflicting pair with the
 *   properties that differ, then splits the space's devices into sets behind
 *   mutually compatible units: the vIOMMUs (or containers) they could share
 *   instead.
 */
import type { Diagnostic } from '../diagnostic.js';
import { iommuCoherent } from './iommu-coherent.js';
import type { ResolvedIommu } from './resolved.js';
import type { AddressSpace, Iommu } from './topology-schema.js';
import type { DeviceEntry, MmioTranslation } from './translation-map.js';
import { appendAll } from '../append.js';

export interface AddressSpaceMember {
  /** IOMMU identity, or null when untranslated. */
  iommu: string | null;
  /** Alias group (PCI functions only). */
  group?: string;
  /** The device may use PASIDs (see above). */
  mayUsePasid?: boolean;
}

/** Members by device id: the map's PCI devices and its MMIO devices (those with an id). */
export function addressSpaceMembers(
  devices: readonly DeviceEntry[],
  mmio: readonly MmioTranslation[],
  mayUsePasid: (id: string) => boolean,
): Map<string, AddressSpaceMember> {
  const members = new Map<string, AddressSpaceMember>();
  for (const d of devices) members.set(d.id, { iommu: d.iommu, group: d.group, mayUsePasid: mayUsePasid(d.id) });
  for (const m of mmio) if (m.id !== undefined) members.set(m.id, { iommu: m.iommu, mayUsePasid: mayUsePasid(m.id) });
  return members;
}

const spacePath = (index: number) => `addressSpaces[${index}]`;

export function groupSplitAddressSpace(
  addressSpaces: readonly AddressSpace[],
  members: ReadonlyMap<string, AddressSpaceMember>,
): Diagnostic[] {
  // group -> address space -> devices of the group in it
  const spacesOfGroup = new Map<string, Map<string, string[]>>();
  const firstIndex = new Map<string, number>();
  addressSpaces.forEach((space, index) => {
    for (const id of space.devices) {
      const group = members.get(id)?.group;
      if (group === undefined) continue;
      const spaces = spacesOfGroup.get(group) ?? new Map<string, string[]>();
      spaces.set(space.id, [...(spaces.get(space.id) ?? []), id]);
      spacesOfGroup.set(group, spaces);
      if (!firstIndex.has(group)) firstIndex.set(group, index);
    }
  });
  const findings: Diagnostic[] = [];
  for (const [group, spaces] of spacesOfGroup) {
    if (spaces.size < 2) continue;
    const list = [...spaces].map(([space, ids]) => `${space} (${ids.join(', ')})`).join(', ');
    findings.push({
      severity: 'error',
      code: 'group-split-address-space',
      path: spacePath(firstIndex.get(group)!),
      message:
        `alias group ${group} is used in several address spaces: ${list}; a group can only be ` +
        'attached as a whole (VFIO: "group used in multiple address spaces")',
    });
  }
  return findings;
}

const formats = (list: readonly string[]) => `[${list.join(', ')}]`;

/** Why two units cannot share one address space (empty when they can). */
export function capabilityConflicts(a: Iommu, b: Iommu, pasidUsers: readonly string[]): string[] {
  const ca = a.capabilities ?? {};
  const cb = b.capabilities ?? {};
  const reasons: string[] = [];
  if (ca.pageTableFormats && cb.pageTableFormats && !ca.pageTableFormats.some((f) => cb.pageTableFormats!.includes(f))) {
    reasons.push(
      `pageTableFormats ${formats(ca.pageTableFormats)} and ${formats(cb.pageTableFormats)} have none in common`,
    );
  }
  const [cohA, cohB] = [iommuCoherent(a), iommuCoherent(b)];
  if (cohA !== undefined && cohB !== undefined && cohA !== cohB) {
    reasons.push(
      `coherent differs: ${cohA ? a.id : b.id} walks page tables coherently and ${cohA ? b.id : a.id} does not, ` +
        'so one table cannot be maintained for both',
    );
  }
  if (ca.inputAddressBits !== undefined && cb.inputAddressBits !== undefined && ca.inputAddressBits !== cb.inputAddressBits) {
    reasons.push(
      `inputAddressBits differ (${ca.inputAddressBits} vs ${cb.inputAddressBits}): ` +
        `IOVAs at or above 2^${Math.min(ca.inputAddressBits, cb.inputAddressBits)} fault on the narrower unit`,
    );
  }
  if (ca.outputAddressBits !== undefined && cb.outputAddressBits !== undefined && ca.outputAddressBits !== cb.outputAddressBits) {
    reasons.push(
      `outputAddressBits differ (${ca.outputAddressBits} vs ${cb.outputAddressBits}): memory at or above ` +
        `2^${Math.min(ca.outputAddressBits, cb.outputAddressBits)} cannot be mapped on the narrower unit`,
    );
  }
  appendAll(reasons, pageSizeConflicts(a, b));
  if (ca.pasidBits !== undefined && cb.pasidBits !== undefined && ca.pasidBits !== cb.pasidBits && pasidUsers.length > 0) {
    reasons.push(
      `pasidBits differ (${ca.pasidBits} vs ${cb.pasidBits}) and ${pasidUsers.join(', ')} ` +
        `may use PASIDs (ats: true): only ${Math.min(ca.pasidBits, cb.pasidBits)}-bit PASIDs work for all`,
    );
  }
  return reasons;
}

/** A byte count as people write page sizes: 4 KiB, 2 MiB, 1 GiB. */
function sizeText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (i < units.length - 1 && bytes >= 1024 && bytes % 1024 === 0) {
    bytes /= 1024;
    i++;
  }
  return `${bytes} ${units[i]}`;
}

const sizesText = (sizes: readonly number[]) => `[${[...sizes].sort((x, y) => x - y).map(sizeText).join(', ')}]`;

/** pageSizes: none in common, or different granules (the smallest size of each). */
function pageSizeConflicts(a: Iommu, b: Iommu): string[] {
  const [pa, pb] = [a.capabilities?.pageSizes, b.capabilities?.pageSizes];
  if (!pa?.length || !pb?.length) return [];
  const reasons: string[] = [];
  if (!pa.some((size) => pb.includes(size))) {
    reasons.push(`pageSizes ${sizesText(pa)} and ${sizesText(pb)} have none in common`);
  }
  const granule = (sizes: readonly number[]) => sizes.reduce((min, size) => Math.min(min, size));
  const [ga, gb] = [granule(pa), granule(pb)];
  if (ga !== gb) {
    const coarse = ga > gb ? a : b;
    reasons.push(
      `granules differ (pageSizes start at ${sizeText(ga)} vs ${sizeText(gb)}): a mapping smaller than ` +
        `${sizeText(Math.max(ga, gb))}, or not aligned to it, fails on ${coarse.id}`,
    );
  }
  return reasons;
}

/**
 * The space's units split into sets whose members are pairwise compatible:
 * each unit joins the first set it is compatible with throughout, else
 * starts one (first-fit, in the order the space lists their devices).
 */
function compatibleSets(units: readonly ResolvedIommu[], pasidUsers: readonly string[]): ResolvedIommu[][] {
  const sets: ResolvedIommu[][] = [];
  for (const unit of units) {
    const home = sets.find((set) => set.every((other) => capabilityConflicts(unit.node, other.node, pasidUsers).length === 0));
    if (home) home.push(unit);
    else sets.push([unit]);
  }
  return sets;
}

export function incompatibleIommus(
  addressSpaces: readonly AddressSpace[],
  members: ReadonlyMap<string, AddressSpaceMember>,
  iommus: readonly ResolvedIommu[],
): Diagnostic[] {
  const byIdentity = new Map(iommus.map((u) => [u.identity, u]));
  const findings: Diagnostic[] = [];
  addressSpaces.forEach((space, index) => {
    const devicesBehind = new Map<ResolvedIommu, string[]>();
    for (const id of space.devices) {
      const unit = byIdentity.get(members.get(id)?.iommu ?? '');
      if (unit) devicesBehind.set(unit, [...(devicesBehind.get(unit) ?? []), id]);
    }
    const pasidUsers = space.devices.filter((id) => members.get(id)?.mayUsePasid);
    const units = [...devicesBehind.keys()];
    const behind = (u: ResolvedIommu) => `${u.id} (${u.identity}: ${devicesBehind.get(u)!.join(', ')})`;
    const conflicts: string[] = [];
    for (let i = 0; i < units.length; i++) {
      for (let j = i + 1; j < units.length; j++) {
        const [a, b] = [units[i]!, units[j]!];
        const reasons = capabilityConflicts(a.node, b.node, pasidUsers);
        if (reasons.length > 0) conflicts.push(`${behind(a)} and ${behind(b)}: ${reasons.join('; ')}`);
      }
    }
    if (conflicts.length === 0) return;
    const sets = compatibleSets(units, pasidUsers).map(
      (set) => `{${set.flatMap((u) => devicesBehind.get(u)!).join(', ')}} behind ${set.map((u) => u.id).join(', ')}`,
    );
    findings.push({
      severity: 'error',
      code: 'incompatible-iommus',
      path: spacePath(index),
      message:
        `address space ${space.id} spans IOMMUs that cannot share it: ${conflicts.join(' | ')}. ` +
        `Devices that could share a vIOMMU (one address space each) instead: ${sets.join('; ')}`,
    });
  });
  return findings;
}
