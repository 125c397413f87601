/**
 * What Linux records from one IVHD's device entries (init_iommu_from_acpi,
 * drivers/iommu/amd/init.c), as ranges of Device IDs, never one ID at a time:
 * - the IOMMU lookup (rlookup_table): every Device ID an entry names is
 *   this IOMMU's, the later entry (and the later IVHD) winning: Select All
 *   (0..last_bdf), Select, Extended Select, the ranges, both sides of an
 *   alias, a special device's Source Used Device ID, an F0h's Device ID;
 * - the alias table: Alias Select and Alias Range map their devices to the
 *   Source Used Device ID;
 * - the IOAPIC and HPET (special devices) and ACPI HID devices (F0h, only
 *   in a 40h block: Linux refuses them elsewhere) with the RID their
 *   requests carry.
 * A start entry (03h, 43h, 47h) is remembered until the next End of Range;
 * Linux resets nothing after it, so an End of Range with no start of its own
 * reuses the previous one, alias or not (range-findings.ts reports that).
 */
import type { StructureNode } from '../../codec/index.js';
import type { IvrsAcpiHidEntry, IvrsDeviceEntry } from './model.js';
import { IvrsBlockType, IvrsUidFormat } from './spec.js';
import type { IvhdNode } from './linux-ivhds.js';

/** Device IDs first..last of the IVHD's segment. */
export interface DeviceIdSpan {
  first: number;
  last: number;
}

/** Devices first..last reach the IOMMU as `to` (an alias entry at `path`). */
export interface AliasSpan extends DeviceIdSpan {
  to: number;
  path: string;
  offset: number;
}

/** A special device (48h): an IOAPIC (variety 1, handle = APIC ID) or HPET (variety 2) whose interrupts carry `rid`. */
export interface SpecialDevice {
  variety: number;
  handle: number;
  rid: number;
  path: string;
  offset: number;
}

/** An ACPI device (F0h) by _HID and _UID, whose requests carry `rid`. */
export interface AcpiHidDevice {
  hid: string;
  uid: string;
  rid: number;
  path: string;
  offset: number;
}

export interface IvhdRecord {
  /** Device IDs this IOMMU translates, in the order Linux sets them (a later one wins). */
  claimed: (DeviceIdSpan & { path: string; offset: number })[];
  aliases: AliasSpan[];
  specials: SpecialDevice[];
  acpiHids: AcpiHidDevice[];
  /** F0h entries Linux refuses: in a block other than 40h ("Invalid IVHD device type"), or with no HID. */
  refusedHids: { path: string; offset: number }[];
}

/** init_iommu_from_acpi's walk of one IVHD whose segment's table ends at `lastBdf`. */
export function ivhdRecord(ivhd: IvhdNode, lastBdf: number): IvhdRecord {
  const out: IvhdRecord = { claimed: [], aliases: [], specials: [], acpiHids: [], refusedHids: [] };
  const claim = (first: number, last: number, at: StructureNode) => {
    if (first <= last) out.claimed.push({ first, last, path: at.path, offset: at.offset });
  };
  // The range state init_iommu_from_acpi keeps between entries.
  let start = 0;
  let aliasTo: number | undefined;
  for (const node of ivhd.node.items?.nodes ?? []) {
    const e = node.model as unknown as IvrsDeviceEntry;
    switch (e.type) {
      case 'All':
        claim(0, lastBdf, node);
        break;
      case 'Select':
      case 'ExtSelect':
        claim(e.deviceId, e.deviceId, node);
        break;
      case 'RangeStart':
      case 'ExtRangeStart':
        start = e.deviceId;
        aliasTo = undefined;
        break;
      case 'AliasRangeStart':
        start = e.deviceId;
        aliasTo = e.sourceDeviceId;
        break;
      case 'AliasSelect':
        claim(e.deviceId, e.deviceId, node);
        claim(e.sourceDeviceId, e.sourceDeviceId, node);
        out.aliases.push({ first: e.deviceId, last: e.deviceId, to: e.sourceDeviceId, path: node.path, offset: node.offset });
        break;
      case 'RangeEnd':
        if (aliasTo !== undefined) {
          if (start <= e.deviceId) out.aliases.push({ first: start, last: e.deviceId, to: aliasTo, path: node.path, offset: node.offset });
          claim(aliasTo, aliasTo, node);
        }
        claim(start, e.deviceId, node);
        break;
      case 'Special':
        out.specials.push({ variety: e.variety, handle: e.handle, rid: e.sourceDeviceId, path: node.path, offset: node.offset });
        claim(e.sourceDeviceId, e.sourceDeviceId, node);
        break;
      case 'AcpiHid': {
        const hid = acpiHid(ivhd.type, e, node);
        if (!hid) {
          out.refusedHids.push({ path: node.path, offset: node.offset });
          break;
        }
        out.acpiHids.push(hid);
        claim(e.deviceId, e.deviceId, node);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** An F0h entry as Linux takes it: only in a 40h block and with a HID; an integer UID is its first byte in decimal. */
function acpiHid(blockType: number, e: IvrsAcpiHidEntry, node: StructureNode): AcpiHidDevice | undefined {
  if (blockType !== IvrsBlockType.IVHD_40 || !e.hid) return undefined;
  const bytes = e.uid ?? new Uint8Array();
  const uid = e.uidFormat === IvrsUidFormat.INTEGER ? String(bytes[0] ?? 0) : e.uidFormat === IvrsUidFormat.STRING ? String.fromCharCode(...bytes) : '';
  return { hid: e.hid, uid, rid: e.deviceId, path: node.path, offset: node.offset };
}
