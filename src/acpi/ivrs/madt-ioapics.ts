/**
 * The IVRS against the MADT's I/O APICs, as Linux's check_ioapic_information
 * (drivers/iommu/amd/init.c; the same in the 6.1, 6.12 and 7.3 series) reads
 * them before it turns interrupt remapping on:
 * - each I/O APIC of the MADT, in MADT order, is looked up by its APIC ID
 *   among the IOAPIC special entries (48h, variety 1) of the IVHDs Linux
 *   uses, the first entry for an ID winning (add_special_device appends,
 *   get_ioapic_devid takes the first);
 * - one that is not there: "IOAPIC[id] not in IVRS table", and the verdict
 *   becomes "disable"; one at 00:14.0 of segment 0 (IOAPIC_SB_DEVID, where
 *   every AMD southbridge puts it) is the southbridge's, and the verdict
 *   becomes "keep": the last of these in MADT order decides;
 * - no southbridge IOAPIC at all: "No southbridge IOAPIC found", and
 *   interrupt remapping is disabled.
 * Disabled interrupt remapping leaves DMA translation as it is, but with it
 * go x2APIC beyond 255 CPUs and posted interrupts for guests.
 * Kernel command-line overrides (ivrs_ioapic=) are not modelled.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { MadtIoApic, MadtSubject } from '../madt/model.js';
import { madtSpec } from '../madt/spec.js';
import { formatSbdf } from '../../model/rid.js';
import { structureTree } from '../../codec/index.js';
import { IvrsCode } from './codes.js';
import type { IvrsReading } from './resolve.js';
import { IvrsSpecialVariety } from './spec.js';

/** IOAPIC_SB_DEVID: 00:14.0, the southbridge's SMBus function. */
const SOUTHBRIDGE_RID = 0x00a0;

/**
 * What Linux says about the MADT's I/O APICs given the IVRS (nothing when
 * no IVHD is used, or when the IVRS names no IOAPIC at all: ivrs-ioapic-missing
 * says that, MADT or not).
 */
export function madtIoapicFindings(reading: IvrsReading, madt: MadtSubject): Diagnostic[] {
  const specials = new Map<number, { segment: number; rid: number }>();
  for (const iommu of reading.iommus) {
    for (const s of iommu.record.specials) {
      if (s.variety === IvrsSpecialVariety.IOAPIC && !specials.has(s.handle)) specials.set(s.handle, { segment: iommu.block.pciSegment, rid: s.rid });
    }
  }
  if (!specials.size) return [];
  const nodes = structureTree(madtSpec(), madt.model as never, madt.name).items?.nodes ?? [];
  const ioapics = nodes.filter((n) => (n.model as { type?: unknown }).type === 'IoApic');
  if (!ioapics.length) return [];

  let keep = false;
  let southbridge = false;
  const missing: (typeof ioapics)[number][] = [];
  for (const node of ioapics) {
    const io = node.model as unknown as MadtIoApic;
    const devid = specials.get(io.id);
    if (!devid) {
      keep = false;
      missing.push(node);
    } else if (devid.segment === 0 && devid.rid === SOUTHBRIDGE_RID) {
      southbridge = true;
      keep = true;
    }
  }
  const type = reading.type === undefined ? '' : ` of type ${reading.type.toString(16).padStart(2, '0')}h`;
  const verdict = keep
    ? 'but still enables interrupt remapping, because the southbridge IOAPIC comes later in the MADT'
    : 'and disables interrupt remapping ("Disabling interrupt remapping"; DMA translation is unaffected)';
  const out: Diagnostic[] = missing.map((node) => {
    const io = node.model as unknown as MadtIoApic;
    return {
      severity: 'warning',
      code: IvrsCode.ioapicNotInIvrs,
      file: madt.file,
      path: node.path,
      offset: node.offset,
      message:
        `I/O APIC ID ${io.id} (0x${io.id.toString(16)}; GSI base ${io.globalIrqBase}, at 0x${io.address.toString(16)}) has no IOAPIC ` +
        `special device entry (48h, variety 1, Handle ${io.id}) in the IVHDs${type} Linux uses: Linux prints ` +
        `"[Firmware Bug]: IOAPIC[${io.id}] not in IVRS table" ${verdict}`,
    };
  });
  if (!southbridge) {
    const named = [...specials].map(([id, d]) => `IOAPIC[${id}] at ${formatSbdf(d.segment, d.rid)}`).join(', ');
    out.push({
      severity: 'warning',
      code: IvrsCode.noSouthbridgeIoapic,
      file: madt.file,
      path: ioapics[0]!.path,
      offset: ioapics[0]!.offset,
      message:
        `no I/O APIC of the MADT has its IVRS special entry at 00:14.0 of segment 0, where Linux expects the southbridge IOAPIC ` +
        `(the IVRS names ${named}): Linux prints "[Firmware Bug]: No southbridge IOAPIC found" and disables interrupt remapping ` +
        '(DMA translation is unaffected)',
    });
  }
  return out;
}
