/**
 * The comparison as a user reads it: one line per PCI device with ridmap's
 * IOMMU and group beside Linux's, then the verdict on the group partitions.
 * (The JSON form is the Comparison itself.) Pure.
 */
import type { Comparison, DeviceVerdict } from '../model/linux-verdict.js';

export function formatComparisonText(c: Comparison): string {
  const rows = c.devices.map((d) => [d.id ?? '-', d.sbdf, side(d.ridmap, 'not in the topology'), side(d.linux, 'not seen by Linux'), verdict(d)]);
  const header = ['device', 'sbdf', 'ridmap', 'Linux', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const agreeing = c.devices.filter((d) => d.iommuAgrees).length;
  return [
    line(header),
    ...rows.map(line),
    '',
    c.groupDifferences.length === 0 ? 'group partitions: equal' : ['group partitions differ:', ...c.groupDifferences.map((g) => `  ${g}`)].join('\n'),
    `IOMMU: ${agreeing} of ${c.devices.length} devices agree`,
    c.agree ? 'Linux agrees with ridmap' : 'Linux DISAGREES with ridmap',
  ].join('\n') + '\n';
}

function side(s: DeviceVerdict['ridmap'], absent: string): string {
  if (s === null) return absent;
  if (s.unseen) return 'not seen by Linux';
  return s.iommu === null ? 'no IOMMU' : `${s.iommu} group ${s.group ?? '-'}`;
}

function verdict(d: DeviceVerdict): string {
  return d.iommuAgrees ? 'ok' : 'DIFFERENT IOMMU';
}
