/**
 * What makes two MADT structures "the same one" in two tables, for the diff:
 * each by the ID the OS knows it by (a processor by its APIC ID or UID, an
 * I/O APIC by its I/O APIC ID, a GIC ITS by its Translation ID, ...);
 * structures without one (overrides, NMIs, wakeup) pair by position.
 */
import type { Model } from '../../codec/index.js';
import { formatAddress } from '../../model/address.js';

const by = (label: string, key: string) => (m: Model) => `${label} ${String(m[key])}`;
const at = (label: string) => (m: Model) => `${label} ${formatAddress(m['baseAddress'] as bigint)}`;

/** By the declarations' typeNames. */
export const MADT_IDENTITIES: Readonly<Record<string, (m: Model) => string>> = {
  MadtLocalApic: by('Local APIC ID', 'id'),
  MadtIoApic: by('I/O APIC ID', 'id'),
  MadtInterruptOverride: by('IRQ', 'sourceIrq'),
  MadtIoSapic: by('I/O SAPIC ID', 'id'),
  MadtLocalSapic: by('Local SAPIC ID', 'id'),
  MadtLocalX2apic: by('x2APIC ID', 'localApicId'),
  MadtGicc: by('GICC UID', 'uid'),
  MadtGicd: by('GICD ID', 'gicId'),
  MadtGicMsiFrame: by('GIC MSI Frame ID', 'msiFrameId'),
  MadtGicr: at('GICR'),
  MadtGicIts: by('GIC ITS ID', 'translationId'),
  MadtRintc: by('RINTC hart', 'hartId'),
  MadtAplic: by('APLIC ID', 'id'),
  MadtPlic: by('PLIC ID', 'id'),
  MadtGicv5Irs: by('GICv5 IRS ID', 'irsId'),
  MadtGicv5Its: by('GICv5 ITS ID', 'translatorId'),
  MadtGicv5ItsTranslate: by('GICv5 ITS translate frame ID', 'translateFrameId'),
};
