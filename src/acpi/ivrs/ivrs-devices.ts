/**
 * The topology's devices under an IVRS: which RIDs each one reaches its
 * IOMMU with, and which devices Linux cannot tell apart.
 *
 * Linux (iommu.c, setup_aliases and clone_aliases) keeps the IVRS alias of
 * each device (the segment's alias table, filled by Alias Select and Alias
 * Range entries) beside the PCI DMA aliases the bridges give it:
 * - an IVRS alias on the device's own bus becomes a PCI DMA alias
 *   (pci_add_dma_alias), so it is among the device's aliases right after
 *   its own RID and counts for its group as any DMA alias does;
 * - an IVRS alias on another bus is not a PCI DMA alias, but the device's
 *   device-table entry is copied to it: requests carrying it are translated
 *   as the device's. The device entry lists it last.
 * Devices that share a DMA alias share a group, as they do for the
 * topology's own aliases (alias-groups.ts); an IVRS alias on another bus is
 * no DMA alias, and Linux's groups (pci_device_group) do not see it. Where
 * the table's alias is not one of the topology's bridge aliases, the two
 * disagree about the hardware: a finding says so, and the map keeps both,
 * as Linux does.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { UnionFind } from '../../model/alias-groups.js';
import { deviceEntries, type DeviceRids } from '../../model/devices.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { lastCovering } from '../../model/rid-table.js';
import { formatSbdf, ridBus } from '../../model/rid.js';
import type { DeviceEntry, Translation } from '../../model/translation-map.js';
import { IvrsCode } from './codes.js';
import type { AliasSpan } from './ivhd-entries.js';
import type { IvrsReading } from './resolve.js';

export function ivrsDevices(
  reading: IvrsReading,
  resolved: ResolvedTopology,
  translations: readonly Translation[],
): { entries: DeviceEntry[]; findings: Diagnostic[] } {
  const findings: Diagnostic[] = [];
  const aliasOf = aliasTables(reading);
  // RIDs some device sends requests with: its own, and the aliases its bridges give it (a PCIe-to-PCI
  // bridge's is (secondary bus, 00.0), where no function is).
  const present = new Set(resolved.functions.flatMap((f) => f.aliases.map((r) => `${f.segment}:${r}`)));
  const seen = new Set<string>();
  for (const iommu of reading.iommus) {
    for (const a of iommu.record.aliases) {
      const key = `${iommu.block.pciSegment}:${a.to}`;
      if (present.has(key) || seen.has(a.path)) continue;
      seen.add(a.path);
      findings.push({
        severity: 'warning',
        code: IvrsCode.aliasNoDevice,
        path: a.path,
        offset: a.offset,
        message:
          `${span(iommu.block.pciSegment, a)} reach${a.first === a.last ? 'es' : ''} the IOMMU as ${formatSbdf(iommu.block.pciSegment, a.to)}, ` +
          'a RID that no device of the topology sends requests with (no function has it, no bridge gives it as an alias)',
      });
    }
  }

  // Each device, and the RIDs that count for its group (its DMA aliases).
  const devices: { device: DeviceRids; dmaAliases: readonly number[] }[] = resolved.functions.map((f) => {
    const alias = aliasOf(f.segment, f.rid);
    if (alias === undefined || alias.to === f.rid || f.aliases.includes(alias.to)) return { device: f, dmaAliases: f.aliases };
    findings.push({
      severity: 'warning',
      code: IvrsCode.aliasMismatch,
      path: alias.path,
      offset: alias.offset,
      message:
        `the IVRS gives ${f.id} (${formatSbdf(f.segment, f.rid)}) the alias ${formatSbdf(f.segment, alias.to)}, ` +
        `which the topology's bridges do not (its DMA aliases: ${f.aliases.map((r) => formatSbdf(f.segment, r)).join(', ')}): ` +
        'Linux sets the device up under both, so one of the two descriptions of the hardware is wrong',
    });
    const aliases = [...f.aliases];
    const sameBus = ridBus(alias.to) === f.bus;
    if (sameBus) aliases.splice(1, 0, alias.to);
    else aliases.push(alias.to);
    return { device: { id: f.id, segment: f.segment, rid: f.rid, aliases, group: f.group }, dmaAliases: sameBus ? aliases : f.aliases };
  });
  return { entries: deviceEntries(regroup(devices), translations, resolved.linux.profile), findings };
}

const span = (segment: number, a: AliasSpan) =>
  a.first === a.last ? formatSbdf(segment, a.first) : `${formatSbdf(segment, a.first)}-${formatSbdf(segment, a.last)}`;

/** Each segment's alias table as disjoint ranges (the later entry wins, as Linux overwrites), looked up by bisection. */
function aliasTables(reading: IvrsReading): (segment: number, rid: number) => AliasSpan | undefined {
  const bySegment = new Map<number, AliasSpan[]>();
  for (const iommu of reading.iommus) {
    const segment = iommu.block.pciSegment;
    const last = reading.lastBdf.get(segment)!;
    const list = bySegment.get(segment) ?? [];
    // The alias table has last_bdf + 1 entries.
    for (const a of iommu.record.aliases) if (a.first <= last) list.push({ ...a, last: Math.min(a.last, last) });
    bySegment.set(segment, list);
  }
  const pieces = new Map([...bySegment].map(([segment, spans]) => [segment, lastCovering(spans).map(([first, last, i]) => ({ first, last, span: spans[i]! }))]));
  return (segment, rid) => {
    const list = pieces.get(segment) ?? [];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = list[mid]!;
      if (p.last < rid) lo = mid + 1;
      else if (p.first > rid) hi = mid - 1;
      else return p.span;
    }
    return undefined;
  };
}

/** The topology's groups joined wherever devices now share a DMA alias, renumbered g0, g1, ... by first member. */
function regroup(devices: readonly { device: DeviceRids; dmaAliases: readonly number[] }[]): DeviceRids[] {
  const sets = new UnionFind<string>();
  const owner = new Map<string, string>();
  for (const { device: d, dmaAliases } of devices) {
    for (const r of dmaAliases) {
      const key = `${d.segment}:${r}`;
      const other = owner.get(key);
      if (other === undefined) owner.set(key, d.group);
      else sets.union(other, d.group);
    }
  }
  const names = new Map<string, string>();
  return devices.map(({ device: d }) => {
    const root = sets.find(d.group);
    let group = names.get(root);
    if (group === undefined) {
      group = `g${names.size}`;
      names.set(root, group);
    }
    return group === d.group ? d : { ...d, group };
  });
}
