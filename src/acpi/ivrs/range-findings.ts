/**
 * What an IVHD's device ranges say, walked as Linux's init_iommu_from_acpi
 * walks them: a start entry (03h, 43h, 47h) remembers its Device ID, and the
 * next End of Range (04h) applies the start's settings to every device from
 * it to the end's Device ID. Linux checks neither order nor pairing: an end
 * below its start covers no device at all, and an end with no start since
 * the last range reuses the previous start's Device ID (0 at the start of
 * the IVHD), so it covers devices the firmware never listed.
 */
import { structureTree, type Model, type StructureNode } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { formatSbdf } from '../../model/rid.js';
import { IvrsCode } from './codes.js';
import { ivrsSpec } from './spec.js';


const RANGE_STARTS = new Set(['RangeStart', 'AliasRangeStart', 'ExtRangeStart']);
const IVHDS = new Set(['IVHD10', 'IVHD11', 'IVHD40']);

export function ivrsRangeFindings(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const block of structureTree(ivrsSpec(), model, 'IVRS').items?.nodes ?? []) {
    if (IVHDS.has(String(block.model['type']))) rangesOf(block, out);
  }
  return out;
}

function rangesOf(ivhd: StructureNode, out: Diagnostic[]): void {
  const segment = Number(ivhd.model['pciSegment']);
  const rid = (e: StructureNode) => formatSbdf(segment, Number(e.model['deviceId']));
  let start: StructureNode | undefined;
  let previous: StructureNode | undefined;
  for (const e of ivhd.items?.nodes ?? []) {
    const type = String(e.model['type']);
    if (RANGE_STARTS.has(type)) {
      start = e;
      continue;
    }
    if (type !== 'RangeEnd') continue;
    if (!start) {
      const from = previous ? `the earlier start at ${rid(previous)}` : `${formatSbdf(segment, 0)} (no start yet in this IVHD)`;
      out.push({ severity: 'error', code: IvrsCode.rangeEndWithoutStart, path: e.path, offset: e.offset,
        message: `End of Range ${rid(e)} follows no start entry: Linux applies it from ${from}, to devices the table never listed` });
    } else if (Number(start.model['deviceId']) > Number(e.model['deviceId'])) {
      out.push({ severity: 'error', code: IvrsCode.rangeInverted, path: e.path, offset: e.offset,
        message: `the range from ${rid(start)} (${start.path}) ends at ${rid(e)}, below its start: Linux sets up no device of it` });
    }
    previous = start ?? previous;
    start = undefined;
  }
}
