/** The IVRS findings' codes: each is its check's id (checks/ivrs/). */
export const IvrsCode = {
  /** An End of Range below its start: the range is empty to Linux. */
  rangeInverted: 'ivrs-range-inverted',
  /** An End of Range with no start entry since the last range. */
  rangeEndWithoutStart: 'ivrs-range-end-without-start',
  /** An entry names a device above the segment's last_bdf: Linux writes past its tables. */
  beyondLastBdf: 'ivrs-beyond-last-bdf',
  /** Two IOMMUs' IVHDs name one Device ID: Linux gives it to the later one. */
  ivhdOverlap: 'ivrs-ivhd-overlap',
  /** An IOMMU with no IVHD of the type Linux uses: Linux never sets it up. */
  ivhdTypeMissing: 'ivrs-ivhd-type-missing',
  /** No IOAPIC special entry: Linux disables interrupt remapping. */
  ioapicMissing: 'ivrs-ioapic-missing',
  /** With the MADT: an I/O APIC no IVRS special entry names ("IOAPIC[n] not in IVRS table"). */
  ioapicNotInIvrs: 'ivrs-ioapic-not-in-ivrs',
  /** With the MADT: no I/O APIC of the MADT is at the southbridge's 00:14.0 ("No southbridge IOAPIC found"). */
  noSouthbridgeIoapic: 'ivrs-no-southbridge-ioapic',
  /** IVinfo's EFRSup is clear while the IVHDs Linux uses carry an EFR image. */
  efrWithoutEfrSup: 'ivrs-efr-without-efrsup',
  /** HATDis (or EFR HATS 3): newer kernels use no host page tables, maybe no DMA translation. */
  hostTranslationDisabled: 'ivrs-host-translation-disabled',
  /** The IVHDs Linux uses carry different EFR images: Linux uses the features all have. */
  efrInconsistent: 'ivrs-efr-inconsistent',
  /** With a topology: an alias entry's Source Used Device ID is a RID no device of the topology uses. */
  aliasNoDevice: 'ivrs-alias-no-device',
  /** With a topology: a device's IVRS alias is not one the topology's bridges give it. */
  aliasMismatch: 'ivrs-alias-mismatch',
} as const;
