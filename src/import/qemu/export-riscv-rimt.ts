/**
 * What QEMU's own RIMT says of an exported RISC-V virt line with a
 * riscv-iommu-pci: QEMU 11.1's build_rimt (hw/riscv/virt-acpi-build.c) gives
 * the root complex one ID mapping, from the IOMMU's B/D/F + 1 to the end,
 * so every RID below the IOMMU's is left out (its DT iommu-map covers
 * them). The map the line stands for is the topology's (import qemu reads it
 * so, and ridmap boot injects ridmap's RIMT); booted on QEMU's own tables,
 * Linux leaves those functions untranslated. Said as a warning, by name.
 */
import { formatBdf } from '../../model/rid.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import type { RiscvIommuPci } from '../../model/topology-schema.js';
import type { ExportReport } from './export-problems.js';

/** How many function ids the warning names before it counts the rest. */
const NAMED = 8;

export function warnQemuRimtShortfall(resolved: ResolvedTopology, unit: RiscvIommuPci, report: ExportReport): void {
  const devices = resolved.map.devices ?? [];
  const iommuFn = devices.find((d) => d.id === unit.device);
  if (!iommuFn) return;
  const below = devices.filter((d) => d.iommu !== null && d.aliases.some((r) => r < iommuFn.rid)).map((d) => d.id);
  if (below.length === 0) return;
  const named = below.slice(0, NAMED).join(', ') + (below.length > NAMED ? ` and ${below.length - NAMED} more` : '');
  report.note(
    'qemu-export-firmware-differs',
    'iommus[0].device',
    `QEMU's own RIMT maps only the RIDs after its riscv-iommu-pci's (${formatBdf(iommuFn.rid)}), so Linux booted on QEMU's tables (ridmap boot --tables qemu) leaves ${named} untranslated; ridmap's RIMT (ridmap build, ridmap boot) maps them as the topology does`,
    'warning',
  );
}
