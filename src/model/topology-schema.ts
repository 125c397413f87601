/**
 * The topology description: one TypeBox declaration that is at once the
 * TypeScript type, the run-time validator's schema and the JSON Schema file
 * written to schema/topology.schema.json (for editor completion).
 *
 * Only what a firmware author chooses is input. Everything derived (bus
 * numbers, RIDs, aliases, groups, table offsets) is computed later, so a
 * topology never states a fact twice.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const doc = <T extends TSchema>(description: string, schema: T): T =>
  ({ ...schema, description }) as T;

/** Identifiers name things across the document; QEMU-style `pcie.0` is allowed. */
export const Id = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_.:@-]*$',
  description: 'Unique name of this object; other objects refer to it by this name.',
});

/** Non-negative integer; YAML hex literals (0xfed90000) arrive as numbers. */
const UInt = (max: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: max, description });

/**
 * A 64-bit address. Numbers above 2^53 cannot be exact in YAML/JSON, so a
 * hex string is accepted as well.
 */
export const Address = Type.Union(
  [
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    Type.String({ pattern: '^0[xX][0-9a-fA-F]{1,16}$' }),
  ],
  { description: 'Address: an integer, or a hex string such as "0x8000000000" for values above 2^53.' },
);

/**
 * Text only: an unquoted YAML `10.0` is the number 10 and `03.1` the number
 * 3.1, so a number here is never what the author wrote (issue 14).
 */
export const DevfnText = Type.String({
  pattern: '^[0-9a-fA-F]{1,2}\\.[0-7]$',
  description: 'Device and function on the parent bus: "dd.f" in hex like lspci, as quoted text (YAML reads an unquoted 10.0 as the number 10).',
});

export const BdfText = Type.String({
  pattern: '^[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\\.[0-7]$',
  description: 'Bus:device.function in hex, e.g. "f0:1f.0".',
});

export const ReservedRegion = Type.Object(
  {
    base: Address,
    size: doc('Size in bytes (RMRR/RMR regions are 4 KiB or 64 KiB granular).', Address),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'Memory the device DMAs to before the OS takes over (RMRR, IORT RMR).' },
);

/** What an IOMMU can do; used to find address spaces that span incompatible units. */
export const IommuCapabilities = Type.Object(
  {
    pageTableFormats: Type.Optional(
      doc(
        'Page-table formats the unit walks (e.g. "vtd-sl", "vtd-fl", "arm-lpae-s1", "arm-lpae-s2", "amd-v1", "amd-v2", "virtio"). ' +
          'Compared in an address space: units with no format in common cannot share it.',
        Type.Array(Type.String(), { uniqueItems: true }),
      ),
    ),
    pageSizes: Type.Optional(
      doc(
        'Page sizes the unit maps, in bytes, each a power of two (SMMUv3 IDR5 granules and their block sizes, VT-d 4 KiB plus ' +
          'the super pages of CAP.SLLPS, virtio-iommu page_size_mask, e.g. [4096, 2097152, 1073741824]); the smallest is its granule. ' +
          'Compared in an address space: no common size, or different granules, is incompatible-iommus.',
        Type.Array(Type.Integer({ minimum: 1, maximum: 2 ** 52, description: 'page size in bytes (a power of two)' }), { uniqueItems: true, minItems: 1, maxItems: 64 }),
      ),
    ),
    inputAddressBits: Type.Optional(
      UInt(64, 'IOVA width the unit translates (SMMUv3 IAS/VAS, VT-d MGAW or aw-bits, virtio-iommu input_range). Compared in an address space.'),
    ),
    outputAddressBits: Type.Optional(
      UInt(64, 'Physical address width the unit produces (SMMUv3 OAS, VT-d HAW). Compared in an address space: memory above the narrower width cannot be mapped.'),
    ),
    pasidBits: Type.Optional(
      UInt(20, 'PASID / SubstreamID width (SMMUv3 SSIDSIZE, VT-d ECAP.PSS + 1, AMD-Vi PASmax + 1); 0 = none. Compared when a device of the space has ats: true.'),
    ),
    coherent: Type.Optional(
      doc('Page-table walks are cache coherent. For an SMMU the same fact as its coherent (SMMUv3) or coherentWalk (SMMUv1/v2): set either; both must agree. Compared in an address space.', Type.Boolean()),
    ),
    stall: Type.Optional(doc('Stall model for faults (SMMU). How faults are reported, not what the page tables hold: not compared.', Type.Boolean())),
    pri: Type.Optional(doc('Page request interface. How faults are reported, not what the page tables hold: not compared.', Type.Boolean())),
  },
  { additionalProperties: false },
);

const iommuCommon = {
  id: Id,
  capabilities: Type.Optional(IommuCapabilities),
  proximityDomain: Type.Optional(UInt(0xffffffff, 'NUMA proximity domain (DMAR RHSA, IORT SMMUv3 PXM).')),
};

export const VtdUnit = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('vtd'),
    base: doc('Register base address.', Address),
    segment: Type.Optional(UInt(0xffff, 'PCI segment the unit serves (default 0).')),
    includeAll: Type.Optional(
      doc('INCLUDE_PCI_ALL: the unit takes every device of its segment that no other unit claims.', Type.Boolean()),
    ),
    registerSetSize: Type.Optional(UInt(15, 'DRHD Size field: register set is 2^N 4 KiB pages.')),
    atsRequired: Type.Optional(doc('DRHD flag ATSR-required (bit 1).', Type.Boolean())),
  },
  { additionalProperties: false, description: 'Intel VT-d remapping hardware unit (DMAR DRHD).' },
);

const Gsiv = (what: string) => UInt(0xffffffff, `${what} GSIV (interrupt number).`);

export const SmmuV3 = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('smmuv3'),
    base: Address,
    model: Type.Optional(Type.Union([Type.Literal('generic'), Type.Literal('hisilicon-hi161x'), Type.Literal('cavium-cn99xx')])),
    interrupts: Type.Optional(
      Type.Object(
        { event: Gsiv('Event queue'), pri: Gsiv('PRI queue'), gerror: Gsiv('Global error'), sync: Gsiv('CMD_SYNC') },
        { additionalProperties: false },
      ),
    ),
    coherent: Type.Optional(
      doc('COHACC override: the SMMU accesses memory coherently (IORT COHACC, DT dma-coherent). The same fact as capabilities.coherent: set either; both must agree.', Type.Boolean()),
    ),
    httu: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('access'), Type.Literal('access-dirty')])),
    vatos: Type.Optional(doc('VATOS register base, if present.', Address)),
    msiController: Type.Optional(doc('ITS group that receives the SMMU\'s own MSIs and its masters\' MSIs.', Id)),
    deviceId: Type.Optional(UInt(0xffffffff, "The SMMU's own MSI DeviceID (IORT single mapping to the ITS).")),
  },
  { additionalProperties: false, description: 'Arm SMMUv3.' },
);

const InterruptSpec = Type.Object(
  { gsiv: Gsiv('Interrupt'), edge: Type.Optional(doc('Edge triggered (default level).', Type.Boolean())) },
  { additionalProperties: false },
);

export const SmmuV2 = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('smmuv2'),
    base: Address,
    span: doc('Size of the register frame.', Address),
    model: Type.Optional(
      Type.Union([
        Type.Literal('generic-v1'),
        Type.Literal('generic-v2'),
        Type.Literal('mmu-400'),
        Type.Literal('mmu-500'),
        Type.Literal('mmu-401'),
        Type.Literal('cavium-thunderx'),
      ]),
    ),
    dvm: Type.Optional(Type.Boolean()),
    coherentWalk: Type.Optional(
      doc('Page-table walks are coherent (IORT Coherent Walk, DT dma-coherent). The same fact as capabilities.coherent: set either; both must agree.', Type.Boolean()),
    ),
    globalInterrupts: Type.Optional(Type.Array(InterruptSpec, { maxItems: 2 })),
    contextInterrupts: Type.Optional(Type.Array(InterruptSpec)),
    pmuInterrupts: Type.Optional(Type.Array(InterruptSpec)),
    msiController: Type.Optional(
      doc('ITS group that receives its masters\' MSIs: the IORT maps the stream IDs it hands on to DeviceIDs there.', Id),
    ),
  },
  { additionalProperties: false, description: 'Arm SMMUv1/v2 (MMU-400/500 and friends).' },
);

export const VirtioIommuPci = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('virtio-iommu-pci'),
    device: doc('Id of the PCI function in hostBridges that is the virtio-iommu.', Id),
  },
  { additionalProperties: false, description: 'virtio-iommu on virtio-pci.' },
);

export const VirtioIommuMmio = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('virtio-iommu-mmio'),
    base: Address,
    interrupt: Type.Optional(Gsiv('virtio-mmio')),
  },
  { additionalProperties: false, description: 'virtio-iommu on virtio-mmio.' },
);

/**
 * An AMD-Vi IOMMU: what its IVRS IVHD says (AMD IOMMU specification, section
 * 5.2.2). The IOMMU is itself a PCI function (on q35 QEMU puts it on bus 0),
 * which Linux needs to find and never translates. The devices it serves are
 * the ones assigned to it (`iommu`), its I/O APICs and HPETs are `ioapics` and
 * `hpets` naming it (IVHD special entries), reserved memory of its devices
 * becomes IVMD unity ranges.
 */
export const AmdViUnit = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('amd-vi'),
    base: doc('IOMMU Base Address: the register base.', Address),
    segment: Type.Optional(UInt(0xffff, 'PCI segment the unit serves (IVHD PCI Segment Group, default 0).')),
    device: doc('Id of the PCI function in hostBridges that is the IOMMU itself (the IVHD DeviceId).', Id),
    capabilityOffset: Type.Optional(UInt(0xff, 'Offset of the IOMMU capability in that function\'s configuration space (default 0x40).')),
    info: Type.Optional(UInt(0xffff, 'IVHD IOMMU Info: MSI number (bits 4:0) and UnitID (bits 12:8); default 0.')),
    ivhdFlags: Type.Optional(
      UInt(0xff, 'IVHD Flags as type 10h has them (HtTunEn, PassPW, ResPassPW, Isoc, IotlbSup, Coherent, PrefSup, PPRSup); type 11h gets bits 5:0. Default: Coherent when capabilities.coherent.'),
    ),
    featureReporting: Type.Optional(UInt(0xffffffff, 'IVHD type 10h IOMMU Feature Reporting (default 0).')),
    efr: Type.Optional(
      doc('Extended Feature Register image. With it the IVRS carries a type 11h IVHD beside the 10h and IVinfo says EFRSup; Linux takes the EFR from the 11h.', Address),
    ),
  },
  { additionalProperties: false, description: 'AMD-Vi IOMMU (IVRS IVHD).' },
);

export const RiscvIommu = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('riscv-iommu'),
    base: doc('Register base address (RIMT IOMMU node Base Address: Linux binds the platform device whose first MMIO resource starts here).', Address),
    interrupts: Type.Optional(
      doc('Wired interrupts (RIMT interrupt wires), for an IOMMU that does not signal by MSI; active high.', Type.Array(InterruptSpec)),
    ),
  },
  { additionalProperties: false, description: 'RISC-V IOMMU as a platform device (RIMT IOMMU node, RSCV0004).' },
);

export const RiscvIommuPci = Type.Object(
  {
    ...iommuCommon,
    type: Type.Literal('riscv-iommu-pci'),
    device: doc('Id of the PCI function in hostBridges that is the RISC-V IOMMU (RIMT IOMMU node flagged PCIe IOMMU).', Id),
  },
  { additionalProperties: false, description: 'RISC-V IOMMU as a PCIe function (QEMU riscv-iommu-pci).' },
);

export const Iommu = Type.Union([VtdUnit, SmmuV3, SmmuV2, VirtioIommuPci, VirtioIommuMmio, AmdViUnit, RiscvIommu, RiscvIommuPci]);

export const ItsGroup = Type.Object(
  {
    id: Id,
    type: Type.Literal('its'),
    itsIds: doc('GIC ITS identifiers (from MADT) in this group.', Type.Array(UInt(0xffffffff, 'ITS ID'), { minItems: 1 })),
    base: Type.Optional(doc('ITS translation register frame (for the DT msi-controller node).', Address)),
  },
  { additionalProperties: false, description: 'GIC ITS group: the MSI controller of Arm systems.' },
);

/** Fields that say which IOMMU a subtree or device goes through; inherited downward. */
const assignment = {
  iommu: Type.Optional(doc('IOMMU that translates this node and everything below it (inherited).', Id)),
  bypassIommu: Type.Optional(doc('This node and everything below it bypass the IOMMU (untranslated).', Type.Boolean())),
  streamIdBase: Type.Optional(
    UInt(0xffffffff, 'Output ID (StreamID / endpoint ID) of the first RID of this node\'s range; default: the RID itself.'),
  ),
  msiController: Type.Optional(doc('MSI controller (ITS group) for this subtree (inherited).', Id)),
};

export const PciNodeType = Type.Union(
  [
    Type.Literal('pcie-root-port'),
    Type.Literal('pcie-switch-upstream-port'),
    Type.Literal('pcie-switch-downstream-port'),
    Type.Literal('pcie-pci-bridge'),
    Type.Literal('pci-pcie-bridge'),
    Type.Literal('pci-bridge'),
    Type.Literal('pcie-endpoint'),
    Type.Literal('rciep'),
    Type.Literal('pci-endpoint'),
  ],
  {
    description:
      'pcie-pci-bridge = PCIe-to-PCI/PCI-X bridge; pci-pcie-bridge = PCI/PCI-X-to-PCIe bridge; pci-bridge = conventional PCI-to-PCI bridge; rciep = root-complex integrated endpoint.',
  },
);

export const PciNode = Type.Recursive(
  (Self) =>
    Type.Object(
      {
        id: Id,
        type: PciNodeType,
        addr: DevfnText,
        ...assignment,
        children: Type.Optional(doc('Devices on the secondary bus (bridges and ports only).', Type.Array(Self))),
        reserveBuses: Type.Optional(
          UInt(255, 'Hot-plug reservation: the bridge keeps at least this many bus numbers after its secondary bus.'),
        ),
        secondaryBus: Type.Optional(
          UInt(255, 'Bridges and ports: the secondary bus the firmware programmed (a topology imported from a real machine). The firmware and hotplug-shift numberings keep it; compact renumbers.'),
        ),
        subordinateBus: Type.Optional(
          UInt(255, 'Bridges and ports: the subordinate bus the firmware programmed, kept with secondaryBus.'),
        ),
        acs: Type.Optional(doc('ACS source validation, request/completion redirect and upstream forwarding enabled (ports).', Type.Boolean())),
        ats: Type.Optional(doc('ATS: on a root port it goes into the DMAR ATSR; on a device it is device-IOTLB capable.', Type.Boolean())),
        dmaAliases: Type.Optional(
          doc('Quirk DMA aliases: other devfns on the same bus that this function also issues DMA as.', Type.Array(DevfnText)),
        ),
        phantomFunctions: Type.Optional(UInt(3, 'PCIe Phantom Functions Supported (0-3): function-number bits used as tag bits.')),
        aliasAsPcieBridge: Type.Optional(
          doc('Quirk: a conventional bridge that is really PCIe-to-PCI (Linux PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS).', Type.Boolean()),
        ),
        translateRoot: Type.Optional(
          doc('The translation unit sits at this bridge: aliasing stops here (Linux PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT).', Type.Boolean()),
        ),
        reservedMemory: Type.Optional(Type.Array(ReservedRegion)),
        vendorId: Type.Optional(UInt(0xffff, 'PCI vendor ID (informational).')),
        deviceId: Type.Optional(UInt(0xffff, 'PCI device ID (informational).')),
        model: Type.Optional(doc('What the device is (e.g. the QEMU device name).', Type.String())),
        note: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  { $id: 'PciNode', description: 'A PCI function: a port, a bridge or an endpoint.' },
);

export const HostBridge = Type.Object(
  {
    id: Id,
    kind: Type.Optional(
      Type.Union([Type.Literal('pcie'), Type.Literal('pci')], { description: 'PCIe root complex (default) or conventional PCI host bridge.' }),
    ),
    segment: Type.Optional(UInt(0xffff, 'PCI segment (domain), default 0.')),
    rootBus: Type.Optional(UInt(255, 'Root bus number (_BBN); fixed, the OS never renumbers it. Default 0.')),
    busLimit: Type.Optional(
      UInt(255, 'Last bus number this host bridge decodes; default: up to the next host bridge\'s root bus in the segment, or 0xff.'),
    ),
    expander: Type.Optional(doc('An expander bridge (QEMU pxb/pxb-pcie) with a fixed first bus.', Type.Boolean())),
    proximityDomain: Type.Optional(UInt(0xffffffff, 'NUMA proximity domain of the root bus (its host bridge\'s ACPI _PXM; QEMU pxb numa_node).')),
    ...assignment,
    ats: Type.Optional(doc('The root complex supports ATS (IORT RC ATS attribute).', Type.Boolean())),
    acpiPath: Type.Optional(doc('ACPI name of the host bridge, e.g. "\\\\_SB_.PCI0".', Type.String())),
    ecam: Type.Optional(doc('ECAM base (for the DT host node).', Address)),
    memoryAddressSizeLimit: Type.Optional(UInt(64, 'DMA address bits the root complex can issue (IORT).')),
    children: Type.Array(PciNode, { default: [] }),
  },
  { additionalProperties: false, description: 'A PCI host bridge and its root bus.' },
);

export const PlatformDevice = Type.Object(
  {
    id: Id,
    base: doc('First MMIO resource (how VIOT matches MMIO endpoints).', Address),
    size: Type.Optional(Address),
    acpiPath: Type.Optional(doc('Full ACPI path, e.g. "\\\\_SB_.ETH0" (IORT named component).', Type.String())),
    compatible: Type.Optional(Type.String()),
    iommu: Type.Optional(Id),
    streamIds: Type.Optional(doc('Stream / endpoint IDs the device emits.', Type.Array(UInt(0xffffffff, 'stream ID'), { minItems: 1 }))),
    msiController: Type.Optional(Id),
    deviceId: Type.Optional(UInt(0xffffffff, 'MSI DeviceID when it differs from the stream ID.')),
    coherent: Type.Optional(Type.Boolean()),
    memoryAddressSizeLimit: Type.Optional(UInt(64, 'DMA address bits (IORT named component).')),
    reservedMemory: Type.Optional(Type.Array(ReservedRegion)),
  },
  { additionalProperties: false, description: 'A platform (MMIO) DMA master.' },
);

const sourceIdDevice = {
  id: Id,
  sourceId: doc('Requester ID the device uses for interrupts/DMA (bus:dev.fn); the DMAR scope start bus and path.', BdfText),
  iommu: doc('VT-d unit whose scope lists the device, or AMD-Vi unit whose IVHD names it (special entry).', Id),
  segment: Type.Optional(UInt(0xffff, 'PCI segment, default 0.')),
};

export const IoApic = Type.Object(
  { ...sourceIdDevice, ioapicId: UInt(255, 'I/O APIC ID (MADT).') },
  { additionalProperties: false, description: 'I/O APIC (DMAR scope type 3, IVRS special entry variety 1).' },
);

export const Hpet = Type.Object(
  { ...sourceIdDevice, number: UInt(255, 'HPET number (the HPET table\'s sequence).') },
  { additionalProperties: false, description: 'MSI-capable HPET block (DMAR scope type 4, IVRS special entry variety 2).' },
);

export const AcpiNamespaceDevice = Type.Object(
  {
    ...sourceIdDevice,
    path: doc('Full ACPI object name, e.g. "\\\\_SB.PCI0.I2C0".', Type.String({ minLength: 1, maxLength: 255 })),
    number: UInt(255, 'ACPI device number (ANDD) that the scope\'s enumeration ID refers to.'),
  },
  { additionalProperties: false, description: 'ACPI namespace device (DMAR ANDD + scope type 5).' },
);

export const AddressSpace = Type.Object(
  {
    id: Id,
    devices: doc('Devices that share one DMA address space (one VFIO container, one guest).', Type.Array(Id, { minItems: 1 })),
  },
  { additionalProperties: false },
);

const Ascii = (n: number, d: string) => Type.String({ maxLength: n, pattern: '^[\\x20-\\x7e]*$', description: d });

export const AcpiHeaderDefaults = Type.Object(
  {
    oemId: Type.Optional(Ascii(6, 'OEM ID (6 chars).')),
    oemTableId: Type.Optional(Ascii(8, 'OEM table ID (8 chars).')),
    oemRevision: Type.Optional(UInt(0xffffffff, 'OEM revision.')),
    creatorId: Type.Optional(Ascii(4, 'Creator (ASL compiler) ID.')),
    creatorRevision: Type.Optional(UInt(0xffffffff, 'Creator revision.')),
  },
  { additionalProperties: false },
);

export const DmarOptions = Type.Object(
  {
    hostAddressWidth: Type.Optional(UInt(64, 'DMA physical address width in bits (the table stores it minus one). Default 48.')),
    interruptRemapping: Type.Optional(Type.Boolean()),
    x2apicOptOut: Type.Optional(Type.Boolean()),
    dmaControlOptIn: Type.Optional(doc('DMA_CTRL_PLATFORM_OPT_IN_FLAG.', Type.Boolean())),
    atcRequired: Type.Optional(doc('SATC ATC_REQUIRED for integrated ATS devices.', Type.Boolean())),
  },
  { additionalProperties: false },
);

export const Topology = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, description: 'Name of the platform.' }),
    description: Type.Optional(Type.String()),
    acpi: Type.Optional(AcpiHeaderDefaults),
    dmar: Type.Optional(DmarOptions),
    iommus: Type.Optional(Type.Array(Iommu)),
    msiControllers: Type.Optional(Type.Array(ItsGroup)),
    hostBridges: Type.Optional(Type.Array(HostBridge)),
    platformDevices: Type.Optional(Type.Array(PlatformDevice)),
    ioapics: Type.Optional(Type.Array(IoApic)),
    hpets: Type.Optional(Type.Array(Hpet)),
    acpiDevices: Type.Optional(Type.Array(AcpiNamespaceDevice)),
    addressSpaces: Type.Optional(Type.Array(AddressSpace)),
  },
  { additionalProperties: false, $id: 'https://ridmap.invalid/topology.schema.json', title: 'ridmap topology' },
);

export type Topology = Static<typeof Topology>;
export type HostBridge = Static<typeof HostBridge>;
export type PciNode = Static<typeof PciNode>;
export type PciNodeType = Static<typeof PciNodeType>;
export type Iommu = Static<typeof Iommu>;
export type VtdUnit = Static<typeof VtdUnit>;
export type AmdViUnit = Static<typeof AmdViUnit>;
export type SmmuV3 = Static<typeof SmmuV3>;
export type SmmuV2 = Static<typeof SmmuV2>;
export type VirtioIommuPci = Static<typeof VirtioIommuPci>;
export type VirtioIommuMmio = Static<typeof VirtioIommuMmio>;
export type RiscvIommu = Static<typeof RiscvIommu>;
export type RiscvIommuPci = Static<typeof RiscvIommuPci>;
export type ItsGroup = Static<typeof ItsGroup>;
export type PlatformDevice = Static<typeof PlatformDevice>;
export type IoApic = Static<typeof IoApic>;
export type Hpet = Static<typeof Hpet>;
export type AcpiNamespaceDevice = Static<typeof AcpiNamespaceDevice>;
export type AddressSpace = Static<typeof AddressSpace>;
export type ReservedRegion = Static<typeof ReservedRegion>;
export type IommuCapabilities = Static<typeof IommuCapabilities>;
export type Address = Static<typeof Address>;
