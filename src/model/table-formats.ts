/**
 * What ridmap knows about each table format beside its declaration, one row
 * per format (the checks, and which tables of a dump Linux reads):
 *
 * - keyedBy: DMAR names devices by topology paths from a root bus, which no
 *   OS renumbers; VIOT, IORT and Device Tree maps name live RIDs, which are
 *   right only while the OS keeps the firmware's bus numbers. So a device
 *   that changes IOMMU or output ID under renumbering is an error for a
 *   path-keyed table and a warning (a known limit of the format) for a
 *   RID-keyed one.
 * - describes: which IOMMUs (by identity, DESIGN.md) the format can name. A
 *   device behind an IOMMU the format cannot name is not that table's
 *   business: a DMAR says nothing about a virtio-iommu.
 *
 * Facts from the specifications (reference/formats.md §2-5, §7); a new format
 * adds a row.
 */
export interface FormatInfo {
  format: string;
  keyedBy: 'path' | 'rid';
  describes(iommuIdentity: string): boolean;
  /**
   * Linux reads only the first table of this signature (acpi_get_table(sig,
   * 0, ...): drivers/iommu/intel/dmar.c dmar_table_detect, drivers/acpi/arm64/
   * iort.c acpi_iort_init, drivers/acpi/viot.c acpi_viot_init); later ones in
   * the same dump are ignored.
   */
  firstOnly?: true;
}

const FORMATS: readonly FormatInfo[] = [
  { format: 'DMAR', keyedBy: 'path', describes: (id) => id.startsWith('vtd@'), firstOnly: true },
  { format: 'VIOT', keyedBy: 'rid', describes: (id) => id.startsWith('virtio-iommu-'), firstOnly: true },
  { format: 'IORT', keyedBy: 'rid', describes: (id) => id.startsWith('smmuv3@') || id.startsWith('smmuv2@'), firstOnly: true },
  // Not modelled yet (its map is empty, with a gap), but what it can name is known.
  { format: 'IVRS', keyedBy: 'rid', describes: (id) => id.startsWith('amd-vi@') },
  // drivers/acpi/riscv/rimt.c riscv_acpi_rimt_init: acpi_get_table(ACPI_SIG_RIMT, 0, ...).
  { format: 'RIMT', keyedBy: 'rid', describes: (id) => id.startsWith('riscv-iommu'), firstOnly: true },
  // iommu-map and iommus name any IOMMU node.
  { format: 'DT', keyedBy: 'rid', describes: () => true },
];

/** The row of a format; an unknown one is treated as RID-keyed and able to name any IOMMU (the cautious reading). */
export function formatInfo(format: string): FormatInfo {
  return FORMATS.find((f) => f.format === format) ?? { format, keyedBy: 'rid', describes: () => true };
}
