/**
 * Stable diagnostic codes of the IORT decoder, encoder, builder and resolver.
 * Negative fixtures in test/fixtures/iort are named after them.
 */
export const IortCode = {
  // --- decode: the bytes
  /** Table revision 1, 2 or 4 (issues E, E.a, E.c): known issues, unsupported by ACPICA and Linux; decoded anyway (warning). */
  unsupportedRevision: 'iort-unsupported-revision',
  /** Node Offset inside the 48-byte header or past the table end (error). */
  nodeOffset: 'iort-node-offset',
  /** Node Count says more nodes than the table holds (error). */
  nodeCount: 'iort-node-count',
  /** A node with Length 0: the walk stops there (error). */
  nodeZeroLength: 'iort-node-zero-length',
  /** A node shorter than its header or its type's fixed fields; kept as raw bytes (error). */
  nodeShort: 'iort-node-short',
  /** A node runs past the end of the table (error). */
  nodeBeyondTable: 'iort-node-beyond-table',
  /** A reserved node type; kept as raw bytes (warning). */
  unknownNodeType: 'iort-unknown-node-type',
  /** An array (ID mappings, interrupts, descriptors) not inside its node's Length; the node is kept raw (error). */
  arrayOutsideNode: 'iort-array-outside-node',
  /** Two arrays of one node overlap, or one overlaps the fixed fields; the node is kept raw (error). */
  arrayOverlap: 'iort-array-overlap',
  /** A device name without its NUL before the node's arrays (error). */
  nameUnterminated: 'iort-name-unterminated',
  /** The bytes went through a text conversion: UTF-8 replacement sequences (EF BF BD) where bytes ≥ 0x80 were (error). */
  textMangled: 'iort-text-mangled',
  /** Bytes after the last of Node Count nodes, which Linux never reads; kept (warning). */
  bytesAfterNodes: 'iort-bytes-after-nodes',
  /** Bytes inside a node after its last part (unused mapping slots, ...); kept (info). */
  nodeUnusedBytes: 'iort-node-unused-bytes',
  /** A reference (output reference, PMCG node reference) that is no node's start; kept as its offset (error). */
  danglingReference: 'iort-dangling-reference',

  // --- encode: the model
  /** The model cannot be laid out (unknown node type, reference to no node, a node over 64 KiB, ...) (error). */
  invalidModel: 'iort-invalid-model',

  // --- resolve: what Linux makes of it
  /** A mapping's last ID is the next mapping's first: QEMU's off-by-one before its 2024 fix (warning). */
  idMappingOverlap: 'iort-id-mapping-overlap',
  /** A node maps IDs to itself (error). */
  selfReference: 'iort-self-reference',
  /** Output references form a cycle; the walk gives up after MAX_WALK_STEPS (error). */
  referenceCycle: 'iort-reference-cycle',
  /** The single-mapping flag on a mapping Linux consults for a node type other than NC and RC (warning). */
  singleMappingNotAllowed: 'iort-single-mapping-not-allowed',
  /** Two root complexes with one PCI segment; Linux uses the first (warning). */
  rcSegmentDuplicate: 'iort-rc-segment-duplicate',
  /** SMMUv3 DeviceID mapping index at or past its mapping count, where Linux uses it (warning). */
  deviceIdIndex: 'iort-device-id-index',
  /** RMR nodes in a table older than revision 5 (E.d), which Linux ignores (warning). */
  rmrIgnored: 'iort-rmr-ignored',
  /** A named component with mappings Linux uses only with a bus-supplied input ID (info). */
  namedComponentInputIds: 'iort-nc-input-ids',
  /** A root complex whose ID mappings all start above 0xffff: no 16-bit PCI RID can match them (warning). */
  rcMappingUnreachable: 'iort-rc-mapping-unreachable',
  /** PCI RIDs a root complex routes, or a named component, whose MSI walk reaches no ITS group (Linux skips the SMMUv3's own DeviceID mapping) (error). */
  msiUnreachable: 'iort-msi-unreachable',
  /** PCI RIDs of different requesters whose MSI walks reach one ITS group with the same DeviceID (warning). */
  msiDeviceIdShared: 'iort-msi-device-id-shared',
  /** A PCI RID or platform device cannot be expressed in IORT (an IOMMU that is no SMMU, ...) (error). */
  cannotExpress: 'iort-cannot-express',
  /** With the MADT: an ITS group identifier no MADT GIC ITS structure has; Linux finds no MSI domain for it (warning). */
  itsNotInMadt: 'iort-its-not-in-madt',
} as const;
