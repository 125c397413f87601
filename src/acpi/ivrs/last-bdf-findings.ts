/**
 * Entries that name a device above their segment's last_bdf. Linux sizes
 * the segment's device, alias and IOMMU lookup tables by the highest Device
 * ID of a Select, End of Range, Alias Select or Extended Select entry
 * (find_last_devid_acpi), but then writes an entry for every device an entry
 * names: a Start of Range, an alias's Source Used Device ID or a special
 * device above that writes past the end of the tables, and the device is not
 * translated (check_device refuses Device IDs above last_bdf).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { formatSbdf } from '../../model/rid.js';
import { IvrsCode } from './codes.js';
import type { IvrsReading } from './resolve.js';

export function lastBdfFindings(reading: IvrsReading): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const iommu of reading.iommus) {
    const segment = iommu.block.pciSegment;
    const last = reading.lastBdf.get(segment)!;
    for (const c of iommu.record.claimed) {
      if (c.last <= last || seen.has(c.path)) continue;
      seen.add(c.path);
      const from = Math.max(c.first, last + 1);
      const span = from === c.last ? formatSbdf(segment, from) : `${formatSbdf(segment, from)}-${formatSbdf(segment, c.last)}`;
      out.push({
        severity: 'error',
        code: IvrsCode.beyondLastBdf,
        path: c.path,
        offset: c.offset,
        message:
          `${span} is above ${formatSbdf(segment, last)}, the highest Device ID Linux counts in segment ${segment} ` +
          '(Select, End of Range, Alias Select and Extended Select entries): Linux sizes its tables by that, writes this entry past ' +
          'their end, and does not translate the device',
      });
    }
  }
  return out;
}
