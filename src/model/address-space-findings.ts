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
 *     pasidBits         different, and a device of the space may use PASIDs.
 *                       The topology has no PASID field per device; a device
 *                       with `ats: true` is taken as one that may (PASID
 *                       work such as SVA rides on ATS/PRI).
 */
import type { Diagnostic } from '../diagnostic.js';
import { iommuCoherent } from './iommu-coherent.js';
import type { ResolvedIommu } from './resolved.js';
import type { AddressSpace, Iommu } from './topology-schema.js';
import type { DeviceEntry, MmioTranslation } from './translation-map.js';

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
      `page-table formats ${formats(ca.pageTableFormats)} and ${formats(cb.pageTableFormats)} have none in common`,
    );
  }
  const [cohA, cohB] = [iommuCoherent(a), iommuCoherent(b)];
  if (cohA !== undefined && cohB !== undefined && cohA !== cohB) {
    reasons.push(
      `${cohA ? a.id : b.id} walks page tables coherently and ${cohA ? b.id : a.id} does not, ` +
        'so one table cannot be maintained for both',
    );
  }
  if (ca.inputAddressBits !== undefined && cb.inputAddressBits !== undefined && ca.inputAddressBits !== cb.inputAddressBits) {
    reasons.push(
      `input address widths differ (${ca.inputAddressBits} vs ${cb.inputAddressBits} bits): ` +
        `IOVAs at or above 2^${Math.min(ca.inputAddressBits, cb.inputAddressBits)} fault on the narrower unit`,
    );
  }
  if (ca.pasidBits !== undefined && cb.pasidBits !== undefined && ca.pasidBits !== cb.pasidBits && pasidUsers.length > 0) {
    reasons.push(
      `PASID widths differ (${ca.pasidBits} vs ${cb.pasidBits} bits) and ${pasidUsers.join(', ')} ` +
        `may use PASIDs (ats: true): only ${Math.min(ca.pasidBits, cb.pasidBits)}-bit PASIDs work for all`,
    );
  }
  return reasons;
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
    for (let i = 0; i < units.length; i++) {
      for (let j = i + 1; j < units.length; j++) {
        const [a, b] = [units[i]!, units[j]!];
        const reasons = capabilityConflicts(a.node, b.node, pasidUsers);
        if (reasons.length === 0) continue;
        findings.push({
          severity: 'error',
          code: 'incompatible-iommus',
          path: spacePath(index),
          message:
            `address space ${space.id} spans ${a.id} (${a.identity}: ${devicesBehind.get(a)!.join(', ')}) and ` +
            `${b.id} (${b.identity}: ${devicesBehind.get(b)!.join(', ')}), which cannot share it: ${reasons.join('; ')}`,
        });
      }
    }
  });
  return findings;
}
