/**
 * What iasl's own table compilers (ACPICA source/compiler/dttable*.c) do
 * otherwise than the generic walk, each with where it is. A newer iasl that
 * changes one is a change here, nowhere else.
 */

/**
 * Offset fields iasl writes as the source gives them, even for an empty part,
 * keyed `<StructSpec typeName>.<placed member key>`. Every other offset field
 * is computed, 0 for an empty part (DtCompileIort and DtCompileRimt zero an
 * empty ID mapping array's offset), except those of OFFSET_IN_PLACE.
 *
 * - RIMT IOMMU node: DtCompileRimt neither counts nor places the interrupt
 *   wires; Number of interrupt wires and Interrupt wire array offset are
 *   compiled as written (iasl's template has 0 wires at offset 28h).
 */
export const OFFSET_AS_WRITTEN: ReadonlySet<string> = new Set(['RimtIommu.interruptWires']);

/**
 * Offset fields iasl sets to where their part would start even when it is
 * empty (it places each part at the node's length so far and does not zero
 * the offset after), keyed as above.
 *
 * - IORT SMMUv1/v2 node: Context Interrupt Offset and PMU Interrupt Offset
 *   (DtCompileIort, ACPI_IORT_NODE_SMMU).
 * - IORT RMR node: RMR Descriptor Offset (DtCompileIort, ACPI_IORT_NODE_RMR).
 */
export const OFFSET_IN_PLACE: ReadonlySet<string> = new Set(['IortSmmu.contextInterrupts', 'IortSmmu.pmuInterrupts', 'IortRmr.memoryRanges']);

/**
 * Parts after a name whose offset field, when the source has no Padding line
 * before them, places them: iasl fills the bytes from the name's end to the
 * offset written with zeros ("Optionally allows the offset of the ID
 * mappings to be used for filling this field"), keyed as above.
 *
 * - IORT named component: DtCompileIort, ACPI_IORT_NODE_NAMED_COMPONENT.
 * - RIMT platform device: DtCompileRimt, ACPI_RIMT_NODE_TYPE_PLAT_DEVICE.
 */
export const OFFSET_PADS: ReadonlySet<string> = new Set(['IortNamedComponent.idMappings', 'RimtPlatformDevice.idMappings']);
