/**
 * The IVRS a resolved topology calls for: one IVHD per AMD-Vi unit (a type
 * 10h, and beside it a type 11h when the unit gives its EFR image, as real
 * firmware and QEMU 9.1+ write the pair), special entries for the I/O APICs
 * and HPETs that name the unit, and an IVMD unity range per reserved region
 * of its devices.
 *
 * Which IVHD Linux reads: get_highest_supported_ivhd_type() takes the
 * highest type it knows among the blocks of the first IOMMU and then uses
 * only blocks of that type, so a 6.x kernel reads the 11h (and its EFR) and
 * ignores the 10h, while an older OS reads the 10h. Both carry the same
 * device entries.
 *
 * The device entries give every RID the map assigns to the unit that unit
 * (init_iommu_from_acpi: a Select, or a Start/End of Range pair where a run
 * of RIDs does), and nothing else: a RID no entry names has no AMD IOMMU.
 * Behind a bridge that aliases (a PCIe-to-PCI bridge, a conventional bridge:
 * model/aliasing.ts) the whole secondary bus range is an Alias Range with the
 * RID the IOMMU sees instead, the top-most aliasing bridge's alias, which is
 * the last RID of the map's alias list (below a translateRoot bridge the
 * devices are seen as themselves again); Linux takes it into the device's DMA
 * aliases when it is on the device's bus and copies the device table entry
 * to it in any case.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { parseAddress } from '../../model/address.js';
import { bridgeAlias } from '../../model/aliasing.js';
import type { PciFunction, ResolvedIommu, ResolvedTopology } from '../../model/resolved.js';
import { parseBdf, rid } from '../../model/rid.js';
import { RidTable } from '../../model/rid-table.js';
import type { AmdViUnit } from '../../model/topology-schema.js';
import { generatedHeader } from '../header-defaults.js';
import type { IvrsBlock, IvrsDeviceEntry, IvrsIvhd10, IvrsIvhdEfr, IvrsIvmd, IvrsTable } from './model.js';
import { IvrsSpecialVariety } from './spec.js';
import { appendAll } from '../../append.js';

/** Revision 1: IVHD types 10h and 11h only (2 would announce 40h blocks). */
export const IVRS_REVISION = 1;
/** IVinfo PA size when the unit does not give capabilities.outputAddressBits: what QEMU's amd-iommu reports. */
export const DEFAULT_PA_BITS = 40;
/** Where the IOMMU capability sits in the IOMMU function's configuration space by default (QEMU's and AMD's). */
export const DEFAULT_CAPABILITY_OFFSET = 0x40;

const IVINFO_EFR_SUP = 1;
const IVHD_COHERENT = 0x20;
/** IVHD flags bits 7:6 (PrefSup, PPRSup) are reserved in types 11h/40h, where the EFR image reports them. */
const IVHD_EFR_FLAGS_MASK = 0x3f;
/** IVMD flags: unity mapping, readable, writeable (what an RMRR asks of VT-d). */
const IVMD_UNITY_RW = 0x7;

export interface IvrsBuild {
  /** Undefined when the topology has no AMD-Vi unit. */
  table?: IvrsTable;
  diagnostics: Diagnostic[];
}

type AmdViIommu = ResolvedIommu & { node: AmdViUnit };

export function ivrsFromTopology(resolved: ResolvedTopology): IvrsBuild {
  const units = resolved.iommus.filter((u): u is AmdViIommu => u.node.type === 'amd-vi');
  if (units.length === 0) return { diagnostics: [] };
  const diagnostics = mixedEfr(resolved, units);
  const blocks: IvrsBlock[] = [];
  for (const u of units) {
    const entries = [...deviceEntries(resolved, u), ...specialEntries(resolved, u)];
    blocks.push(ivhd10(resolved, u, entries));
    if (u.node.efr !== undefined) blocks.push(ivhd11(resolved, u, entries));
  }
  appendAll(blocks, ivmds(resolved, units));
  const table: IvrsTable = {
    ...generatedHeader(resolved.topology, 'IVRS', IVRS_REVISION),
    ivInfo: ivInfo(units),
    blocks,
  };
  return { table, diagnostics };
}

/**
 * Linux reads the IVHDs of one type only, the highest it knows among those
 * of the first IOMMU (get_highest_supported_ivhd_type), and skips the rest:
 * with some units written as 10h + 11h and others as 10h alone, the latter
 * would translate nothing.
 */
function mixedEfr(resolved: ResolvedTopology, units: readonly AmdViIommu[]): Diagnostic[] {
  const withEfr = units.filter((u) => u.node.efr !== undefined);
  if (withEfr.length === 0 || withEfr.length === units.length) return [];
  return units.filter((u) => u.node.efr === undefined).map((u) => ({
    severity: 'error',
    code: 'ivrs-cannot-express',
    path: `iommus[${(resolved.topology.iommus ?? []).indexOf(u.node)}]`,
    message:
      `amd-vi unit ${u.id} has no efr while ${withEfr[0]!.id} has one: its IVHD would be a 10h alone beside 11h blocks, ` +
      'and Linux reads only the IVHDs of the highest type it finds (get_highest_supported_ivhd_type), so none of its devices would have an IOMMU; give every unit its EFR image, or none',
  }));
}

/**
 * IVinfo from the first unit (one machine's IOMMUs are alike): EFRSup when the
 * units give their EFR image, PA size (bits 14:8) and VA size (bits 21:15)
 * from its capabilities.
 */
function ivInfo(units: readonly AmdViIommu[]): number {
  const caps = units[0]!.node.capabilities ?? {};
  const efrSup = units.some((u) => u.node.efr !== undefined) ? IVINFO_EFR_SUP : 0;
  const pa = caps.outputAddressBits ?? DEFAULT_PA_BITS;
  const va = caps.inputAddressBits ?? 0;
  return (efrSup | ((pa & 0x7f) << 8) | ((va & 0x7f) << 15)) >>> 0;
}

function head(resolved: ResolvedTopology, u: AmdViIommu) {
  const node = u.node;
  const self = resolved.byId.get(node.device)!;
  return {
    deviceId: self.rid,
    capabilityOffset: node.capabilityOffset ?? DEFAULT_CAPABILITY_OFFSET,
    baseAddress: parseAddress(node.base),
    pciSegment: node.segment ?? 0,
    info: node.info ?? 0,
  };
}

const flagsOf = (u: AmdViIommu) => u.node.ivhdFlags ?? (u.node.capabilities?.coherent ? IVHD_COHERENT : 0);

function ivhd10(resolved: ResolvedTopology, u: AmdViIommu, entries: IvrsDeviceEntry[]): IvrsIvhd10 {
  return { type: 'IVHD10', flags: flagsOf(u), ...head(resolved, u), featureReporting: u.node.featureReporting ?? 0, entries };
}

function ivhd11(resolved: ResolvedTopology, u: AmdViIommu, entries: IvrsDeviceEntry[]): IvrsIvhdEfr {
  return {
    type: 'IVHD11',
    flags: flagsOf(u) & IVHD_EFR_FLAGS_MASK,
    ...head(resolved, u),
    attributes: 0,
    efrImage: parseAddress(u.node.efr!),
    efrImage2: 0n,
    entries: entries.map((e) => ({ ...e })),
  };
}

/** Names in the paint table below: a plain entry, or an alias to a RID. */
const SELECT = 'select';
const aliasName = (source: number) => `alias:${source}`;

/**
 * The unit's RIDs as runs of plain and aliased entries. Painted in order of
 * precedence: the unit's map ranges plain, then each aliasing bridge's
 * secondary range (depth first: a translateRoot bridge below one ends the
 * alias), then every RID outside the unit's ranges cleared again.
 */
function deviceEntries(resolved: ResolvedTopology, u: AmdViIommu): IvrsDeviceEntry[] {
  const segment = u.segment;
  const ranges = resolved.map.translations
    .filter((t) => t.iommu === u.identity && t.segment === segment)
    .sort((a, b) => a.first - b.first);
  // The IOMMU's own function: firmware lists it (QEMU does) and Linux drops it; the map gives it no unit
  // (model/iommu-assignment.ts), so no other IVHD lists it.
  const self = resolved.byId.get(u.node.device)!;
  const paint = new RidTable();
  for (const t of ranges) paint.setRange(segment, t.first, t.last, SELECT);
  paint.setRange(segment, self.rid, self.rid, SELECT);

  // Depth first with an explicit stack (the depth is the input's): parents paint before their children.
  const stack: { f: PciFunction; aliased: boolean }[] = [];
  for (const hb of resolved.hostBridges) {
    if (hb.segment === segment) for (const f of [...hb.functions].reverse()) stack.push({ f, aliased: false });
  }
  while (stack.length > 0) {
    const { f, aliased } = stack.pop()!;
    let below = aliased;
    if (f.isBridge && f.secondary !== undefined && f.subordinate !== undefined) {
      const first = rid(f.secondary, 0);
      const last = rid(f.subordinate, 0xff);
      if (below && f.node.translateRoot) {
        paint.setRange(segment, first, last, SELECT);
        below = false;
      }
      // A translateRoot bridge ends the walk before its own alias (model/aliasing.ts).
      const alias = below || f.node.translateRoot ? undefined : bridgeAlias(f);
      if (alias !== undefined) {
        paint.setRange(segment, first, last, aliasName(alias));
        below = true;
      }
    }
    for (let i = f.children.length - 1; i >= 0; i--) stack.push({ f: f.children[i]!, aliased: below });
  }

  // Clear what the unit does not translate (ranges above are sorted and disjoint: normalized).
  let next = 0;
  for (const t of ranges) {
    if (t.first > next) paint.setRange(segment, next, t.first - 1, null);
    next = t.last + 1;
  }
  if (next <= 0xffff) paint.setRange(segment, next, 0xffff, null);
  paint.setRange(segment, self.rid, self.rid, SELECT);

  const entries: IvrsDeviceEntry[] = [];
  for (const run of paint.translations('IVRS')) {
    const source = run.iommu === SELECT ? undefined : Number(run.iommu.slice('alias:'.length));
    if (source === undefined) {
      if (run.first === run.last) entries.push({ type: 'Select', deviceId: run.first, dataSetting: 0 });
      else entries.push({ type: 'RangeStart', deviceId: run.first, dataSetting: 0 }, { type: 'RangeEnd', deviceId: run.last, dataSetting: 0 });
    } else if (run.first === run.last) {
      entries.push({ type: 'AliasSelect', deviceId: run.first, dataSetting: 0, sourceDeviceId: source });
    } else {
      entries.push(
        { type: 'AliasRangeStart', deviceId: run.first, dataSetting: 0, sourceDeviceId: source },
        { type: 'RangeEnd', deviceId: run.last, dataSetting: 0 },
      );
    }
  }
  return entries;
}

/**
 * The I/O APICs and HPETs that name the unit, with the RID their interrupts
 * carry. Linux turns interrupt remapping off when the IVHDs lack the I/O APIC
 * its MADT lists (check_ioapic_information: "No southbridge IOAPIC found").
 */
function specialEntries(resolved: ResolvedTopology, u: AmdViIommu): IvrsDeviceEntry[] {
  const t = resolved.topology;
  const special = (handle: number, sourceId: string, variety: number): IvrsDeviceEntry => ({
    type: 'Special',
    deviceId: 0,
    dataSetting: 0,
    handle,
    sourceDeviceId: parseBdf(sourceId)!.rid,
    variety,
  });
  return [
    ...(t.ioapics ?? []).filter((a) => a.iommu === u.id).map((a) => special(a.ioapicId, a.sourceId, IvrsSpecialVariety.IOAPIC)),
    ...(t.hpets ?? []).filter((h) => h.iommu === u.id).map((h) => special(h.number, h.sourceId, IvrsSpecialVariety.HPET)),
  ];
}

/**
 * An IVMD 21h (one device) per reserved region of a function an AMD-Vi unit
 * translates: a unity mapping, readable and writeable, which Linux sets up
 * before the device is attached (as it does for an RMRR).
 */
function ivmds(resolved: ResolvedTopology, units: readonly AmdViIommu[]): IvrsIvmd[] {
  const ids = new Set(units.map((u) => u.id));
  const out: IvrsIvmd[] = [];
  for (const f of resolved.functions) {
    if (f.iommu === null || !ids.has(f.iommu)) continue;
    for (const region of f.node.reservedMemory ?? []) {
      out.push({
        type: 'IVMD21',
        flags: IVMD_UNITY_RW,
        deviceId: f.rid,
        auxData: 0,
        startAddress: parseAddress(region.base),
        memoryLength: parseAddress(region.size),
      });
    }
  }
  return out;
}
