/**
 * IVRS → translation map, the way Linux's AMD-Vi driver reads the table
 * (drivers/iommu/amd/init.c and iommu.c; the same in the 6.1, 6.12 and 7.3
 * series: per-segment tables and clearing each IOMMU's own function after
 * every IVHD is read date from 6.0):
 * - only the IVHDs of the type linux-ivhds.ts says, in table order, each one
 *   IOMMU (`amd-vi@<base>`);
 * - a device's IOMMU is the segment's rlookup entry for its own RID: the
 *   IVHD whose entries named it last (ivhd-entries.ts), within the
 *   segment's last_bdf; a device no IVHD names has no IOMMU (Linux's driver
 *   does not take it; its device-table entry, when within last_bdf, is left
 *   valid and blocking, so the hardware drops its DMA rather than passing it);
 * - once every IVHD is read, each IOMMU's own PCI function is taken out of
 *   the lookup ("Make sure IOMMU is not considered to translate itself"):
 *   the IOMMU does not translate itself, whatever the table says;
 * - AMD-Vi does not translate IDs: a device's output ID is its RID.
 * Painting a RID table in that order (later paint wins) gives the lookup as
 * ranges. With a topology, devices get the alias the table records
 * (ivrs-devices.ts).
 */
import { structureTree, type Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { formatAddress } from '../../model/address.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { RidTable } from '../../model/rid-table.js';
import type { MapGap, TranslationMap } from '../../model/translation-map.js';
import { IvrsCode } from './codes.js';
import { ivhdRecord, type AcpiHidDevice, type IvhdRecord } from './ivhd-entries.js';
import { ivhdOverlaps } from './ivhd-overlaps.js';
import { lastBdfFindings } from './last-bdf-findings.js';
import { ivrsDevices } from './ivrs-devices.js';
import { blockTypeNumber, isIvhd, lastBdfs, linuxIvhdType, type IvhdNode } from './linux-ivhds.js';
import type { IvrsBlock, IvrsTable } from './model.js';
import { ivrsRangeFindings } from './range-findings.js';
import { ivrsSpec, IvrsSpecialVariety } from './spec.js';
import { efrFindings } from './efr-findings.js';
import { hatdisFindings } from './hatdis-findings.js';
import { appendAll } from '../../append.js';

export const IVRS_SOURCE = 'IVRS';

/** The map identity of an AMD-Vi IOMMU: its IVHD's IOMMU Base Address. */
export function amdViIdentity(baseAddress: bigint): string {
  return `amd-vi@${formatAddress(baseAddress)}`;
}

/** One IOMMU as Linux sets it up: its IVHD and what its entries record. */
export interface IvrsIommu extends IvhdNode {
  identity: string;
  record: IvhdRecord;
}

/** What Linux reads from the table, before any topology. */
export interface IvrsReading {
  /** The IVHD type Linux uses (undefined: the table has no block). */
  type?: number;
  iommus: IvrsIommu[];
  /** Segment → last_bdf. */
  lastBdf: Map<number, number>;
  findings: Diagnostic[];
}

export function resolveIvrs(model: Model, resolved?: ResolvedTopology): TranslationMap {
  const table = model as unknown as IvrsTable;
  if (!Array.isArray(table.blocks)) return { translations: [], mmio: [], findings: [], gaps: [structuresGap()] };
  const reading = readIvrs(model);
  const findings = [...ivrsRangeFindings(model), ...reading.findings];
  const rids = new RidTable();
  for (const iommu of reading.iommus) {
    const segment = iommu.block.pciSegment;
    const last = reading.lastBdf.get(segment)!;
    for (const c of iommu.record.claimed) if (c.first <= last) rids.setRange(segment, c.first, Math.min(c.last, last), iommu.identity, undefined, 1, { path: c.path, offset: c.offset });
  }
  for (const { block } of reading.iommus) rids.set(block.pciSegment, block.deviceId, null);
  appendAll(findings, ivhdOverlaps(reading));
  appendAll(findings, lastBdfFindings(reading));

  const translations = rids.translations(IVRS_SOURCE);
  const map: TranslationMap = { translations, entries: rids.entries(), mmio: [], findings };
  const hids = reading.iommus.flatMap((i) => i.record.acpiHids.map((h) => ({ ...h, iommu: i })));
  const refused = reading.iommus.flatMap((i) => i.record.refusedHids);
  if (hids.length || refused.length) map.gaps = [acpiHidGap(hids, refused)];
  if (resolved) {
    const devices = ivrsDevices(reading, resolved, translations);
    map.devices = devices.entries;
    appendAll(findings, devices.findings);
  }
  return map;
}

/** What the table says about itself without a topology: the resolver's findings (walking ranges, never IDs). */
export function ivrsFindings(model: Model): Diagnostic[] {
  return resolveIvrs(model).findings;
}

/** The IOMMUs Linux sets up from the table, their records, and what that choice leaves out. */
export function readIvrs(model: Model): IvrsReading {
  const table = model as unknown as IvrsTable;
  const nodes = structureTree(ivrsSpec(), model, 'IVRS').items?.nodes ?? [];
  const blocks = nodes.map((n) => n.model as unknown as IvrsBlock);
  const type = linuxIvhdType(blocks);
  const all: IvhdNode[] = [];
  nodes.forEach((node, i) => {
    const block = blocks[i]!;
    if (isIvhd(block)) all.push({ node, block, type: blockTypeNumber(block) });
  });
  const chosen = all.filter((b) => b.type === type);
  const lastBdf = lastBdfs(chosen);
  const iommus = chosen.map((b) => ({
    ...b,
    identity: amdViIdentity(b.block.baseAddress),
    record: ivhdRecord(b, lastBdf.get(b.block.pciSegment)!),
  }));
  const reading: IvrsReading = { iommus, lastBdf, findings: [], ...(type === undefined ? {} : { type }) };
  for (const more of [ignoredIommus(all, type), ioapicFindings(reading), efrFindings(table.ivInfo, iommus), hatdisFindings(iommus)]) appendAll(reading.findings, more);
  return reading;
}

const hex = (n: number) => `${n.toString(16).padStart(2, '0')}h`;

/** IOMMUs (by segment and base) with IVHDs, none of the type Linux uses: Linux never sets them up. */
function ignoredIommus(all: readonly IvhdNode[], type: number | undefined): Diagnostic[] {
  const byUnit = new Map<string, IvhdNode[]>();
  for (const b of all) {
    const key = `${b.block.pciSegment}:${b.block.baseAddress}`;
    const list = byUnit.get(key);
    if (list) list.push(b);
    else byUnit.set(key, [b]);
  }
  const out: Diagnostic[] = [];
  for (const blocks of byUnit.values()) {
    if (blocks.some((b) => b.type === type)) continue;
    const first = blocks[0]!;
    const types = blocks.map((b) => hex(b.type)).join(', ');
    const why = type === undefined || type > 0x40
      ? `the table's first block is of type ${hex(type ?? 0)}, which Linux then takes as the IVHD type to use; no IVHD has it, and Linux's AMD-Vi init fails`
      : `Linux uses the IVHD type of the last block with the first block's Device ID (${hex(type)}) and skips the others`;
    out.push({
      severity: 'error',
      code: IvrsCode.ivhdTypeMissing,
      path: first.node.path,
      offset: first.node.offset,
      message:
        `${amdViIdentity(first.block.baseAddress)} (segment ${first.block.pciSegment}) is described only by IVHD type ${types}: ` +
        `${why}, so this IOMMU is never set up and translates nothing`,
    });
  }
  return out;
}

/**
 * check_ioapic_information: Linux disables interrupt remapping unless every
 * IOAPIC of the MADT is a special device of the IVRS and one of them is the
 * southbridge IOAPIC at 00:14.0. This finding needs no MADT: no IOAPIC at
 * all; the MADT's own I/O APICs are compared by checks/ivrs/madt-checks.ts.
 */
function ioapicFindings(reading: IvrsReading): Diagnostic[] {
  if (!reading.iommus.length) return [];
  const ioapics = reading.iommus.flatMap((i) => i.record.specials.filter((s) => s.variety === IvrsSpecialVariety.IOAPIC));
  if (ioapics.length) return [];
  const first = reading.iommus[0]!.node;
  return [{
    severity: 'warning',
    code: IvrsCode.ioapicMissing,
    path: first.path,
    offset: first.offset,
    message:
      `no IVHD of type ${hex(reading.type!)} names an IOAPIC (special device entry 48h, variety 1): Linux finds no southbridge IOAPIC ` +
      '("No southbridge IOAPIC found") and disables interrupt remapping; DMA translation is unaffected. (Linux wants every IOAPIC ' +
      'of the MADT here, one of them at 00:14.0, the southbridge)',
  }];
}

function structuresGap(): MapGap {
  return {
    table: IVRS_SOURCE,
    missing: 'the IVRS\'s blocks were not decoded',
    message: 'the table\'s IVHD and IVMD blocks were not decoded (see the decode error): the map does not include this IVRS',
  };
}

/**
 * F0h devices are ACPI devices, not PCI functions: the map has no entry for
 * them, only for the RID they use. F0h entries Linux refuses are named too.
 */
function acpiHidGap(hids: readonly (AcpiHidDevice & { iommu: IvrsIommu })[], refused: readonly { path: string }[]): MapGap {
  const named = hids.map((h) => `${h.hid}${h.uid ? `:${h.uid}` : ''} (RID ${h.rid.toString(16).padStart(4, '0')}, ${h.iommu.identity})`);
  const listed = hids.length
    ? `${hids.length} ACPI device${hids.length === 1 ? ' is' : 's are'} named by F0h entries: ${named.join(', ')}; ` +
      'their RIDs are in the map, but the map has no entry for an ACPI device itself'
    : '';
  const refusedText = refused.length
    ? `${refused.length} F0h entr${refused.length === 1 ? 'y' : 'ies'} (${refused.map((r) => r.path).join(', ')}) Linux refuses ` +
      '(outside a 40h IVHD, or with no HID: "Invalid IVHD device type", "Invalid HID"), so no device is set up for them'
    : '';
  return {
    table: IVRS_SOURCE,
    missing: `${hids.length + refused.length} ACPI device${hids.length + refused.length === 1 ? '' : 's'} (F0h) not listed`,
    message: [listed, refusedText].filter(Boolean).join('; '),
  };
}
