/**
 * The IVRS's checks that its finding functions make, as rows (ids, severities,
 * where each finding comes from, what `decode` does with it): plain data, so
 * that `decode` (decode-findings.ts) reads which findings it shows without
 * building the checks (index.ts builds them from these rows).
 */
import { IvrsCode } from '../../acpi/ivrs/codes.js';
import type { FormatFindings } from '../table-findings.js';

export const IVRS_FINDINGS: FormatFindings = {
  format: 'IVRS',
  rows: [
    {
      id: IvrsCode.rangeInverted,
      severity: 'error',
      decode: 'shown',
      description: 'an IVHD\'s End of Range has a Device ID below its range\'s start: Linux sets up no device of the range',
    },
    {
      id: IvrsCode.rangeEndWithoutStart,
      severity: 'error',
      decode: 'shown',
      description:
        'an IVHD\'s End of Range follows no start entry (03h, 43h, 47h): Linux applies it from the previous range\'s start, ' +
        'or from device 0 of the segment, to devices the table never listed',
    },
    {
      id: IvrsCode.beyondLastBdf,
      severity: 'error',
      decode: 'shown',
      description:
        'an entry (a Start of Range, an alias\'s Source Used Device ID, a special device) names a device above the highest Device ID ' +
        'Linux sizes its tables by (Select, End of Range, Alias Select, Extended Select entries): Linux writes past its tables and ' +
        'does not translate the device',
    },
    {
      id: IvrsCode.ivhdOverlap,
      severity: 'error',
      decode: 'shown',
      description:
        'the IVHDs of two IOMMUs (of the type Linux uses) name one Device ID: Linux gives the device to the later IVHD\'s IOMMU, ' +
        'so only the table order decides which IOMMU translates it',
    },
    {
      id: IvrsCode.ivhdTypeMissing,
      severity: 'error',
      decode: 'shown',
      description:
        'an IOMMU has IVHDs, but none of the type Linux uses (the last type given to the first block\'s Device ID, e.g. a 10h ' +
        'without the 11h/40h the others have): Linux never sets the IOMMU up and its devices are not translated',
    },
    {
      id: IvrsCode.ioapicMissing,
      severity: 'warning',
      decode: 'shown',
      description:
        'no IVHD Linux uses names an IOAPIC (special device entry, variety 1): Linux finds no southbridge IOAPIC and disables ' +
        'interrupt remapping (DMA translation is unaffected); when some IOAPIC is named, the MADT\'s I/O APICs are compared by ' +
        'ivrs-ioapic-not-in-ivrs and ivrs-no-southbridge-ioapic',
    },
    {
      id: IvrsCode.efrWithoutEfrSup,
      severity: 'warning',
      decode: 'shown',
      description:
        'IVinfo\'s EFRSup is clear, yet an 11h/40h IVHD Linux uses carries an EFR image: Linux ignores the image for the ' +
        'IOMMU\'s features but still takes GA and x2APIC support from it',
    },
    {
      id: IvrsCode.efrInconsistent,
      severity: 'warning',
      decode: 'shown',
      description:
        'with EFRSup set, the IVHDs Linux uses carry different EFR images: Linux reports a firmware bug and uses only the ' +
        'features every image has, for every IOMMU',
    },
    {
      id: IvrsCode.hostTranslationDisabled,
      severity: 'warning',
      decode: 'shown',
      description:
        'an 11h/40h IVHD Linux uses sets HATDis (Attributes bit 0) or has EFR HATS 3: kernels after the 6.12 series use no host ' +
        'page tables, and without guest translation (EFR GT and GIOSup) translate no DMA at all; the map shows older kernels\' answer',
    },
    {
      id: IvrsCode.aliasNoDevice,
      severity: 'warning',
      from: 'map',
      needsTopology: true,
      description:
        'with a topology: an alias entry (42h, 43h) maps devices to a Source Used Device ID that no device of the topology ' +
        'sends requests with (no function has it, no bridge gives it as an alias)',
    },
    {
      id: IvrsCode.aliasMismatch,
      severity: 'warning',
      from: 'map',
      needsTopology: true,
      description:
        'with a topology: the IVRS gives a device an alias its bridges do not; Linux sets the device up under both RIDs, ' +
        'and the map lists both',
    },
  ],
};
